import { describe, expect, it } from 'vitest';
import { reviewerDecisions, type TrailEvent } from '../../../lib/report/reports.js';

const ev = (segmentIndex: number, action: TrailEvent['action'], userId = 'ann', fromSegmentIndex?: number, code = 'a/x'): TrailEvent => ({
  documentId: 'd',
  segmentIndex,
  code,
  action,
  userId,
  ...(fromSegmentIndex !== undefined ? { fromSegmentIndex } : {}),
});
const at = (ds: ReturnType<typeof reviewerDecisions>) => ds.map((d) => `${d.userId}:${d.action}@${d.segmentIndex}`);

describe('reviewer judgements after re-uploads', () => {
  it('keeps judgements where nothing moved', () => {
    expect(at(reviewerDecisions([ev(1, 'accept'), ev(2, 'reject', 'bob'), ev(2, 'undo', 'bob')]))).toEqual(['ann:accept@1', 'bob:reject@2', 'bob:undo@2']);
  });

  it('sends judgements to the position their coding moved to, along a chain of moves', () => {
    // A passage inserted at the top: the coding at 5 moves to 6 first, then the one at 4 moves to 5.
    const trail = [ev(4, 'accept'), ev(5, 'reject', 'bob'), ev(6, 'move', 'qualtag', 5), ev(5, 'move', 'qualtag', 4), ev(5, 'accept', 'bob')];
    expect(at(reviewerDecisions(trail))).toEqual(['ann:accept@5', 'bob:reject@6', 'bob:accept@5']);
  });

  it('leaves out judgements on codings that end detached or dropped, but keeps one placed again', () => {
    const detachedStays = [ev(3, 'accept'), ev(900000, 'detach', 'qualtag', 3)];
    expect(reviewerDecisions(detachedStays)).toEqual([]);
    const dropped = [ev(3, 'accept'), ev(900000, 'detach', 'qualtag', 3), ev(900000, 'drop')];
    expect(reviewerDecisions(dropped)).toEqual([]);
    const placed = [ev(3, 'accept'), ev(900000, 'detach', 'qualtag', 3), ev(7, 'place', 'ann', 900000)];
    expect(at(reviewerDecisions(placed))).toEqual(['ann:accept@7']);
    // The undo of a place sends the coding back to its detached slot: not a judgement, and it ends detached.
    const unplaced = [...placed, ev(900000, 'undo', 'ann', 7)];
    expect(reviewerDecisions(unplaced)).toEqual([]);
  });

  it('does not give a coding the judgements of the one that held its position before', () => {
    // The coding at 2 (ann's) moves to 3; later bob's coding at 1 moves to 2. Ann's judgement follows hers.
    const trail = [ev(2, 'accept'), ev(1, 'reject', 'bob'), ev(3, 'move', 'qualtag', 2), ev(2, 'move', 'qualtag', 1)];
    expect(at(reviewerDecisions(trail))).toEqual(['ann:accept@3', 'bob:reject@2']);
  });
});
