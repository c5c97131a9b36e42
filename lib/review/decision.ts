// The decision rules of the review workflow: one pure function the decide use case (decide.ts) applies.
// It reads the coding (with its undo stack) under the document's lock and, for an add that creates a
// coding, the segment; the store writes what this returns, with the audit event, in one conditional transaction.
//
//   proposed ──accept──▶ accepted        a reviewer can change their mind: accepted ⇄ rejected
//   proposed ──reject──▶ rejected        add: a new human coding, or an existing coding made the reviewer's own
//   undo: pops the coding's undo stack (snapshots of the states before each decision, newest last)
//   place: a detached coding (its passage left the file on a re-upload) goes to a segment of the current
//          text as a human coding, keeping its status and decider; undo puts it back where it was detached
//   drop:  a detached coding is removed (its history stays in the audit trail)
//
// Rules
// - Stale: accept/reject/undo must name the version the reviewer saw; an add names it when it turns an
//   existing coding into a human one, and null when it expects none. A mismatch is a ConflictError (409)
//   carrying the current state; it is never applied on top. Versions only grow, also on undo.
// - No-op: a decision that would not change the coding (accept what is accepted, reject what is rejected,
//   add the same span to an accepted coding) is a ConflictError (409) even with the right version, so a
//   double-click or a repeated CLI call cannot write a second audit event.
// - Undo with nothing left to undo is a bad request (400): the version was right, there is just no step.
// - place/drop apply to detached codings only (400 otherwise). A place onto a segment where a human
//   decision on the code already sits is a ConflictError; an undecided rule proposal there is replaced
//   (and restored by the undo). A drop cannot be undone: the undo stack lives on the coding it deletes.
import { QualtagError } from '../errors.js';
import type { CodingStatus } from '../model.js';
import {
  type Coding,
  type CodingRef,
  type CodingSnapshot,
  ConflictError,
  type Decision,
  isDetached,
  isHumanCoding,
  onSegment,
  type PlacedFrom,
  type SegmentRecord,
  snapshot,
  type Span,
} from '../coding/index.js';

/** How many decisions per coding can be undone. */
export const UNDO_DEPTH = 20;

export interface NewCodingContext {
  /** The segment an add codes; null when it does not exist. */
  segment: SegmentRecord | null;
  /** The project's current codebook version (stored on the new coding). */
  codebookVersion: string;
}

/** What a `place` needs: the target segment and what is stored there now for the decision's code. */
export interface PlaceContext {
  segment: SegmentRecord | null;
  current: Coding | null;
}

export interface DecisionOutcome {
  /** The coding to write at the decision's key; null: delete it (undo of an add, place, drop). */
  after: Coding | null;
  /** The undo stack to store with `after` (at most UNDO_DEPTH snapshots). */
  undoStack: CodingSnapshot[];
  /**
   * place and the undo of a place: the coding itself lands at another key, written in the same
   * transaction, conditional on `expectedVersion` there (null: nothing may be there).
   */
  relocated?: { to: Coding; undoStack: CodingSnapshot[]; expectedVersion: number | null };
  /** A line for the audit trail (place, drop and its undo say from where to where). */
  note?: string;
}

/** Whether `applyDecision` needs a NewCodingContext: an add where no coding exists yet. */
export function createsCoding(d: Decision, current: Coding | null): boolean {
  return d.action === 'add' && current === null;
}

/** The key a `place` writes to (the target segment, same code); null for other decisions. */
export function placeTarget(d: Decision): CodingRef | null {
  return d.action === 'place' && d.to ? { documentId: d.documentId, segmentIndex: d.to.segmentIndex, code: d.code } : null;
}

function staleError(current: Coding | null, expected: number | null): ConflictError {
  if (!current) return new ConflictError('this coding does not exist (any more)', null);
  if (expected === null) return new ConflictError(`the segment already has this code (${current.status}, version ${current.version})`, current);
  return new ConflictError(
    `this coding changed since you saw it (you saw version ${expected}, it is now version ${current.version}, ${current.status})`,
    current,
  );
}

