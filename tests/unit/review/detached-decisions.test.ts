// place / drop of detached codings, undo of a place, and undo history after a re-upload moved a span.
import { describe, expect, it } from 'vitest';
import { applyDecision, placeTarget, type DecisionOutcome, type PlaceContext } from '../../../lib/review/decision.js';
import { undoStackOnNewText } from '../../../lib/coding/index.js';
import { DETACHED_BASE } from '../../../lib/pipeline/reanchor.js';
import { ConflictError, type Coding, type CodingSnapshot, type Decision, type SegmentRecord } from '../../../lib/coding/index.js';
import { QualtagError } from '../../../lib/errors.js';

const now = '2026-01-01T00:00:00.000Z';
const oldText = 'We werken thuis op dinsdag, dat geeft balans.';
const slot = DETACHED_BASE + 5;
/** An accepted rule coding whose passage (segment 5) a re-upload removed. */
const detached: Coding = {
  projectId: 'p',
  documentId: 'd',
  segmentIndex: slot,
  segmentId: 'd-s5',
  segmentStart: 300,
  segmentEnd: 300 + oldText.length,
  segmentText: oldText,
  code: 'werk/balans',
  categoryId: 'werk',
  respondent: 'R1',
  origin: 'rule',
  status: 'accepted',
  score: 1.2,
  evidence: [{ start: 39, end: 45, rule: 'balans' }],
  codebookVersion: 'v1',
  version: 3,
  createdAt: now,
  decidedBy: 'ann',
  decidedAt: now,
  anchor: { state: 'detached', fromIndex: 5, fromText: oldText, sourceVersion: 'etag-2', at: now },
};
const detachedStack: CodingSnapshot[] = [{ origin: 'rule', status: 'proposed', version: 1 }];
const target: SegmentRecord = {
  projectId: 'p',
  documentId: 'd',
  id: 'd-s8',
  index: 8,
  start: 500,
  end: 540,
  text: 'Thuiswerken op dinsdag geeft mij rust.',
  speaker: 'R1',
  respondent: 'R1',
  page: null,
};
const proposalThere: Coding = {
  ...detached,
  segmentIndex: 8,
  segmentId: 'd-s8',
  segmentStart: 500,
  segmentEnd: 540,
  segmentText: target.text,
  origin: 'rule',
  status: 'proposed',
  score: 0.4,
  evidence: [{ start: 0, end: 11, rule: 'thuiswerk*' }],
  version: 7,
  decidedBy: undefined,
  decidedAt: undefined,
  anchor: undefined,
};
delete proposalThere.decidedBy;
delete proposalThere.decidedAt;
delete proposalThere.anchor;

