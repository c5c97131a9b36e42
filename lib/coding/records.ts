// The records the ports read and write besides codings: projects, codebook versions, documents and
// segments, export jobs, pages and queries. Plain TypeScript with no storage types.
import type { Codebook, CodingStatus, DocumentStatus, Segment, SegmentUnit, SourceFormat } from '../model.js';
import type { AuditEvent } from './model.js';

// ---------------------------------------------------------------------------------------------- paging

import type { Page, PageRequest } from '../paging.js';
export type { Page, PageRequest };

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

/** What deleting a document removed. */
export interface DocumentDeletion {
  document: DocumentRecord;
  segments: number;
  codings: Record<CodingStatus, number>;
  /** The document-level audit event (one more per decided or human-added coding). */
  event: AuditEvent;
}

// ------------------------------------------------------------------------------------------------ queries

export interface ReviewQueueQuery extends PageRequest {
  projectId: string;
  code?: string;
  categoryId?: string;
  documentId?: string;
  respondent?: string;
  /**
   * `position`: by document, then segment (default); `score`: highest score first. The `uncertain` order is
   * the domain's (lib/review/queue.ts), over every proposal read in reading order.
   */
  order?: 'position' | 'score';
}

export type CodingFilter = { code: string } | { categoryId: string } | { respondent: string } | { documentId: string };

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

export interface DocumentCounts {
  total: number;
  byStatus: Partial<Record<DocumentStatus, number>>;
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

/** The hand-over from ingest to tagging (SQS on AWS, the in-process queue locally). */
export interface TagRequest {
  projectId: string;
  documentId: string;
  /** Why: a new document or a codebook change. */
  reason: 'ingest' | 'retag';
}

/** The hand-over from the API to the export job (SQS on AWS, the in-process queue locally). */
export interface ExportRequestMessage {
  projectId: string;
  jobId: string;
}