function checkSpan(span: Span | undefined, text: string): void {
  if (span && (span.start < 0 || span.end > text.length || span.start >= span.end)) {
    throw new QualtagError(
      'BAD_REQUEST',
      `span ${span.start}..${span.end} is not inside the segment (0..${text.length})`,
      'Give offsets into the segment text with start < end',
      'span',
    );
  }
}

const sameSpan = (a: Span | undefined, b: Span | undefined): boolean => (a?.start ?? -1) === (b?.start ?? -1) && (a?.end ?? -1) === (b?.end ?? -1);

function withoutDecision(c: Coding): Coding {
  const { decidedBy: _b, decidedAt: _a, span: _s, ...rest } = c;
  return rest;
}

function push(stack: readonly CodingSnapshot[], s: CodingSnapshot): CodingSnapshot[] {
  return [...stack, s].slice(-UNDO_DEPTH);
}

function requireDetached(c: Coding, action: string): void {
  if (!isDetached(c)) {
    throw new QualtagError(
      'BAD_REQUEST',
      `only a detached coding can be ${action}`,
      action === 'dropped' ? 'Reject the coding instead' : 'Add the code to the segment instead',
      'codingId',
    );
  }
}

function place(c: Coding, stack: readonly CodingSnapshot[], d: Decision, ctx: PlaceContext | undefined): DecisionOutcome {
  requireDetached(c, 'placed');
  const s = ctx?.segment;
  if (!d.to || !s || s.projectId !== d.projectId || s.documentId !== d.documentId || s.index !== d.to.segmentIndex) {
    throw new QualtagError(
      'NOT_FOUND',
      `segment ${(d.to?.segmentIndex ?? -1) + 1} of document ${d.documentId} does not exist`,
      'Choose a segment of the current text',
      'segmentId',
    );
  }
  checkSpan(d.span, s.text);
  const there = ctx.current;
  // A human decision on this code already sits there: never merged or overwritten.
  if (there && isHumanCoding(there))
    throw new ConflictError(`segment ${s.index + 1} already has this code (${there.status}${there.decidedBy ? ` by ${there.decidedBy}` : ''})`, there);
  const { anchor: _anchor, span: _span, ...rest } = c;
  const to: Coding = {
    ...rest,
    ...onSegment(s),
    // Its evidence pointed into the passage that is gone; like an added code it now stands on the reviewer's word.
    origin: 'human',
    score: 0,
    evidence: [],
    ...(d.span ? { span: d.span } : {}),
    // Versions only grow per key: past the proposal it replaces, too.
    version: Math.max(c.version, there?.version ?? 0) + 1,
  };
  const placedFrom: PlacedFrom = { coding: c, undoStack: [...stack], ...(there ? { replaced: there } : {}) };
  const note = `placed on segment ${s.index + 1}${d.span ? ' (a span)' : ''}; its passage (segment ${(c.anchor?.fromIndex ?? 0) + 1}) was removed by a re-upload`;
  return { after: null, undoStack: [], relocated: { to, undoStack: [{ ...snapshot(c)!, placedFrom }], expectedVersion: there?.version ?? null }, note };
}

/** Undo of a place: the coding goes back to its detached slot, the replaced proposal (if still on that text) back to the segment. */
function unplace(c: Coding, from: PlacedFrom): DecisionOutcome {
  const r = from.replaced;
  const version = c.version + 1;
  const restoreProposal = r && r.segmentIndex === c.segmentIndex && r.segmentText === c.segmentText;
  return {
    after: restoreProposal ? { ...r, version } : null,
    undoStack: [],
    relocated: {
      to: { ...from.coding, version: Math.max(version, from.coding.version + 1) },
      undoStack: from.undoStack.slice(-UNDO_DEPTH),
      expectedVersion: null,
    },
    note: `placement on segment ${c.segmentIndex + 1} undone: detached again`,
  };
}

