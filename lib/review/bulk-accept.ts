// The bulk accept use case and its undo (the rules are in bulk.ts). Per document, chunk by chunk under the
// document's write lock (Store.writeDocumentCodings): this module reads the codings, chooses and accepts
// them, builds each one's audit event and the batch entries; the store writes the codings (each on the
// version read), the events, the entries and the batch's counts in one transaction, so the batch record
// always names exactly what is accepted and its undo finds every entry even after a crash.
import { QualtagError } from '../errors.js';
import type { AuditEvent, BatchEntry, BulkAcceptRequest, BulkBatch, BulkUndoResult, Store } from '../coding/index.js';
import type { CodingWrite, CodingWritePlan, LockedCodings } from '../coding/ports.js';
import { acceptInBatch, BULK_CHUNK, selectForBulk, undoEntry } from './bulk.js';
import { decisionEvent } from './decide.js';

/** What a bulk accept and its undo need of storage. */
export type BulkStore = Pick<Store, 'writeDocumentCodings' | 'createBulkBatch' | 'getBulkBatch' | 'updateBulkBatch' | 'bulkBatchEntries'>;

const now = (): string => new Date().toISOString();
const keyOf = (r: { segmentIndex: number; code: string }): string => `${r.segmentIndex}\u0000${r.code}`;

/**
 * Accepts every undecided proposal of the request's documents whose confidence reaches the threshold (and
 * that fits its filters), each as its own decision (undo step + audit event carrying the batch id).
 */
export async function bulkAccept(store: BulkStore, req: BulkAcceptRequest): Promise<BulkBatch> {
  const batch: BulkBatch = {
    projectId: req.projectId,
    id: req.batchId,
    userId: req.userId,
    at: now(),
    minConfidence: req.minConfidence,
    ...(req.documentId ? { documentId: req.documentId } : {}),
    ...(req.code !== undefined ? { code: req.code } : {}),
    ...(req.categoryId !== undefined ? { categoryId: req.categoryId } : {}),
    ...(req.respondent !== undefined ? { respondent: req.respondent } : {}),
    state: 'applying',
    count: 0,
    confidenceSum: 0,
    documents: [],
  };
  await store.createBulkBatch(batch);
  try {
    for (const documentId of req.documentIds) {
      for (;;) {
        const entries = await store.writeDocumentCodings(documentId, (read) => acceptChunk(read, batch));
        if (entries.length === 0) break;
      }
    }
  } catch (e) {
    // What was accepted stays accepted and recorded; the caller learns how to undo it.
    const sofar = await store.getBulkBatch(req.projectId, req.batchId);
    throw new QualtagError(
      'CONFLICT',
      `the bulk accept stopped after ${sofar?.count ?? 0} proposals (${e instanceof Error ? e.message : String(e)})`,
      `Those are accepted as batch ${req.batchId}: undo them with POST /projects/${req.projectId}/bulk-accept/${req.batchId}/undo, or run the bulk accept again`,
    );
  }
  // Only while still applying: an undo that claimed the batch after the last chunk keeps it undone.
  const applied =
    (await store.updateBulkBatch(req.projectId, req.batchId, { state: 'applied' }, 'applying')) ?? (await store.getBulkBatch(req.projectId, req.batchId));
  if (!applied) throw new QualtagError('NOT_FOUND', `bulk accept ${req.batchId} does not exist`, 'Run the bulk accept again');
  return applied;
}

