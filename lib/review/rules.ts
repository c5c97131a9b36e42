// The decision rules of the review workflow, as pure functions the store's transaction applies.
//
//   proposed ──accept──▶ accepted        a reviewer can change their mind: accepted ⇄ rejected
//   proposed ──reject──▶ rejected        add: a human coding (new, or an existing coding turned human)
//   undo: reverts the coding's most recent decision that is not itself undone (a stack per coding)
//
// "Stale" means: the version the reviewer saw is not the coding's version now (someone decided, the
// tagger re-proposed, or an undo ran in between). A stale decision is refused with the current state,
// never applied on top of it. Versions only grow, also on undo, so an old version can never match again.
import { QualtagError } from '../errors.js';
import { ConflictError, type AuditEvent, type Coding, type CodingSnapshot, type Decision } from '../store/ports.js';

export interface DecisionContext {
  /** The coding as stored now (null: none for this segment × code). */
  current: Coding | null;
  /** For `add` of a new coding: what the new item needs beyond the decision. */
  segment?: { id: string; respondent: string | null; start: number; end: number; text: string };
  codebookVersion?: string;
  /** For `undo`: this coding's audit events, oldest first. */
  history?: AuditEvent[];
  now: string;
}

/** The version check: is the version the client saw out of date? */
export function isStale(current: Coding | null, expectedVersion: number | null): boolean {
  if (current === null) return expectedVersion !== null;
  return expectedVersion !== current.version;
}

export function snapshot(c: Coding | null): CodingSnapshot {
  if (!c) return null;
  const s: NonNullable<CodingSnapshot> = { origin: c.origin, status: c.status, version: c.version };
  if (c.decidedBy !== undefined) s.decidedBy = c.decidedBy;
  if (c.decidedAt !== undefined) s.decidedAt = c.decidedAt;
  if (c.span !== undefined) s.span = c.span;
  return s;
}

/** The event an undo would revert: newest first, each undo cancels the next older decision. */
export function undoTarget(history: AuditEvent[]): AuditEvent | null {
  let pending = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i]!;
    if (e.action === 'undo') pending++;
    else if (pending > 0) pending--;
    else return e;
  }
  return null;
}

function stale(current: Coding | null, expected: number | null): ConflictError {
  const msg = current
    ? `this coding changed since you saw it (you saw version ${expected ?? 'none'}, it is now version ${current.version}, ${current.status})`
    : 'this coding no longer exists';
  return new ConflictError(msg, current);
}

/**
 * Applies one decision to the current coding. Returns the coding to write (null: delete it).
 * Throws ConflictError (409) for a stale or pointless write, QualtagError BAD_REQUEST for bad input.
 */
export function planDecision(d: Decision, ctx: DecisionContext): Coding | null {
  const { current, now } = ctx;
  if (d.action !== 'add' && d.expectedVersion === null) {
    throw new QualtagError('BAD_REQUEST', `${d.action} needs the coding version you saw`, 'Send the `version` of the coding', 'version');
  }
  if (isStale(current, d.expectedVersion)) throw stale(current, d.expectedVersion);
  const decided = { decidedBy: d.userId, decidedAt: now };

  switch (d.action) {
    case 'accept':
    case 'reject': {
      const c = current!;
      const to = d.action === 'accept' ? 'accepted' : 'rejected';
      if (c.status === to) throw new ConflictError(`this coding is already ${to}`, c);
      return { ...c, status: to, version: c.version + 1, ...decided };
    }
    case 'add': {
      if (d.span) {
        const len = ctx.segment?.text.length;
        if (len !== undefined && d.span.end > len) {
          throw new QualtagError('BAD_REQUEST', `span ${d.span.start}..${d.span.end} runs past the segment (${len} characters)`, 'Select text inside the segment', 'span');
        }
      }
      if (current) {
        // Turning an existing coding (e.g. a rejected proposal) into the reviewer's own coding.
        if (current.status === 'accepted' && current.origin === 'human' && sameSpan(current.span, d.span)) {
          throw new ConflictError('this code is already on this segment', current);
        }
        const next: Coding = { ...current, origin: 'human', status: 'accepted', version: current.version + 1, ...decided };
        if (d.span) next.span = d.span;
        else delete next.span;
        return next;
      }
      if (!ctx.segment) throw new QualtagError('NOT_FOUND', `segment ${d.segmentIndex} of document ${d.documentId} does not exist`, 'Choose a segment of the document', 'segmentId');
      if (!d.categoryId) throw new QualtagError('BAD_REQUEST', `code "${d.code}" has no category`, 'Choose a code from the current codebook', 'code');
      const created: Coding = {
        projectId: d.projectId,
        documentId: d.documentId,
        segmentIndex: d.segmentIndex,
        segmentId: ctx.segment.id,
        segmentStart: ctx.segment.start,
        segmentEnd: ctx.segment.end,
        segmentText: ctx.segment.text,
        code: d.code,
        categoryId: d.categoryId,
        respondent: ctx.segment.respondent,
        origin: 'human',
        status: 'accepted',
        score: 0,
        evidence: [],
        codebookVersion: ctx.codebookVersion ?? '',
        version: 1,
        createdAt: now,
        ...decided,
      };
      if (d.span) created.span = d.span;
      return created;
    }
    case 'undo': {
      const c = current!;
      const target = undoTarget(ctx.history ?? []);
      if (!target) throw new ConflictError('there is no decision on this coding to undo', c);
      const before = target.before;
      if (!before) return null; // undoing an add that created the coding removes it
      const restored: Coding = { ...c, origin: before.origin, status: before.status, version: c.version + 1 };
      for (const k of ['decidedBy', 'decidedAt', 'span'] as const) {
        if (before[k] === undefined) delete restored[k];
      }
      if (before.decidedBy !== undefined) restored.decidedBy = before.decidedBy;
      if (before.decidedAt !== undefined) restored.decidedAt = before.decidedAt;
      if (before.span !== undefined) restored.span = before.span;
      return restored;
    }
  }
}

function sameSpan(a: { start: number; end: number } | undefined, b: { start: number; end: number } | undefined): boolean {
  return (a?.start ?? -1) === (b?.start ?? -1) && (a?.end ?? -1) === (b?.end ?? -1);
}
