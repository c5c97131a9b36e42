// The coding model: a code on a segment, the decisions people make on it, their audit events and the
// bulk accepts. Plain TypeScript with no storage types: the domain (review, pipeline, import, report)
// and the storage adapters (lib/store) both depend on it; it depends on nothing above it.
import type { CodingOrigin, CodingStatus, Evidence, Segment } from '../model.js';
import { QualtagError } from '../errors.js';

// --------------------------------------------------------------------------------------------- codings

/** Identifies one coding: a code on a segment (one item per segment × code). */
export interface CodingRef {
  documentId: string;
  segmentIndex: number;
  code: string;
}

export interface Span {
  /** Offsets into the segment text (like Evidence), for a human coding of part of a segment. */
  start: number;
  end: number;
}

export interface Coding extends CodingRef {
  projectId: string;
  segmentId: string;
  /** The segment's offsets into the document text and its text, so query results need no second read. */
  segmentStart: number;
  segmentEnd: number;
  segmentText: string;
  categoryId: string;
  respondent: string | null;
  /** The segment's speaker and page, copied like its text (absent on codings written before they were kept). */
  speaker?: string | null;
  page?: number | null;
  origin: CodingOrigin;
  status: CodingStatus;
  /** Score of a proposal: its calibrated confidence (0..1) when the learned ranker proposed it, a rule
   * score on codings written before; 0 for a human-added coding. */
  score: number;
  /** Calibrated chance (0..1) that a reviewer accepts the proposal; absent on human codings. */
  confidence?: number;
  evidence: Evidence[];
  /** Codebook version that proposed it (rule) or was current when it was added (human). */
  codebookVersion: string;
  span?: Span;
  /** Set when a re-upload of the document moved or detached this coding (see lib/pipeline/reanchor.ts). */
  anchor?: CodingAnchor;
  /** Optimistic-locking counter: every change increments it; a decision must name the version it saw. */
  version: number;
  createdAt: string;
  decidedBy?: string;
  decidedAt?: string;
}

/**
 * How a human coding followed its passage when the file was re-uploaded. `moved`: it found its passage at
 * another position or with changed text; `detached`: the passage is no longer in the file, so the coding
 * is kept (at a position past the last segment, with its old text) for the researcher to re-place or drop,
 * and left out of reports and exports.
 */
export interface CodingAnchor {
  state: 'moved' | 'detached';
  /** Segment position and text the coding was on before. */
  fromIndex: number;
  fromText: string;
  /** The document version (S3 version or ETag) whose segments moved it. */
  sourceVersion: string;
  at: string;
  /** Word-token similarity of the old and new passage when the text changed (absent: same text). */
  similarity?: number;
  /** The coded part of the segment (span), when it was not found in the new text; the coding now covers the segment. */
  lostSpan?: Span & { text: string };
}

/** The fields a coding copies from the segment it stands on (re-tag, re-anchor, add and place all write them). */
export type OnSegment = Pick<
  Required<Coding>,
  'segmentIndex' | 'segmentId' | 'segmentStart' | 'segmentEnd' | 'segmentText' | 'respondent' | 'speaker' | 'page'
>;

export function onSegment(s: Segment): OnSegment {
  return {
    segmentIndex: s.index,
    segmentId: s.id,
    segmentStart: s.start,
    segmentEnd: s.end,
    segmentText: s.text,
    respondent: s.respondent,
    speaker: s.speaker,
    page: s.page,
  };
}

/** Opaque id of a coding for URLs: `<documentId>~<segmentIndex>~<encoded code>`. */
export function codingId(ref: CodingRef): string {
  // encodeURIComponent leaves `~` alone, and `~` separates the parts.
  return `${ref.documentId}~${ref.segmentIndex}~${encodeURIComponent(ref.code).replace(/~/g, '%7E')}`;
}

export function parseCodingId(id: string): CodingRef {
  const m = /^([A-Za-z0-9_-]{1,64})~(\d{1,6})~([^~]{1,512})$/.exec(id);
  if (!m) throw new QualtagError('BAD_REQUEST', `"${id.slice(0, 80)}" is not a coding id`, 'Use the id returned by the review queue or a query', 'codingId');
  let code: string;
  try {
    code = decodeURIComponent(m[3]!);
  } catch {
    throw new QualtagError('BAD_REQUEST', `"${id.slice(0, 80)}" is not a coding id`, 'Use the id returned by the review queue or a query', 'codingId');
  }
  return { documentId: m[1]!, segmentIndex: Number(m[2]), code };
}

// ------------------------------------------------------------------------------------------- decisions

/** `place` / `drop`: re-place a detached coding on a passage of the current text, or remove it. */
export type DecisionAction = 'accept' | 'reject' | 'add' | 'undo' | 'place' | 'drop';

export interface Decision extends CodingRef {
  projectId: string;
  action: DecisionAction;
  /**
   * The coding version the reviewer saw. Required for accept/reject/undo. For `add`: null means
   * "there is no coding for this segment × code yet"; a number turns an existing one (e.g. a rejected
   * proposal) into a human coding.
   */
  expectedVersion: number | null;
  userId: string;
  /** For `add`: the code's category (from the current codebook) and an optional part of the segment (also for `place`). */
  categoryId?: string;
  span?: Span;
  /** For `place`: the segment of the current text the detached coding goes to. */
  to?: { segmentIndex: number };
  note?: string;
  /**
   * For an `add` imported from another tool (lib/import): when the coder made it there. The coding's
   * decidedAt (and createdAt, when the add creates it) is this time; the audit event keeps the time of the import.
   */
  decidedAt?: string;
}

