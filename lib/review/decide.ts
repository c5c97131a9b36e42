// The decide use case: one reviewer decision (accept, reject, add, undo, place, drop) on one coding.
// Under the document's write lock it reads the coding with its undo stack (and, for a place, what sits on
// the target), applies the rules of decision.ts, builds the audit event and hands the store the writes,
// each conditional on the version it read: a decision is never written over a coding that changed.
import { randomUUID } from 'node:crypto';
import { QualtagError } from '../errors.js';
import {
  ConflictError,
  snapshot,
  type AuditEvent,
  type Coding,
  type CodingRef,
  type Decision,
  type DecisionResult,
  type SegmentRecord,
  type Store,
} from '../coding/index.js';
import type { CodingWrite, StoredCoding } from '../coding/ports.js';
import { applyDecision, createsCoding, placeTarget, type NewCodingContext, type PlaceContext } from './decision.js';

/** What deciding needs of storage. */
export type DecisionStore = Pick<Store, 'writeDocumentCodings' | 'getSegment' | 'getProject' | 'getCoding'>;

/** What the caller already read, so the use case does not read it again. */
export interface DecideContext {
  /** The segment an add codes, or the one a place puts the coding on. */
  segment?: SegmentRecord;
  /** For an add: the project's current codebook version (stored on a new coding). */
  codebookVersion?: string;
  /**
   * For an add that names no version (the API's add): it applies to the coding stored now unless that
   * one is accepted already (a rejected or undecided one becomes the reviewer's; an accepted one conflicts).
   */
  versionFromCurrent?: boolean;
}

const sameKey =
  (ref: CodingRef) =>
  (s: StoredCoding): boolean =>
    s.coding.segmentIndex === ref.segmentIndex && s.coding.code === ref.code;

/** The audit event of a decision on `current` that left `after` (null: none); keyed where the coding is after it. */
export function decisionEvent(
  d: Decision,
  current: Coding | null,
  after: Coding | null,
  at: string,
  extra: Partial<Pick<AuditEvent, 'note' | 'batchId' | 'fromSegmentIndex' | 'segmentIndex'>> = {},
): AuditEvent {
  const segmentId = (after && extra.segmentIndex !== undefined ? after : (current ?? after))?.segmentId;
  return {
    projectId: d.projectId,
    documentId: d.documentId,
    segmentIndex: extra.segmentIndex ?? d.segmentIndex,
    ...(segmentId ? { segmentId } : {}),
    code: d.code,
    id: randomUUID(),
    action: d.action,
    userId: d.userId,
    at,
    before: snapshot(current),
    after: snapshot(after),
    ...(extra.fromSegmentIndex !== undefined ? { fromSegmentIndex: extra.fromSegmentIndex } : {}),
    ...(extra.note ? { note: extra.note } : {}),
    ...(extra.batchId ? { batchId: extra.batchId } : {}),
  };
}

export async function decide(store: DecisionStore, decision: Decision, ctx: DecideContext = {}): Promise<DecisionResult> {
  return store.writeDocumentCodings(decision.documentId, async (read) => {
    const item = (await read.at(decision.segmentIndex)).find(sameKey(decision)) ?? null;
    const current = item?.coding ?? null;
    const d: Decision =
      ctx.versionFromCurrent && decision.action === 'add'
        ? { ...decision, expectedVersion: current && current.status !== 'accepted' ? current.version : null }
        : decision;
    const at = new Date().toISOString();
    let create: NewCodingContext | undefined;
    if (createsCoding(d, current)) {
      const [segment, codebookVersion] = await Promise.all([
        ctx.segment ?? store.getSegment(d.documentId, d.segmentIndex),
        ctx.codebookVersion ?? store.getProject(d.projectId).then((p) => p?.currentCodebookVersion ?? ''),
      ]);
      create = { segment, codebookVersion };
    }
    let target: PlaceContext | undefined;
    const targetRef = placeTarget(d);
    if (targetRef) {
      const [segment, there] = await Promise.all([ctx.segment ?? store.getSegment(d.documentId, targetRef.segmentIndex), read.at(targetRef.segmentIndex)]);
      target = { segment, current: there.find(sameKey(targetRef))?.coding ?? null };
    }
    const { after, undoStack, relocated, note } = applyDecision(current, item?.undoStack ?? [], d, at, create, target);
    // A place (or its undo) moves the coding to another key: the event is keyed where it lands, like a re-anchoring move.
    const landed = relocated?.to ?? after;
    const event = decisionEvent(d, current, landed, at, {
      ...(relocated ? { segmentIndex: relocated.to.segmentIndex, fromSegmentIndex: d.segmentIndex } : {}),
      ...(d.note || note ? { note: [note, d.note].filter(Boolean).join('; ') } : {}),
    });
    const writes: CodingWrite[] = [
      after
        ? { kind: 'put', coding: after, undoStack, expectedVersion: current?.version ?? null }
        : { kind: 'delete', ref: { documentId: d.documentId, segmentIndex: d.segmentIndex, code: d.code }, expectedVersion: current!.version },
    ];
    if (relocated) writes.push({ kind: 'put', coding: relocated.to, undoStack: relocated.undoStack, expectedVersion: relocated.expectedVersion });
    return {
      writes,
      events: [event],
      result: { coding: landed, event },
      onConflict: async (failed) => {
        if (failed.includes(0)) throw new ConflictError('someone else decided on this coding first', await store.getCoding(d));
        if (relocated && failed.includes(1)) {
          const now = await store.getCoding(relocated.to);
          throw new ConflictError(
            d.action === 'place'
              ? `segment ${relocated.to.segmentIndex + 1} got this code meanwhile${now ? ` (${now.status})` : ''}`
              : 'the place this coding was detached at is taken by another detached coding of the code',
            now,
          );
        }
        throw new QualtagError('CONFLICT', 'the decision could not be written', 'Reload the coding and decide again');
      },
      onBusy: async () => {
        throw new ConflictError('someone else is deciding on this document right now', await store.getCoding(d));
      },
    };
  });
}
