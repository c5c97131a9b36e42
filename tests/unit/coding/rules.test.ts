import { describe, expect, it } from 'vitest';
import { codingHistory, codingId, parseCodingId, relocateRange } from '../../../lib/coding/index.js';

describe('coding ids', () => {
  it('encodes coding ids reversibly, also for codes with slashes and tildes', () => {
    const ref = { documentId: 'abc123', segmentIndex: 42, code: 'cat/co~de één' };
    expect(parseCodingId(codingId(ref))).toEqual(ref);
    expect(() => parseCodingId('abc~x~y')).toThrow();
  });
});

describe('relocateRange', () => {
  it('finds a piece again nearest where it was, or says it is gone', () => {
    expect(relocateRange('aa werkdruk bb', 'nieuw: aa werkdruk bb', 3, 11)).toEqual({ start: 10, end: 18 });
    expect(relocateRange('ja ja', 'ja ja ja', 3, 5)).toEqual({ start: 3, end: 5 });
    expect(relocateRange('aa werkdruk bb', 'aa drukte bb', 3, 11)).toBeNull();
  });
});

describe('codingHistory', () => {
  it("follows a coding back through its moves and leaves out other codings' events on the same positions", () => {
    const ev = (segmentIndex: number, code: string, action: string, fromSegmentIndex?: number, id = `${action}@${segmentIndex}`) => ({
      id,
      segmentIndex,
      code,
      action,
      ...(fromSegmentIndex !== undefined ? { fromSegmentIndex } : {}),
    });
    const events = [
      ev(5, 'x', 'accept', undefined, 'other coding on 5 before'),
      ev(3, 'x', 'accept'),
      ev(3, 'y', 'reject'),
      ev(5, 'x', 'move', 3, 'move 3->5'),
      ev(3, 'x', 'add', undefined, 'new coding on 3 after'),
      ev(5, 'x', 'undo'),
    ];
    expect(codingHistory(events, { segmentIndex: 5, code: 'x' }).map((e) => e.id)).toEqual(['accept@3', 'move 3->5', 'undo@5']);
    expect(codingHistory(events, { segmentIndex: 3, code: 'x' }).map((e) => e.id)).toEqual(['accept@3', 'new coding on 3 after']);
  });
});