const dec = (action: Decision['action'], expectedVersion: number | null, extra: Partial<Decision> = {}): Decision => ({
  projectId: 'p',
  documentId: 'd',
  segmentIndex: slot,
  code: 'werk/balans',
  action,
  expectedVersion,
  userId: 'bob',
  ...extra,
});
const ctx = (current: Coding | null = null, segment: SegmentRecord | null = target): PlaceContext => ({ segment, current });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('place', () => {
  it('puts a detached coding on a segment of the current text as a human coding with its status and decider, removing the detached one', () => {
    const d = dec('place', 3, { to: { segmentIndex: 8 }, span: { start: 0, end: 11 } });
    expect(placeTarget(d)).toEqual({ documentId: 'd', segmentIndex: 8, code: 'werk/balans' });
    const o = applyDecision(detached, detachedStack, d, '2026-02-01T00:00:00.000Z', undefined, ctx());
    expect(o.after).toBeNull();
    const to = o.relocated!.to;
    expect(to).toMatchObject({
      segmentIndex: 8,
      segmentId: 'd-s8',
      segmentStart: 500,
      segmentEnd: 540,
      segmentText: target.text,
      speaker: 'R1',
      origin: 'human',
      status: 'accepted',
      decidedBy: 'ann',
      decidedAt: now,
      span: { start: 0, end: 11 },
      version: 4,
      evidence: [],
      score: 0,
    });
    expect(to.anchor).toBeUndefined();
    expect(o.relocated!.expectedVersion).toBeNull();
    // One undo step: the place, which remembers the detached coding and its own history.
    expect(o.relocated!.undoStack).toHaveLength(1);
    expect(o.relocated!.undoStack[0]!.placedFrom).toEqual({ coding: detached, undoStack: detachedStack });
    expect(o.note).toMatch(/^placed on segment 9 \(a span\); its passage \(segment 6\)/);
  });

  it('keeps a rejection rejected', () => {
    const rejected = { ...detached, status: 'rejected' as const, decidedBy: 'carl' };
    const o = applyDecision(rejected, [], dec('place', 3, { to: { segmentIndex: 8 } }), now, undefined, ctx());
    expect(o.relocated!.to).toMatchObject({ status: 'rejected', decidedBy: 'carl', origin: 'human' });
    expect(o.relocated!.to.span).toBeUndefined();
  });

  it('replaces an undecided rule proposal there, past its version, and refuses a human decision there (409)', () => {
    const o = applyDecision(detached, [], dec('place', 3, { to: { segmentIndex: 8 } }), now, undefined, ctx(proposalThere));
    expect(o.relocated!.expectedVersion).toBe(7);
    expect(o.relocated!.to.version).toBe(8);
    expect(o.relocated!.undoStack[0]!.placedFrom!.replaced).toEqual(proposalThere);

    const humanThere = { ...proposalThere, status: 'accepted' as const, decidedBy: 'ann' };
    const e = thrown(() => applyDecision(detached, [], dec('place', 3, { to: { segmentIndex: 8 } }), now, undefined, ctx(humanThere)));
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).current).toEqual(humanThere);
    expect(e.message).toMatch(/segment 9 already has this code \(accepted by ann\)/);
  });

  it('is refused for a stale version, a coding that is not detached, a missing segment or a span outside it', () => {
    expect(thrown(() => applyDecision(detached, [], dec('place', 2, { to: { segmentIndex: 8 } }), now, undefined, ctx()))).toBeInstanceOf(ConflictError);
    expect(thrown(() => applyDecision(null, [], dec('place', 3, { to: { segmentIndex: 8 } }), now, undefined, ctx()))).toBeInstanceOf(ConflictError);
    const attached = { ...detached, anchor: undefined };
    const notDetached = thrown(() => applyDecision(attached, [], dec('place', 3, { to: { segmentIndex: 8 } }), now, undefined, ctx()));
    expect(notDetached).toMatchObject({ kind: 'BAD_REQUEST' });
    expect(notDetached.message).toMatch(/only a detached coding/);
    expect(thrown(() => applyDecision(detached, [], dec('place', 3, { to: { segmentIndex: 8 } }), now, undefined, ctx(null, null)))).toMatchObject({
      kind: 'NOT_FOUND',
    });
    expect(thrown(() => applyDecision(detached, [], dec('place', 3, { to: { segmentIndex: 9 } }), now, undefined, ctx()))).toMatchObject({ kind: 'NOT_FOUND' });
    const span = thrown(() => applyDecision(detached, [], dec('place', 3, { to: { segmentIndex: 8 }, span: { start: 30, end: 99 } }), now, undefined, ctx()));
    expect(span).toBeInstanceOf(QualtagError);
    expect(span).toMatchObject({ kind: 'BAD_REQUEST', where: 'span' });
  });
});

describe('undo of a place', () => {
  const placed = (there: Coding | null): DecisionOutcome => {
    const o = applyDecision(detached, detachedStack, dec('place', 3, { to: { segmentIndex: 8 } }), now, undefined, ctx(there));
    return { after: o.relocated!.to, undoStack: o.relocated!.undoStack };
  };
  const at8 = (extra: Partial<Decision> = {}): Partial<Decision> => ({ segmentIndex: 8, ...extra });

  it('puts the detached coding back with its own history and a higher version, and removes the placed one', () => {
    const p = placed(null);
    const u = applyDecision(p.after, p.undoStack, dec('undo', p.after!.version, at8()), now);
    expect(u.after).toBeNull();
    expect(u.relocated!.to).toEqual({ ...detached, version: 5 });
    expect(u.relocated!.undoStack).toEqual(detachedStack);
    expect(u.relocated!.expectedVersion).toBeNull();
    expect(u.note).toMatch(/detached again/);
  });

  it('after a later decision on the placed coding, undoes that decision first, then the place', () => {
    const p = placed(null);
    const r = applyDecision(p.after, p.undoStack, dec('reject', 4, at8()), now);
    expect(r.after).toMatchObject({ status: 'rejected', version: 5, segmentIndex: 8 });
    const u1 = applyDecision(r.after, r.undoStack, dec('undo', 5, at8()), now);
    expect(u1.after).toMatchObject({ status: 'accepted', origin: 'human', decidedBy: 'ann', version: 6, segmentIndex: 8 });
    expect(u1.relocated).toBeUndefined();
    const u2 = applyDecision(u1.after, u1.undoStack, dec('undo', 6, at8()), now);
    expect(u2.after).toBeNull();
    expect(u2.relocated!.to).toMatchObject({ segmentIndex: slot, version: 7, anchor: { state: 'detached' } });
  });

  it('brings back the rule proposal the place replaced, at a higher version', () => {
    const p = placed(proposalThere);
    const u = applyDecision(p.after, p.undoStack, dec('undo', p.after!.version, at8()), now);
    expect(u.after).toEqual({ ...proposalThere, version: 9 });
    expect(u.relocated!.to.segmentIndex).toBe(slot);
  });
});