/** The state of a coding before or after a decision; null = the coding did not exist. */
export type CodingSnapshot = (Pick<Coding, 'origin' | 'status' | 'version' | 'decidedBy' | 'decidedAt' | 'span'> & { placedFrom?: PlacedFrom }) | null;

/** The decision-relevant state of a coding (null: none), as undo stacks and audit events keep it. */
export function snapshot(c: Coding | null): CodingSnapshot {
  if (!c) return null;
  const s: NonNullable<CodingSnapshot> = { origin: c.origin, status: c.status, version: c.version };
  if (c.decidedBy !== undefined) s.decidedBy = c.decidedBy;
  if (c.decidedAt !== undefined) s.decidedAt = c.decidedAt;
  if (c.span !== undefined) s.span = c.span;
  return s;
}

/**
 * On the undo stack of a coding re-placed from its detached slot: what undoing the `place` restores —
 * the detached coding with its own undo stack, and the undecided rule proposal the placement replaced.
 */
export interface PlacedFrom {
  coding: Coding;
  undoStack: CodingSnapshot[];
  replaced?: Coding;
}

/** What the pipeline (not a person) did to a coding when its document was re-uploaded. */
export type AnchorAction = 'move' | 'detach';

/** A person deleted the coding's document (and the document-level event has `code` ''). */
export type DeleteAction = 'delete';

/** Append-only record of one decision (or re-anchoring), written in the same transaction as the coding. */
export interface AuditEvent extends CodingRef {
  projectId: string;
  /** The coded segment's id (absent on events written before it was recorded). */
  segmentId?: string;
  id: string;
  action: DecisionAction | AnchorAction | DeleteAction;
  userId: string;
  at: string;
  before: CodingSnapshot;
  after: CodingSnapshot;
  note?: string;
  /** For `move`, `detach`, `place` and the undo of a place: the segment position the coding left (its earlier events are keyed by it). */
  fromSegmentIndex?: number;
  /** The bulk accept this accept (or its undo) belongs to (lib/review/bulk.ts). */
  batchId?: string;
}

export interface DecisionResult {
  /** The coding after the decision; null when an undo removed a human-added coding. */
  coding: Coding | null;
  event: AuditEvent;
}

// ------------------------------------------------------------------------------------------- bulk accept

/** One coding a bulk accept accepted, with its version after the accept (what the batch's undo expects). */
export interface BatchEntry extends CodingRef {
  version: number;
  confidence: number;
}

/** `applying` while the codings are written (the entries so far are already undoable), then `applied`, and `undone`. */
export type BatchState = 'applying' | 'applied' | 'undone';

/** The record of one bulk accept (lib/review/bulk.ts). */
export interface BulkBatch {
  projectId: string;
  id: string;
  userId: string;
  at: string;
  minConfidence: number;
  /** Only this document's proposals were considered; absent: the whole project. */
  documentId?: string;
  /** Only proposals of this code / category / respondent (the queue's filters). */
  code?: string;
  categoryId?: string;
  respondent?: string;
  state: BatchState;
  /** Codings accepted so far and the sum of their confidences (mean = the estimated precision). */
  count: number;
  confidenceSum: number;
  /** Documents holding entries of the batch. */
  documents: string[];
  undoneAt?: string;
  undoneBy?: string;
  /** After the undo: codings set back to proposed, and those left alone because they changed since. */
  undone?: number;
  changedSince?: number;
}

export interface BulkAcceptRequest {
  projectId: string;
  batchId: string;
  userId: string;
  minConfidence: number;
  /** The documents whose proposals are considered (the handler lists them). */
  documentIds: string[];
  /** Recorded on the batch when the reviewer chose one document. */
  documentId?: string;
  /** Only proposals of this code / category / respondent. */
  code?: string;
  categoryId?: string;
  respondent?: string;
}

export interface BulkUndoResult {
  batch: BulkBatch;
  undone: number;
  /** Codings of the batch that changed since it accepted them (or are gone): left as they are. */
  changed: Array<{ ref: CodingRef; current: Coding | null }>;
}

/** A decision met a coding that changed since the reviewer saw it (or does not exist / already exists). */
export class ConflictError extends QualtagError {
  constructor(
    message: string,
    /** The coding as it is now (null: it does not exist), so the client can show it and retry. */
    readonly current: Coding | null,
  ) {
    super('CONFLICT', message, 'Reload the coding and decide again on its current state');
  }
}

// ------------------------------------------------------------------------------------ the pipeline's writes

/** One write of the re-tag reconciliation, conditional on what the tagger read. */
export type CodingChange =
  | { kind: 'put'; coding: Coding /** version read, or null when the item did not exist */; expectedVersion: number | null }
  | { kind: 'delete'; ref: CodingRef; expectedVersion: number };

/**
 * One re-anchoring write: the coding read at `from` (expected at `from.version`) is stored as `to`
 * (another position, or the same with new offsets), keeping its undo stack; `event` goes in the same
 * transaction. `replacesVersion`: an undecided rule proposal at the target that the coding replaces.
 */
export interface CodingMove {
  from: Coding;
  to: Coding;
  replacesVersion?: number;
  event?: AuditEvent;
}

export interface ApplyResult {
  written: number;
  /** Changes whose item changed since it was read (e.g. a reviewer decided meanwhile): re-read and reconcile again. */
  conflicts: CodingRef[];
}