/**
 * Applies one decision to the coding as stored now (`current`, null when none) and its undo stack.
 * `create` is needed only when `createsCoding(d, current)`, `target` only for a place (see placeTarget).
 * Throws ConflictError (409) for a stale or no-op decision and QualtagError (BAD_REQUEST / NOT_FOUND) for
 * bad input.
 */
export function applyDecision(
  current: Coding | null,
  undoStack: readonly CodingSnapshot[],
  d: Decision,
  now: string,
  create?: NewCodingContext,
  target?: PlaceContext,
): DecisionOutcome {
  if (current && current.projectId !== d.projectId) {
    throw new QualtagError('NOT_FOUND', 'this coding does not exist in this project', 'Check the project id', 'projectId');
  }
  if (d.action !== 'add' && d.expectedVersion === null) {
    throw new QualtagError('BAD_REQUEST', `${d.action} needs the coding version you saw`, 'Send the `version` of the coding', 'version');
  }
  if (current === null ? d.expectedVersion !== null : d.expectedVersion !== current.version) throw staleError(current, d.expectedVersion);
  const decided = { decidedBy: d.userId, decidedAt: (d.action === 'add' && d.decidedAt) || now };

  switch (d.action) {
    case 'accept':
    case 'reject': {
      const c = current!;
      const to: CodingStatus = d.action === 'accept' ? 'accepted' : 'rejected';
      if (c.status === to) throw new ConflictError(`this coding is already ${to}`, c);
      return { after: { ...c, status: to, version: c.version + 1, ...decided }, undoStack: push(undoStack, snapshot(c)) };
    }
    case 'add': {
      if (current) {
        // The reviewer makes an existing coding (e.g. a rejected proposal) their own: accepted, human.
        checkSpan(d.span, current.segmentText);
        if (current.status === 'accepted' && sameSpan(current.span, d.span)) throw new ConflictError('this code is already accepted on this segment', current);
        const next: Coding = { ...withoutDecision(current), origin: 'human', status: 'accepted', version: current.version + 1, ...decided };
        if (d.span) next.span = d.span;
        return { after: next, undoStack: push(undoStack, snapshot(current)) };
      }
      if (!d.categoryId) throw new QualtagError('BAD_REQUEST', 'adding a code needs its category', 'Pass the categoryId of the code', 'categoryId');
      const segment = create?.segment;
      if (!segment || segment.projectId !== d.projectId || segment.documentId !== d.documentId || segment.index !== d.segmentIndex) {
        throw new QualtagError(
          'NOT_FOUND',
          `segment ${d.segmentIndex} of document ${d.documentId} does not exist`,
          'Check the document and segment',
          'segmentId',
        );
      }
      checkSpan(d.span, segment.text);
      const created: Coding = {
        projectId: d.projectId,
        documentId: d.documentId,
        ...onSegment(segment),
        code: d.code,
        categoryId: d.categoryId,
        origin: 'human',
        status: 'accepted',
        score: 0,
        evidence: [],
        codebookVersion: create.codebookVersion,
        ...(d.span ? { span: d.span } : {}),
        version: 1,
        createdAt: decided.decidedAt,
        ...decided,
      };
      // Undoing this add removes the coding again: the state before it is "none".
      return { after: created, undoStack: [null] };
    }
    case 'undo': {
      const c = current!;
      if (undoStack.length === 0) throw new QualtagError('BAD_REQUEST', 'there is no decision on this coding to undo', 'Only a decided coding can be undone');
      const rest = undoStack.slice(0, -1);
      const prev = undoStack[undoStack.length - 1]!;
      if (prev === null) return { after: null, undoStack: [] };
      if (prev.placedFrom) return unplace(c, prev.placedFrom);
      return { after: { ...withoutDecision(c), ...prev, version: c.version + 1 }, undoStack: rest };
    }
    case 'place':
      return place(current!, undoStack, d, target);
    case 'drop':
      requireDetached(current!, 'dropped');
      return {
        after: null,
        undoStack: [],
        note: `dropped: detached since its passage (segment ${(current!.anchor?.fromIndex ?? 0) + 1}) was removed by a re-upload`,
      };
  }
}