/** The next chunk of one document: at most BULK_CHUNK eligible proposals, accepted. */
async function acceptChunk(read: LockedCodings, batch: BulkBatch): Promise<CodingWritePlan<BatchEntry[]>> {
  const stored = await read.all();
  const stacks = new Map(stored.map((s) => [keyOf(s.coding), s.undoStack]));
  const chosen = selectForBulk(
    stored.map((s) => s.coding),
    batch,
  ).slice(0, BULK_CHUNK);
  if (chosen.length === 0) return { writes: [], events: [], result: [] };
  const at = now();
  const writes: CodingWrite[] = [];
  const events: AuditEvent[] = [];
  const entries: BatchEntry[] = [];
  for (const c of chosen) {
    const { outcome, entry, decision } = acceptInBatch(c, stacks.get(keyOf(c)) ?? [], batch, at);
    writes.push({ kind: 'put', coding: outcome.after!, undoStack: outcome.undoStack, expectedVersion: c.version });
    events.push(decisionEvent(decision, c, outcome.after, at, { batchId: batch.id, note: decision.note }));
    entries.push(entry);
  }
  return { writes, events, batchEntries: { batch, entries }, result: entries };
}

/** Undoes exactly the codings of the batch that are still as it left them; the others are reported. CONFLICT when already undone. */
export async function undoBulkAccept(store: BulkStore, projectId: string, batchId: string, userId: string): Promise<BulkUndoResult> {
  const batch = await store.getBulkBatch(projectId, batchId);
  if (!batch) throw new QualtagError('NOT_FOUND', `bulk accept ${batchId} in project "${projectId}" does not exist`, 'Use the batchId a bulk accept returned');
  if (batch.state === 'undone') {
    throw new QualtagError(
      'CONFLICT',
      `bulk accept ${batchId} was already undone (${batch.undoneAt ?? ''} by ${batch.undoneBy ?? '?'})`,
      'Undo single codings in the review view instead',
    );
  }
  // Claimed first, so two undos of one batch cannot both run, and an apply still running stops at its next
  // chunk (its entries are written only while the batch is applying): the documents read here are then final.
  const claimed = await store.updateBulkBatch(projectId, batchId, { state: 'undone', undoneAt: now(), undoneBy: userId }, batch.state);
  if (!claimed) throw new QualtagError('CONFLICT', `bulk accept ${batchId} is being undone or changed right now`, 'Reload and look at the batch again');
  let undone = 0;
  const changed: BulkUndoResult['changed'] = [];
  for (const documentId of claimed.documents) {
    const entries = await store.bulkBatchEntries(documentId, batchId);
    for (let i = 0; i < entries.length; i += BULK_CHUNK) {
      const chunk = entries.slice(i, i + BULK_CHUNK);
      const r = await store.writeDocumentCodings(documentId, (read) => undoChunk(read, batch, chunk, userId));
      undone += r.undone;
      changed.push(...r.changed);
    }
  }
  const final = await store.updateBulkBatch(projectId, batchId, { undone, changedSince: changed.length });
  if (!final) throw new QualtagError('NOT_FOUND', `bulk accept ${batchId} in project "${projectId}" does not exist`, 'Use the batchId a bulk accept returned');
  return { batch: final, undone, changed };
}

type UndoOutcome = { undone: number; changed: BulkUndoResult['changed'] };

async function undoChunk(read: LockedCodings, batch: BulkBatch, chunk: readonly BatchEntry[], userId: string): Promise<CodingWritePlan<UndoOutcome>> {
  const stored = new Map((await read.all()).map((s) => [keyOf(s.coding), s]));
  const at = now();
  const writes: CodingWrite[] = [];
  const events: AuditEvent[] = [];
  const changed: BulkUndoResult['changed'] = [];
  for (const entry of chunk) {
    const item = stored.get(keyOf(entry));
    const r = undoEntry(entry, item?.coding ?? null, item?.undoStack ?? [], batch, userId, at);
    const ref = { documentId: entry.documentId, segmentIndex: entry.segmentIndex, code: entry.code };
    if (r.kind === 'changed') {
      changed.push({ ref, current: r.current });
      continue;
    }
    const after = r.outcome.after;
    writes.push(
      after
        ? { kind: 'put', coding: after, undoStack: r.outcome.undoStack, expectedVersion: entry.version }
        : { kind: 'delete', ref, expectedVersion: entry.version },
    );
    events.push(decisionEvent(r.decision, r.current, after, at, { batchId: batch.id, note: r.decision.note }));
  }
  return { writes, events, result: { undone: writes.length, changed } };
}
