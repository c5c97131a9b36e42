// The storage ports: what the pipeline (ingest, tag, re-tag), the review use cases and the query API
// need from storage. Declared here, next to the model they store; lib/store implements them with
// DynamoDB and S3 (and tests/helpers with an in-memory store). Every list call is paginated with an
// opaque cursor.
import type { Segment } from '../model.js';
import type { DocumentAggregate } from '../report/aggregate.js';
import type { ApplyResult, AuditEvent, BatchEntry, BatchState, BulkBatch, Coding, CodingChange, CodingMove, CodingRef, CodingSnapshot } from './model.js';
import type {
  AuditQuery,
  CodebookVersion,
  CodingQuery,
  DocumentCounts,
  DocumentFilter,
  DocumentRecord,
  DocumentUpdate,
  ExportJob,
  ExportJobUpdate,
  ExportRequestMessage,
  NewProject,
  Page,
  PageRequest,
  Project,
  ProjectSettings,
  ReviewQueueQuery,
  SegmentRecord,
  TagRequest,
} from './records.js';

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
  /**
   * Writes the record of a claimed upload (lib/pipeline/claim.ts) if the stored record is still `seen`
   * (same source version and status; null: none stored), moving the document between the project's status
   * counts. False when another delivery wrote first.
   */
  putClaim(document: DocumentRecord, seen: DocumentRecord | null): Promise<boolean>;
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
   * Removes a document the delete use case (lib/review/delete-document.ts) let go: writes its audit
   * `events` first, then its segments and codings, and the record last, only while its status is still
   * `document.status` (else CONFLICT), so a deletion cut short can be run again.
   */
  removeDocument(document: DocumentRecord, events: AuditEvent[]): Promise<void>;
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
  /** How many moves one moveCodings transaction holds (the adapter's transaction limit). */
  readonly movesPerTransaction: number;
  /**
   * The unit of work of every decision: `plan` reads the document's codings (with their undo stacks) under
   * the document's write lock and returns what to write; the writes, their audit events and the document's
   * report aggregate commit together, each write only if its coding is still at `expectedVersion` (null: absent).
   * When another write of the document committed first, `plan` runs again on what is stored now; when a
   * condition fails under the lock, `onConflict` answers (default: a CONFLICT error).
   */
  writeDocumentCodings<R>(documentId: string, plan: (read: LockedCodings) => Promise<CodingWritePlan<R>>): Promise<R>;
  /** Stores the record of a new bulk accept (lib/review/bulk-accept.ts); CONFLICT when its id is taken. */
  createBulkBatch(batch: BulkBatch): Promise<void>;
  getBulkBatch(projectId: string, batchId: string): Promise<BulkBatch | null>;
  /**
   * Sets fields of a batch record and returns it; with `expectedState` only while the batch is in that
   * state. Null (nothing written) when the batch does not exist or is in another state.
   */
  updateBulkBatch(projectId: string, batchId: string, update: BulkBatchUpdate, expectedState?: BatchState): Promise<BulkBatch | null>;
  /** The entries a batch recorded for one document, in the order they were written. */
  bulkBatchEntries(documentId: string, batchId: string): Promise<BatchEntry[]>;
  /** Undecided rule proposals (the sparse review index), in reading order or by score. */
  reviewQueue(query: ReviewQueueQuery): Promise<Page<Coding>>;
  queryCodings(query: CodingQuery): Promise<Page<Coding>>;
  /** Oldest first. */
  auditTrail(query: AuditQuery): Promise<Page<AuditEvent>>;
  /**
   * The report aggregates of these documents (lib/report/aggregate.ts), kept up to date in the
   * transaction of every coding write (by the AggregateRules it is given); reports merge them instead of
   * reading every coding.
   */
  documentAggregates(documentIds: readonly string[]): Promise<Map<string, DocumentAggregate>>;
}

/**
 * How a document's report aggregate follows its codings (lib/report/aggregate-rules.ts). The composition
 * root (lib/store/index.ts) gives them to the store, which keeps one aggregate per document, changed in the
 * transaction of every coding write under the document's lock, without knowing what it holds.
 */
export interface AggregateRules {
  /** From all a document has stored: every coding and its whole audit trail (oldest first). */
  build(codings: readonly Coding[], trail: readonly AuditEvent[]): DocumentAggregate;
  /** After a write: every coding at the positions it touched, before and after it, and the events written with it. */
  update(aggregate: DocumentAggregate, before: readonly Coding[], after: readonly Coding[], events: readonly AuditEvent[]): DocumentAggregate;
  /** A document with nothing stored. */
  empty(): DocumentAggregate;
  /** The stored form (bytes) and back. */
  encode(aggregate: DocumentAggregate): Uint8Array;
  decode(bytes: Uint8Array): DocumentAggregate;
}

/** A coding as stored, with the undo stack of its decisions (newest last). */
export interface StoredCoding {
  coding: Coding;
  undoStack: CodingSnapshot[];
}

/** Consistent reads of one document's codings inside writeDocumentCodings. */
export interface LockedCodings {
  /** The codings at one segment position. */
  at(segmentIndex: number): Promise<StoredCoding[]>;
  /** Every coding of the document, in segment order (a bulk accept chooses among them). */
  all(): Promise<StoredCoding[]>;
}

/** What a bulk accept and its undo change on the batch record besides its entries. */
export type BulkBatchUpdate = Partial<Pick<BulkBatch, 'state' | 'undoneAt' | 'undoneBy' | 'undone' | 'changedSince'>>;

/** One conditional write of a decision: the coding (with its new undo stack) or its removal. */
export type CodingWrite =
  | { kind: 'put'; coding: Coding; undoStack: CodingSnapshot[] /** null: the key must be free */; expectedVersion: number | null }
  | { kind: 'delete'; ref: CodingRef; expectedVersion: number };

export interface CodingWritePlan<R> {
  /** None: nothing is written and `result` is returned as is. */
  writes: CodingWrite[];
  /** Audit events written in the same transaction (built by the use case). */
  events: AuditEvent[];
  /**
   * A bulk accept's chunk: its entries are appended to the batch's list for this document and counted on the
   * batch record (count, confidence sum, documents) in the same transaction, only while the batch is
   * `applying` (else nothing is written: CONFLICT).
   */
  batchEntries?: { batch: Pick<BulkBatch, 'projectId' | 'id'>; entries: BatchEntry[] };
  result: R;
  /** The writes (indexes into `writes`) whose condition failed under the lock: map them to an answer or an error. */
  onConflict?: (failed: number[]) => R | Promise<R>;
  /** Other writers kept the document's lock through every attempt. */
  onBusy?: () => R | Promise<R>;
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

export interface TagQueue {
  send(requests: TagRequest[]): Promise<void>;
}

export interface ExportJobStore {
  createExportJob(job: ExportJob): Promise<void>;
  getExportJob(projectId: string, jobId: string): Promise<ExportJob | null>;
  updateExportJob(projectId: string, jobId: string, update: ExportJobUpdate): Promise<void>;
}

export interface ExportQueue {
  send(request: ExportRequestMessage): Promise<void>;
}
