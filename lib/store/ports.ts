// The storage ports: what the pipeline (ingest, tag, re-tag) and the review/query API need from storage.
// Plain TypeScript with no AWS types, so domain code and tests can depend on them; the DynamoDB and S3
// adapters in this folder implement them. Every list call is paginated with an opaque cursor.
import type {
  Codebook,
  CodingOrigin,
  CodingStatus,
  DocumentStatus,
  Evidence,
  Segment,
  SegmentUnit,
  SourceFormat,
} from '../model.js';
import { QualtagError } from '../errors.js';
import type { DocumentAggregate } from '../report/aggregate.js';

// ---------------------------------------------------------------------------------------------- paging

export interface PageRequest {
  /** Maximum items to return (default 50, at most 500). */
  limit?: number;
  /** The `cursor` of the previous page; absent for the first page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there are more items: pass it back as `cursor`. */
  cursor?: string;
}

// -------------------------------------------------------------------------------------------- projects

export interface ProjectSettings {
  /** Coding unit for this project; absent: the extractor's default per document (turn or paragraph). */
  unit?: SegmentUnit;
}

export interface Project {
  id: string;
  name: string;
  /** User ids (Cognito `sub` on AWS, `local` on one machine) allowed to see and code the project. */
  members: string[];
  settings: ProjectSettings;
  /** Version hash of the codebook the project tags with, once one is uploaded. */
  currentCodebookVersion?: string;
  createdAt: string;
  createdBy: string;
}

export interface NewProject {
  id: string;
  name: string;
  members: string[];
  settings?: ProjectSettings;
  createdBy: string;
}

// -------------------------------------------------------------------------------------- codebook versions

export interface CodebookVersion {
  projectId: string;
  /** The codebook's content hash (Codebook.version). */
  version: string;
  codebook: Codebook;
  /** The file as uploaded (YAML, CSV or .qdc), kept so it can be downloaded again. */
  sourceText: string;
  fileName: string;
  createdBy: string;
  createdAt: string;
}

// ------------------------------------------------------------------------------------------- documents

export interface DocumentRecord {
  projectId: string;
  id: string;
  /** File name within the project (the part of the S3 key after `uploads/<projectId>/`). */
  fileName: string;
  status: DocumentStatus;
  /** Why the document FAILED, in words a researcher can act on. */
  reason?: string;
  s3Key: string;
  /** S3 object version (versioned buckets) or, without versioning, the ETag: the idempotency key. */
  sourceVersion: string;
  s3VersionId?: string;
  /** S3 event sequencer of that upload: an event with a lower one is older and is not processed. */
  sequencer?: string;
  sha256?: string;
  format?: SourceFormat;
  pages?: number;
  respondents: string[];
  unit?: SegmentUnit;
  segmentCount?: number;
  /** S3 key of the extracted plain text every offset points into. */
  textKey?: string;
  /** Codebook version the current rule proposals come from. */
  codebookVersion?: string;
  /** Rule proposals written by the last tagging. */
  proposalCount?: number;
  /** Set by the last tagging when the document's text reads as another language than the codebook's. */
  languageWarning?: string;
  /** What the last tagging changed (see LastTagging). */
  lastTagging?: LastTagging;
  createdAt: string;
  updatedAt: string;
}

/** What one tagging did to a document's codings: how many new proposals it wrote, and how many it held back. */
export interface LastTagging {
  at: string;
  codebookVersion: string;
  /** New proposals written (codes not proposed on those segments before). */
  added: number;
  /** A re-tag after a codebook change (not the document's first tagging). */
  retag: boolean;
  /** The document had every proposal decided before this tagging. */
  finished: boolean;
  /** New proposals left out because the document was finished and they were below RETAG_REOPEN_MIN_CONFIDENCE. */
  withheld: number;
}

export interface DocumentFilter {
  status?: DocumentStatus;
}

export interface SegmentRecord extends Segment {
  projectId: string;
  documentId: string;
}

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
export type OnSegment = Pick<Required<Coding>, 'segmentIndex' | 'segmentId' | 'segmentStart' | 'segmentEnd' | 'segmentText' | 'respondent' | 'speaker' | 'page'>;

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

