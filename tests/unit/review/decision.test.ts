import { describe, expect, it } from 'vitest';
import { applyDecision, createsCoding, UNDO_DEPTH, type DecisionOutcome } from '../../../lib/review/decision.js';
import { snapshot } from '../../../lib/coding/index.js';
import { ConflictError, type Coding, type CodingSnapshot, type Decision, type SegmentRecord } from '../../../lib/coding/index.js';
import { QualtagError } from '../../../lib/errors.js';

const now = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:00.000Z';
const proposal: Coding = {
  projectId: 'p',
  documentId: 'd',
  segmentIndex: 3,
  segmentId: 'd-s3',
  segmentStart: 100,
  segmentEnd: 120,
  segmentText: 'x'.repeat(20),
  code: 'c/vertrouwen',
  categoryId: 'c',
  respondent: 'R1',
  origin: 'rule',
  status: 'proposed',
  score: 0.8,
  evidence: [{ start: 0, end: 4, rule: 'vertrouw*' }],
  codebookVersion: 'v1',
  version: 1,
  createdAt: now,
};
const segment: SegmentRecord = {
  projectId: 'p',
  documentId: 'd',
  id: 'd-s3',
  index: 3,
  start: 100,
  end: 120,
  text: 'x'.repeat(20),
  speaker: 'R1',
  respondent: 'R1',
  page: 2,
};
const dec = (action: Decision['action'], expectedVersion: number | null, extra: Partial<Decision> = {}): Decision => ({
  projectId: 'p',
  documentId: 'd',
  segmentIndex: 3,
  code: 'c/vertrouwen',
  action,
  expectedVersion,
  userId: 'u1',
  ...extra,
});

/** Applies a decision to an outcome, as the store does with the item it reads back. */
const next = (o: DecisionOutcome, d: Decision, at = later): DecisionOutcome => applyDecision(o.after, o.undoStack, d, at);
const start: DecisionOutcome = { after: proposal, undoStack: [] };

function conflict(fn: () => unknown): ConflictError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConflictError);
    return e as ConflictError;
  }
  throw new Error('expected a ConflictError');
}

