// Applies the re-anchoring plan (reanchor.ts) to the stored codings of one document. Safe to run again
// and after a crash half-way: the plan is computed from what is stored, codings already at their new
// place give no change, and every write is conditional on the version the plan read (a conflict re-reads
// and plans again).
import { randomUUID } from 'node:crypto';
import type { Segment } from '../model.js';
import { snapshot, type AuditEvent, type Coding, type CodingMove, type DocumentRecord, type Store } from '../coding/index.js';
import { orderChanges, planReanchor, type AnchorChange } from './reanchor.js';

/** The user id audit events of re-anchoring carry: the pipeline, not a person. */
export const PIPELINE_USER = 'qualtag';

const MAX_ROUNDS = 5;

export interface ReanchorOutcome {
  /** Every coding of the document after re-anchoring. */
  codings: Coding[];
  moved: number;
  detached: number;
  refreshed: number;
}

function toMove(c: AnchorChange, doc: DocumentRecord, at: string): CodingMove {
  const move: CodingMove = { from: c.from, to: c.to, ...(c.replacesVersion !== undefined ? { replacesVersion: c.replacesVersion } : {}) };
  if (c.kind === 'refresh') return move;
  const event: AuditEvent = {
    projectId: doc.projectId,
    documentId: doc.id,
    segmentIndex: c.to.segmentIndex,
    segmentId: c.to.segmentId,
    code: c.to.code,
    id: randomUUID(),
    action: c.kind,
    userId: PIPELINE_USER,
    at,
    before: snapshot(c.from),
    after: snapshot(c.to),
    fromSegmentIndex: c.from.segmentIndex,
    ...(c.note ? { note: c.note } : {}),
  };
  return { ...move, event };
}

export async function reanchorDocument(store: Store, doc: DocumentRecord, segments: readonly Segment[]): Promise<ReanchorOutcome> {
  const out: ReanchorOutcome = { codings: await store.listDocumentCodings(doc.id), moved: 0, detached: 0, refreshed: 0 };
  for (let round = 0; ; round++) {
    const at = new Date().toISOString();
    const changes = planReanchor({ codings: out.codings, segments, sourceVersion: doc.sourceVersion, now: at });
    if (changes.length === 0) return out;
    const batches = orderChanges(changes, store.movesPerTransaction);
    const result = await store.moveCodings(batches.map((b) => b.map((c) => toMove(c, doc, at))));
    // Count what was written: batches go in order and stop at the first conflict.
    let left = result.written;
    for (const c of batches.flat()) {
      if (left-- <= 0) break;
      if (c.kind === 'move') out.moved++;
      else if (c.kind === 'detach') out.detached++;
      else out.refreshed++;
    }
    out.codings = await store.listDocumentCodings(doc.id);
    if (result.conflicts.length === 0) return out;
    // A reviewer decided meanwhile (or another delivery moved them first): plan again on what is stored.
    if (round + 1 >= MAX_ROUNDS) throw new Error(`codings of document ${doc.id} kept changing while re-anchoring; retry`);
  }
}