/** What deleting a document removed. */
export interface DocumentDeletion {
  document: DocumentRecord;
  segments: number;
  codings: Record<CodingStatus, number>;
  /** The document-level audit event (one more per decided or human-added coding). */
  event: AuditEvent;
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

// ------------------------------------------------------------------------------------------------ queries

export interface ReviewQueueQuery extends PageRequest {
  projectId: string;
  code?: string;
  categoryId?: string;
  documentId?: string;
  respondent?: string;
  /**
   * `position`: by document, then segment (default); `score`: highest score first; `uncertain`: what a
   * decision would teach the ranker most first (confidence closest to 0.5, every code in turn; lib/review/order.ts).
   */
  order?: 'position' | 'score' | 'uncertain';
}

export type CodingFilter =
  | { code: string }
  | { categoryId: string }
  | { respondent: string }
  | { documentId: string };

export interface CodingQuery extends PageRequest {
  projectId: string;
  by: CodingFilter;
  /** Default `all`. */
  status?: CodingStatus | 'all';
}

export interface AuditQuery extends PageRequest {
  projectId: string;
  /** Only the events of this document. */
  documentId?: string;
}

// ------------------------------------------------------------------------------------ the pipeline's writes

/** Fields the ingest handler records while a document moves through its states. */
export type DocumentUpdate = Partial<
  Pick<
    DocumentRecord,
    | 'status'
    | 'reason'
    | 'sha256'
    | 'format'
    | 'pages'
    | 'respondents'
    | 'unit'
    | 'segmentCount'
    | 'textKey'
    | 'codebookVersion'
    | 'proposalCount'
    | 'languageWarning'
    | 'lastTagging'
  >
>;

/** Outcome of claiming an uploaded object for ingest (idempotency per object version). */
export type ClaimResult =
  | { kind: 'claimed'; document: DocumentRecord }
  /** Same object version already extracted: only the hand-over to tagging may be missing. */
  | { kind: 'extracted'; document: DocumentRecord }
  /** Same object version already TAGGED or FAILED: a duplicate event, nothing to do. */
  | { kind: 'done'; document: DocumentRecord }
  /** An event older (by S3 sequencer) than the upload the document already comes from: ignored. */
  | { kind: 'stale'; document: DocumentRecord };
// On 'claimed' the record keeps the previous version's segmentCount, so stale segments can be deleted.

export interface UploadedObject {
  projectId: string;
  documentId: string;
  fileName: string;
  s3Key: string;
  sourceVersion: string;
  s3VersionId?: string;
  sequencer?: string;
}

/** One write of the re-tag reconciliation, conditional on what the tagger read. */
export type CodingChange =
  | { kind: 'put'; coding: Coding; /** version read, or null when the item did not exist */ expectedVersion: number | null }
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

// ------------------------------------------------------------------------------------------------ the ports

export interface ProjectStore {
  createProject(project: NewProject): Promise<Project>;
  getProject(projectId: string): Promise<Project | null>;
  /** Projects the user is a member of. */
  listProjectsForUser(userId: string, page?: PageRequest): Promise<Page<Project>>;
  addMember(projectId: string, userId: string): Promise<void>;
  removeMember(projectId: string, userId: string): Promise<void>;
  updateSettings(projectId: string, settings: ProjectSettings): Promise<Project>;
  /** How many documents the project has, per status: one item kept up to date by every status change (O(1)). */
  documentCounts(projectId: string): Promise<DocumentCounts>;
}

export interface DocumentCounts {
  total: number;
  byStatus: Partial<Record<DocumentStatus, number>>;
}

export interface CodebookStore {
  /** Stores a version (idempotent per hash) and makes it the project's current one. */
  /** Stores a version and makes it current; with `expectedCurrent`, only if that is still the current version (else CONFLICT). */
  putCodebookVersion(version: Omit<CodebookVersion, 'createdAt'> & { createdAt?: string }, opts?: { expectedCurrent?: string }): Promise<CodebookVersion>;
  getCodebookVersion(projectId: string, version: string): Promise<CodebookVersion | null>;
  /** The project's current version, or null before the first upload. */
  getCurrentCodebook(projectId: string): Promise<CodebookVersion | null>;
  /** Newest first; `codebook` and `sourceText` included. */
  listCodebookVersions(projectId: string, page?: PageRequest): Promise<Page<CodebookVersion>>;
}

export interface DocumentStore {
  /** Idempotent claim of an uploaded object version (see ClaimResult). */
  claimUpload(upload: UploadedObject): Promise<ClaimResult>;
  updateDocument(projectId: string, documentId: string, update: DocumentUpdate): Promise<DocumentRecord>;
  getDocument(documentId: string): Promise<DocumentRecord | null>;
  /** By file name; with a status, only documents in that state (pages stay full: the filter runs in the query). */
  listDocuments(projectId: string, page?: PageRequest, filter?: DocumentFilter): Promise<Page<DocumentRecord>>;
  /**
   * Replaces the document's segments (batch writes of 25, unprocessed items retried with backoff);
   * segments from index segments.length up to previousCount are deleted.
   */
  putSegments(projectId: string, documentId: string, segments: Segment[], previousCount?: number): Promise<void>;
  listSegments(documentId: string, page?: PageRequest): Promise<Page<SegmentRecord>>;
  getSegment(documentId: string, segmentIndex: number): Promise<SegmentRecord | null>;
  /**
   * Removes a TAGGED or FAILED document with its segments and codings (CONFLICT while the pipeline works
   * on it). The audit trail keeps a `delete` event per decided or human-added coding and one for the document.
   */
  deleteDocument(projectId: string, documentId: string, userId: string): Promise<DocumentDeletion>;
}

export interface CodingStore {
  getCoding(ref: CodingRef): Promise<Coding | null>;
  /** Every coding of one document, in segment order (the pipeline reads them all to reconcile). */
  listDocumentCodings(documentId: string): Promise<Coding[]>;
  /** Conditional writes of the tagger; never overwrites a coding that changed since it was read. */
  applyCodingChanges(changes: CodingChange[]): Promise<ApplyResult>;
  /**
   * Re-anchoring after a re-upload: each inner array is one transaction (chains of moves ordered by the
   * caller, see orderChanges); a transaction whose codings changed since they were read is not written
   * and reported in `conflicts`.
   */
  moveCodings(batches: CodingMove[][]): Promise<ApplyResult>;
  /** Accept/reject/add/undo with an optimistic-lock check; coding + audit event in one transaction. */
  decide(decision: Decision): Promise<DecisionResult>;
  /**
   * Accepts every undecided proposal of these documents whose confidence reaches the threshold, each as its
   * own decision (undo step + audit event carrying the batch id), and records the batch.
   */
  bulkAccept(req: BulkAcceptRequest): Promise<BulkBatch>;
  /** Undoes exactly the codings of the batch that are still as it left them; the others are reported. CONFLICT when already undone. */
  undoBulkAccept(projectId: string, batchId: string, userId: string): Promise<BulkUndoResult>;
  getBulkBatch(projectId: string, batchId: string): Promise<BulkBatch | null>;
  /** Undecided rule proposals (the sparse review index). */
  reviewQueue(query: ReviewQueueQuery): Promise<Page<Coding>>;
  queryCodings(query: CodingQuery): Promise<Page<Coding>>;
  /** Oldest first. */
  auditTrail(query: AuditQuery): Promise<Page<AuditEvent>>;
  /**
   * The report aggregates of these documents (lib/report/aggregate.ts), kept up to date in the
   * transaction of every coding write; reports merge them instead of reading every coding.
   */
  documentAggregates(documentIds: readonly string[]): Promise<Map<string, DocumentAggregate>>;
}

/** Everything the pipeline and the API use, implemented by DynamoStore. */
export interface Store extends ProjectStore, CodebookStore, DocumentStore, CodingStore, ExportJobStore {}

/** The upload bucket: raw uploads under `uploads/`, extracted text under `text/`. */
export interface BlobStore {
  getBytes(key: string, versionId?: string): Promise<Uint8Array>;
  putObject(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  getText(key: string): Promise<string>;
  /** The text, or null when there is no object under the key. */
  getTextIfExists(key: string): Promise<string | null>;
  /** Presigned PUT URL for a browser or CLI upload. */
  presignUpload(key: string, contentType: string, expiresInSeconds?: number): Promise<string>;
  presignDownload(key: string, expiresInSeconds?: number): Promise<string>;
}

/** The hand-over from ingest to tagging (SQS on AWS, the in-process queue locally). */
export interface TagRequest {
  projectId: string;
  documentId: string;
  /** Why: a new document or a codebook change. */
  reason: 'ingest' | 'retag';
}

export interface TagQueue {
  send(requests: TagRequest[]): Promise<void>;
}

// ------------------------------------------------------------------------------------------ export jobs

export type ExportJobFormat = 'qdpx' | 'qdc' | 'csv' | 'xlsx';
export type ExportJobState = 'queued' | 'running' | 'done' | 'failed';

/** An export of a large project, built by the export job (lib/export/job.ts) into the bucket. */
export interface ExportJob {
  projectId: string;
  id: string;
  format: ExportJobFormat;
  /** csv/xlsx: which codings. */
  status: CodingStatus | 'all';
  state: ExportJobState;
  /** Documents read so far, of `total`. */
  done: number;
  total: number;
  /** Set when done: the object key and the file's name and size. */
  key?: string;
  fileName?: string;
  bytes?: number;
  /** Why it failed, in words a researcher can act on. */
  reason?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type ExportJobUpdate = Partial<Pick<ExportJob, 'state' | 'done' | 'total' | 'key' | 'fileName' | 'bytes' | 'reason'>>;

export interface ExportJobStore {
  createExportJob(job: ExportJob): Promise<void>;
  getExportJob(projectId: string, jobId: string): Promise<ExportJob | null>;
  updateExportJob(projectId: string, jobId: string, update: ExportJobUpdate): Promise<void>;
}

/** The hand-over from the API to the export job (SQS on AWS, the in-process queue locally). */
export interface ExportRequestMessage {
  projectId: string;
  jobId: string;
}

export interface ExportQueue {
  send(request: ExportRequestMessage): Promise<void>;
}
