// Bulk accept with one undo: the proposals a reviewer accepts at once because the ranker is confident
// enough, and the undo of exactly that batch. Pure rules here; the use cases that apply them under each
// document's write lock are in bulk-accept.ts.
//
// - Selection: undecided rule proposals with a calibrated confidence at or above the threshold (older
//   proposals without a confidence are never bulk-accepted, and neither are detached codings).
// - Each coding is accepted with applyDecision, so it gets its own undo step and audit event, exactly as
//   if the reviewer had pressed accept; the batch records each coding's version after the accept.
// - Undo of the batch undoes each coding's own last step, but only when the coding is still at the
//   version the batch left it at (accepted by the batch). A coding changed since (rejected, undone,
//   re-tagged, decided again) is reported, never overwritten.
import { randomBytes } from 'node:crypto';
import { type BatchEntry, type BulkBatch, type Coding, type CodingSnapshot, type Decision, isDetached } from '../coding/index.js';
import { applyDecision, type DecisionOutcome } from './decision.js';

/** Below this a bulk accept is refused: less certain proposals are decided one by one. */
export const MIN_BULK_CONFIDENCE = 0.5;
/** Codings per transaction (each writes the coding and its audit event; the aggregate and batch items come on top). */
export const BULK_CHUNK = 40;

export function newBatchId(now: Date): string {
  return `b${now.getTime().toString(36)}${randomBytes(4).toString('hex')}`;
}

export const BATCH_ID = /^b[0-9a-z]{6,12}[0-9a-f]{8}$/;

/** What a bulk accept selects: the threshold, and optionally the queue's filters (code, category, respondent). */
export type BulkFilter = Pick<BulkBatch, 'minConfidence' | 'code' | 'categoryId' | 'respondent'>;

/** Whether a coding is an undecided proposal the batch may accept. */
export function bulkEligible(c: Coding, f: BulkFilter): boolean {
  if (f.code !== undefined && c.code !== f.code) return false;
  if (f.categoryId !== undefined && c.categoryId !== f.categoryId) return false;
  if (f.respondent !== undefined && c.respondent !== f.respondent) return false;
  return c.status === 'proposed' && c.origin === 'rule' && !isDetached(c) && c.confidence !== undefined && c.confidence >= f.minConfidence;
}

/** The eligible codings in reading order. */
export function selectForBulk(codings: readonly Coding[], f: BulkFilter): Coding[] {
  return codings
    .filter((c) => bulkEligible(c, f))
    .sort((a, b) => a.documentId.localeCompare(b.documentId) || a.segmentIndex - b.segmentIndex || a.code.localeCompare(b.code));
}

/** Mean confidence: the expected share of the selected proposals a reviewer would accept; null for none. */
export function estimatedPrecision(confidences: readonly number[]): number | null {
  if (confidences.length === 0) return null;
  return confidences.reduce((s, c) => s + c, 0) / confidences.length;
}

export const bulkNote = (batchId: string, minConfidence: number): string => `bulk accept ${batchId}: confidence ≥ ${Math.round(minConfidence * 100)} %`;
export const bulkUndoNote = (batchId: string): string => `undo of bulk accept ${batchId}`;

/** The accept of one selected coding, as the reviewer's own decision. */
export function acceptInBatch(
  c: Coding,
  undoStack: readonly CodingSnapshot[],
  batch: Pick<BulkBatch, 'id' | 'userId' | 'minConfidence'>,
  now: string,
): { outcome: DecisionOutcome; entry: BatchEntry; decision: Decision } {
  const decision: Decision = {
    projectId: c.projectId,
    documentId: c.documentId,
    segmentIndex: c.segmentIndex,
    code: c.code,
    action: 'accept',
    expectedVersion: c.version,
    userId: batch.userId,
    note: bulkNote(batch.id, batch.minConfidence),
  };
  const outcome = applyDecision(c, undoStack, decision, now);
  const after = outcome.after!;
  return {
    outcome,
    decision,
    entry: { documentId: c.documentId, segmentIndex: c.segmentIndex, code: c.code, version: after.version, confidence: c.confidence ?? 0 },
  };
}

/** What undoing one entry of a batch does to the coding as stored now. */
export type EntryUndo =
  | { kind: 'undo'; outcome: DecisionOutcome; decision: Decision; current: Coding }
  /** The coding changed since the batch accepted it (or is gone): left as it is, reported. */
  | { kind: 'changed'; current: Coding | null };

export function undoEntry(
  entry: BatchEntry,
  current: Coding | null,
  undoStack: readonly CodingSnapshot[],
  batch: Pick<BulkBatch, 'id' | 'projectId'>,
  userId: string,
  now: string,
): EntryUndo {
  if (!current || current.version !== entry.version || current.status !== 'accepted' || current.projectId !== batch.projectId || undoStack.length === 0)
    return { kind: 'changed', current };
  const decision: Decision = {
    projectId: batch.projectId,
    documentId: entry.documentId,
    segmentIndex: entry.segmentIndex,
    code: entry.code,
    action: 'undo',
    expectedVersion: entry.version,
    userId,
    note: bulkUndoNote(batch.id),
  };
  return { kind: 'undo', outcome: applyDecision(current, undoStack, decision, now), decision, current };
}
