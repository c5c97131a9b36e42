import { describe, expect, it } from 'vitest';
import { acceptInBatch, BATCH_ID, estimatedPrecision, newBatchId, selectForBulk, undoEntry } from '../../../lib/review/bulk.js';
import { applyDecision } from '../../../lib/review/decision.js';
import type { Coding } from '../../../lib/coding/index.js';

const NOW = '2026-12-04T09:00:00.000Z';

function coding(segmentIndex: number, code: string, over: Partial<Coding> = {}): Coding {
  return {
    projectId: 'p',
    documentId: 'd1',
    segmentIndex,
    segmentId: `d1:t${segmentIndex}`,
    segmentStart: 0,
    segmentEnd: 10,
    segmentText: 'some words',
    code,
    categoryId: 'cat',
    respondent: 'R1',
    origin: 'rule',
    status: 'proposed',
    score: over.confidence ?? 0.5,
    evidence: [],
    codebookVersion: 'v1',
    version: 1,
    createdAt: NOW,
    ...over,
  };
}

describe('bulk accept selection', () => {
  const codings = [
    coding(3, 'a', { confidence: 0.95 }),
    coding(1, 'b', { confidence: 0.9 }),
    coding(1, 'a', { confidence: 0.89 }),
    coding(2, 'c', { confidence: 0.99, status: 'accepted' }),
    coding(2, 'd', { confidence: 0.97, origin: 'human' }),
    coding(4, 'e', { score: 3.2 }), // an older rule proposal: a rule score, no calibrated confidence
    coding(900_001, 'f', { confidence: 0.99, anchor: { state: 'detached', fromIndex: 5, fromText: 'x', sourceVersion: 'v', at: NOW } }),
  ];

  it('takes undecided rule proposals at or above the threshold, in reading order', () => {
    expect(selectForBulk(codings, { minConfidence: 0.9 }).map((c) => `${c.segmentIndex}/${c.code}`)).toEqual(['1/b', '3/a']);
    expect(selectForBulk(codings, { minConfidence: 0.5 }).map((c) => `${c.segmentIndex}/${c.code}`)).toEqual(['1/a', '1/b', '3/a']);
    expect(selectForBulk(codings, { minConfidence: 0.96 })).toEqual([]);
  });

  it("keeps to the queue's filters", () => {
    expect(selectForBulk(codings, { minConfidence: 0.5, code: 'a' }).map((c) => `${c.segmentIndex}/${c.code}`)).toEqual(['1/a', '3/a']);
    expect(selectForBulk(codings, { minConfidence: 0.5, respondent: 'R2' })).toEqual([]);
    expect(selectForBulk(codings, { minConfidence: 0.5, categoryId: 'cat' })).toHaveLength(3);
  });

  it('estimates the precision as the mean confidence', () => {
    expect(estimatedPrecision([0.9, 0.95])).toBeCloseTo(0.925, 10);
    expect(estimatedPrecision([])).toBeNull();
  });

  it('makes ids the undo route accepts', () => {
    const id = newBatchId(new Date(NOW));
    expect(id).toMatch(BATCH_ID);
    expect(newBatchId(new Date(NOW))).not.toBe(id);
    expect('b../../x').not.toMatch(BATCH_ID);
  });
});

describe('accepting and undoing a batch', () => {
  const batch = { id: 'b1', projectId: 'p', userId: 'ann', minConfidence: 0.9 };

  it('accepts each coding as its own decision with an undo step, and records its version after', () => {
    const c = coding(1, 'a', { confidence: 0.93 });
    const { outcome, entry, decision } = acceptInBatch(c, [], batch, NOW);
    expect(outcome.after).toMatchObject({ status: 'accepted', version: 2, decidedBy: 'ann', decidedAt: NOW });
    expect(outcome.undoStack).toEqual([{ origin: 'rule', status: 'proposed', version: 1 }]);
    expect(entry).toEqual({ documentId: 'd1', segmentIndex: 1, code: 'a', version: 2, confidence: 0.93 });
    expect(decision.note).toBe('bulk accept b1: confidence ≥ 90 %');
  });

  it('undoes a coding still as the batch left it, back to the proposal it was', () => {
    const c = coding(1, 'a', { confidence: 0.93 });
    const { outcome, entry } = acceptInBatch(c, [], batch, NOW);
    const r = undoEntry(entry, outcome.after, outcome.undoStack, batch, 'bob', NOW);
    expect(r.kind).toBe('undo');
    if (r.kind !== 'undo') return;
    expect(r.outcome.after).toMatchObject({ status: 'proposed', version: 3, confidence: 0.93 });
    expect(r.outcome.after?.decidedBy).toBeUndefined();
    expect(r.outcome.undoStack).toEqual([]);
    expect(r.decision).toMatchObject({ action: 'undo', userId: 'bob', note: 'undo of bulk accept b1' });
  });

  it('reports a coding changed since (rejected after, undone, or gone) instead of overwriting it', () => {
    const c = coding(1, 'a', { confidence: 0.93 });
    const { outcome, entry } = acceptInBatch(c, [], batch, NOW);
    const accepted = outcome.after!;
    const rejected = applyDecision(
      accepted,
      outcome.undoStack,
      { ...entry, projectId: 'p', action: 'reject', expectedVersion: accepted.version, userId: 'carol' },
      NOW,
    );
    expect(undoEntry(entry, rejected.after, rejected.undoStack, batch, 'bob', NOW)).toEqual({ kind: 'changed', current: rejected.after });
    const undone = applyDecision(
      accepted,
      outcome.undoStack,
      { ...entry, projectId: 'p', action: 'undo', expectedVersion: accepted.version, userId: 'carol' },
      NOW,
    );
    expect(undoEntry(entry, undone.after, undone.undoStack, batch, 'bob', NOW).kind).toBe('changed');
    expect(undoEntry(entry, null, [], batch, 'bob', NOW)).toEqual({ kind: 'changed', current: null });
    // accepted again later (version moved on) is the reviewer's own decision now
    expect(undoEntry(entry, { ...accepted, version: 5 }, outcome.undoStack, batch, 'bob', NOW).kind).toBe('changed');
  });
});
