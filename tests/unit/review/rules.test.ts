import { describe, expect, it } from 'vitest';
import { isStale, planDecision, snapshot, undoTarget } from '../../../lib/review/rules.js';
import { ConflictError, type AuditEvent, type Coding, type Decision } from '../../../lib/store/ports.js';
import { QualtagError } from '../../../lib/errors.js';

const now = '2026-01-01T00:00:00.000Z';
const proposal: Coding = {
  projectId: 'p', documentId: 'd', segmentIndex: 3, segmentId: 'd-s3', segmentStart: 100, segmentEnd: 120, segmentText: 'x'.repeat(20), code: 'c/vertrouwen', categoryId: 'c',
  respondent: 'R1', origin: 'rule', status: 'proposed', score: 0.8, evidence: [{ start: 0, end: 4, rule: 'vertrouw*' }],
  codebookVersion: 'v1', version: 1, createdAt: now,
};
const dec = (action: Decision['action'], expectedVersion: number | null, extra: Partial<Decision> = {}): Decision => ({
  projectId: 'p', documentId: 'd', segmentIndex: 3, code: 'c/vertrouwen', action, expectedVersion, userId: 'u1', ...extra,
});
let n = 0;
function event(action: Decision['action'], before: Coding | null, after: Coding | null): AuditEvent {
  return { projectId: 'p', documentId: 'd', segmentIndex: 3, code: 'c/vertrouwen', id: `e${++n}`, action, userId: 'u1', at: now, before: snapshot(before), after: snapshot(after) };
}

describe('review decision rules', () => {
  it('accepts and rejects a proposal, bumping the version and recording who', () => {
    const a = planDecision(dec('accept', 1), { current: proposal, now })!;
    expect(a).toMatchObject({ status: 'accepted', version: 2, decidedBy: 'u1', decidedAt: now, origin: 'rule' });
    const r = planDecision(dec('reject', 2, { userId: 'u2' }), { current: a, now })!;
    expect(r).toMatchObject({ status: 'rejected', version: 3, decidedBy: 'u2' });
  });

  it('refuses a stale version with the current state', () => {
    const accepted = { ...proposal, status: 'accepted' as const, version: 2 };
    try {
      planDecision(dec('reject', 1), { current: accepted, now });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as ConflictError).current).toEqual(accepted);
      expect((e as ConflictError).message).toMatch(/version 1.*version 2/);
    }
    expect(isStale(proposal, 1)).toBe(false);
    expect(isStale(proposal, 0)).toBe(true);
    expect(isStale(null, null)).toBe(false);
    expect(isStale(null, 1)).toBe(true);
  });

  it('refuses accepting what is already accepted (a lost race looks the same to the user)', () => {
    const accepted = { ...proposal, status: 'accepted' as const, version: 2 };
    expect(() => planDecision(dec('accept', 2), { current: accepted, now })).toThrow(ConflictError);
  });

  it('adds a new human coding on a span, checked against the segment length', () => {
    const seg = { id: 'd-s3', respondent: 'R1', start: 100, end: 120, text: 'x'.repeat(20) };
    const c = planDecision(dec('add', null, { categoryId: 'c', span: { start: 2, end: 9 } }), { current: null, segment: seg, codebookVersion: 'v1', now })!;
    expect(c).toMatchObject({ origin: 'human', status: 'accepted', version: 1, span: { start: 2, end: 9 }, respondent: 'R1', segmentId: 'd-s3' });
    expect(() => planDecision(dec('add', null, { categoryId: 'c', span: { start: 2, end: 21 } }), { current: null, segment: seg, now })).toThrow(QualtagError);
    expect(() => planDecision(dec('add', null, { categoryId: 'c' }), { current: null, now })).toThrow(/does not exist/);
    // adding when one exists but the client thought none did: stale
    expect(() => planDecision(dec('add', null, { categoryId: 'c' }), { current: proposal, segment: seg, now })).toThrow(ConflictError);
  });

  it('turns a rejected proposal into a human coding when the version matches', () => {
    const rejected = { ...proposal, status: 'rejected' as const, version: 2 };
    const c = planDecision(dec('add', 2, { categoryId: 'c' }), { current: rejected, now })!;
    expect(c).toMatchObject({ origin: 'human', status: 'accepted', version: 3 });
  });

  it('undo is a stack: undo, undo again reverts the decision before', () => {
    const a = planDecision(dec('accept', 1), { current: proposal, now })!;
    const history = [event('accept', proposal, a)];
    const r = planDecision(dec('reject', 2), { current: a, now })!;
    history.push(event('reject', a, r));
    const u1 = planDecision(dec('undo', 3), { current: r, history, now })!;
    expect(u1).toMatchObject({ status: 'accepted', version: 4 });
    history.push(event('undo', r, u1));
    const u2 = planDecision(dec('undo', 4), { current: u1, history, now })!;
    expect(u2).toMatchObject({ status: 'proposed', version: 5, origin: 'rule' });
    expect(u2.decidedBy).toBeUndefined();
    history.push(event('undo', u1, u2));
    expect(undoTarget(history)).toBeNull();
    expect(() => planDecision(dec('undo', 5), { current: u2, history, now })).toThrow(/no decision/);
  });

  it('undo of an add that created the coding removes it', () => {
    const seg = { id: 'd-s3', respondent: null, start: 100, end: 120, text: 'x'.repeat(20) };
    const added = planDecision(dec('add', null, { categoryId: 'c' }), { current: null, segment: seg, now })!;
    expect(planDecision(dec('undo', 1), { current: added, history: [event('add', null, added)], now })).toBeNull();
  });

  it('accept/reject/undo without a version is a bad request', () => {
    expect(() => planDecision(dec('accept', null), { current: proposal, now })).toThrow(/needs the coding version/);
  });
});