describe('drop', () => {
  it('removes a detached coding; nothing is left to undo', () => {
    const o = applyDecision(detached, detachedStack, dec('drop', 3), now);
    expect(o).toMatchObject({ after: null, undoStack: [] });
    expect(o.relocated).toBeUndefined();
    expect(o.note).toMatch(/^dropped: .*segment 6/);
  });

  it('is refused on a stale version and on a coding that is not detached', () => {
    expect(thrown(() => applyDecision(detached, [], dec('drop', 2), now))).toBeInstanceOf(ConflictError);
    const e = thrown(() => applyDecision({ ...detached, anchor: { ...detached.anchor!, state: 'moved' } }, [], dec('drop', 3), now));
    expect(e).toMatchObject({ kind: 'BAD_REQUEST' });
    expect(e.message).toMatch(/only a detached coding can be dropped/);
  });
});

describe('undo history after a re-upload moved the text', () => {
  const before = 'Ik vind de flexplek fijn.';
  const after = 'Eerlijk gezegd: ik vind de flexplek erg fijn.';

  it('moves snapshot spans to where their text is now, drops those not found, and leaves place entries alone', () => {
    const flex = { start: before.indexOf('flexplek'), end: before.indexOf('flexplek') + 8 };
    const gone = { start: 0, end: 7 }; // "Ik vind": the new text has it lower-case
    const placedFrom = { coding: detached, undoStack: [] };
    const stack: CodingSnapshot[] = [
      null,
      { origin: 'human', status: 'accepted', version: 1, span: flex },
      { origin: 'human', status: 'accepted', version: 2, span: gone },
      { origin: 'human', status: 'accepted', version: 3, span: flex, placedFrom },
    ];
    const moved = undoStackOnNewText(stack, before, after);
    expect(moved[0]).toBeNull();
    expect(after.slice(moved[1]!.span!.start, moved[1]!.span!.end)).toBe('flexplek');
    expect(moved[1]!.span!.start).not.toBe(flex.start);
    expect(moved[2]).toEqual({ origin: 'human', status: 'accepted', version: 2 });
    expect(moved[3]).toBe(stack[3]);
    expect(undoStackOnNewText(stack, before, before)).toEqual(stack);
  });

  it('so an undo after the move restores the span on the new text', () => {
    const added: Coding = { ...detached, segmentIndex: 2, segmentText: before, origin: 'human', status: 'accepted', span: { start: 11, end: 19 }, version: 1 };
    delete added.anchor;
    const rejected = applyDecision(added, [], { ...dec('reject', 1), segmentIndex: 2 }, now);
    // The re-upload moves the coding (segment 2 -> 4, text changed) and, with it, its history.
    const span = { start: after.indexOf('flexplek'), end: after.indexOf('flexplek') + 8 };
    const movedCoding: Coding = { ...rejected.after!, segmentIndex: 4, segmentText: after, span, version: 3 };
    const u = applyDecision(movedCoding, undoStackOnNewText(rejected.undoStack, before, after), { ...dec('undo', 3), segmentIndex: 4 }, now);
    expect(u.after).toMatchObject({ status: 'accepted', segmentIndex: 4, span });
    expect(after.slice(u.after!.span!.start, u.after!.span!.end)).toBe('flexplek');
    // Without the relocation the old offsets would point at other text.
    const stale = applyDecision(movedCoding, rejected.undoStack, { ...dec('undo', 3), segmentIndex: 4 }, now);
    expect(after.slice(stale.after!.span!.start, stale.after!.span!.end)).not.toBe('flexplek');
  });
});