describe('applyDecision', () => {
  it('accepts and rejects a proposal, bumping the version, recording who and stacking the state before', () => {
    const a = next(start, dec('accept', 1), now);
    expect(a.after).toMatchObject({ status: 'accepted', version: 2, decidedBy: 'u1', decidedAt: now, origin: 'rule' });
    expect(a.undoStack).toEqual([{ origin: 'rule', status: 'proposed', version: 1 }]);
    const r = next(a, dec('reject', 2, { userId: 'u2' }));
    expect(r.after).toMatchObject({ status: 'rejected', version: 3, decidedBy: 'u2', decidedAt: later });
    expect(r.undoStack).toHaveLength(2);
  });

  it('refuses a stale version with the current state, for every action', () => {
    const accepted = { ...proposal, status: 'accepted' as const, version: 2 };
    for (const action of ['accept', 'reject', 'undo', 'add'] as const) {
      const e = conflict(() => applyDecision(accepted, [snapshot(proposal)], dec(action, 1, { categoryId: 'c' }), now));
      expect(e.current).toEqual(accepted);
      expect(e.message).toMatch(/version 1.*version 2/);
    }
    // a coding that is gone: 409 with current null
    expect(conflict(() => applyDecision(null, [], dec('accept', 1), now)).current).toBeNull();
  });

  it('refuses a no-op (accept what is accepted, reject what is rejected) with 409 even on the right version', () => {
    const a = next(start, dec('accept', 1));
    const e = conflict(() => next(a, dec('accept', 2)));
    expect(e.message).toMatch(/already accepted/);
    expect(e.current).toEqual(a.after);
    const r = next(start, dec('reject', 1));
    expect(conflict(() => next(r, dec('reject', 2))).message).toMatch(/already rejected/);
  });

  it('adds a new human coding on a span from the segment, checked against the segment length', () => {
    expect(createsCoding(dec('add', null), null)).toBe(true);
    expect(createsCoding(dec('add', null), proposal)).toBe(false);
    expect(createsCoding(dec('accept', 1), null)).toBe(false);
    const o = applyDecision(null, [], dec('add', null, { categoryId: 'c', span: { start: 2, end: 9 } }), now, { segment, codebookVersion: 'v1' });
    expect(o.after).toMatchObject({
      origin: 'human',
      status: 'accepted',
      version: 1,
      span: { start: 2, end: 9 },
      respondent: 'R1',
      speaker: 'R1',
      page: 2,
      segmentId: 'd-s3',
      segmentStart: 100,
      codebookVersion: 'v1',
      score: 0,
      decidedBy: 'u1',
    });
    expect(o.undoStack).toEqual([null]);
    expect(() => applyDecision(null, [], dec('add', null, { categoryId: 'c', span: { start: 2, end: 21 } }), now, { segment, codebookVersion: 'v1' })).toThrow(
      QualtagError,
    );
    expect(() => applyDecision(null, [], dec('add', null, { categoryId: 'c' }), now, { segment: null, codebookVersion: 'v1' })).toThrow(/does not exist/);
    expect(() =>
      applyDecision(null, [], dec('add', null, { categoryId: 'c' }), now, { segment: { ...segment, projectId: 'other' }, codebookVersion: 'v1' }),
    ).toThrow(/does not exist/);
    expect(() => applyDecision(null, [], dec('add', null), now, { segment, codebookVersion: 'v1' })).toThrow(/needs its category/);
    // adding when one exists but the client thought none did: 409 (a double-click on "add" lands here)
    expect(conflict(() => applyDecision(proposal, [], dec('add', null, { categoryId: 'c' }), now)).message).toMatch(/already has this code/);
  });

  it('turns a rejected proposal into a human coding when the version matches; undo gives the proposal back', () => {
    const r = next(start, dec('reject', 1));
    const h = next(r, dec('add', 2, { categoryId: 'c', span: { start: 1, end: 5 } }));
    expect(h.after).toMatchObject({ origin: 'human', status: 'accepted', version: 3, span: { start: 1, end: 5 }, evidence: proposal.evidence });
    // the same add again is a no-op: refused
    expect(conflict(() => next(h, dec('add', 3, { categoryId: 'c', span: { start: 1, end: 5 } }))).message).toMatch(/already accepted/);
    // a different span on the accepted coding is a change
    expect(next(h, dec('add', 3, { categoryId: 'c' })).after?.span).toBeUndefined();
    expect(() => next(r, dec('add', 2, { categoryId: 'c', span: { start: 0, end: 21 } }))).toThrow(/not inside the segment/);
    const u = next(h, dec('undo', 3));
    expect(u.after).toMatchObject({ origin: 'rule', status: 'rejected', version: 4 });
    expect(u.after?.span).toBeUndefined();
  });

  it('undo is a stack: undo, undo again reverts the decision before, then nothing is left (400)', () => {
    const a = next(start, dec('accept', 1));
    const r = next(a, dec('reject', 2, { userId: 'u2' }));
    const u1 = next(r, dec('undo', 3));
    expect(u1.after).toMatchObject({ status: 'accepted', version: 4, decidedBy: 'u1', decidedAt: later });
    const u2 = next(u1, dec('undo', 4));
    expect(u2.after).toMatchObject({ status: 'proposed', version: 5, origin: 'rule' });
    expect(u2.after?.decidedBy).toBeUndefined();
    expect(u2.after?.decidedAt).toBeUndefined();
    expect(u2.undoStack).toEqual([]);
    expect(() => next(u2, dec('undo', 5))).toThrow(expect.objectContaining({ kind: 'BAD_REQUEST', message: expect.stringMatching(/no decision/) }));
  });

  it('undo of an add that created the coding removes it', () => {
    const added = applyDecision(null, [], dec('add', null, { categoryId: 'c' }), now, { segment, codebookVersion: 'v1' });
    expect(next(added, dec('undo', 1))).toEqual({ after: null, undoStack: [] });
  });

  it(`keeps at most ${UNDO_DEPTH} steps of undo`, () => {
    let o = start;
    for (let v = 1; v <= UNDO_DEPTH + 5; v++) o = next(o, dec(v % 2 ? 'accept' : 'reject', v));
    expect(o.undoStack).toHaveLength(UNDO_DEPTH);
    // the oldest states fell off: the first kept one is the state before decision 6
    expect((o.undoStack[0] as NonNullable<CodingSnapshot>).version).toBe(6);
  });

  it('accept/reject/undo without a version is a bad request; a coding of another project is not found', () => {
    expect(() => applyDecision(proposal, [], dec('accept', null), now)).toThrow(/needs the coding version/);
    expect(() => applyDecision(proposal, [], dec('accept', 1, { projectId: 'q' }), now)).toThrow(expect.objectContaining({ kind: 'NOT_FOUND' }));
  });
});
