// The HTTP API contract: every route (method and path from endpoints.ts, purpose, auth), the zod schema
// of every request body and query, and the shape of every response; report, export and import shapes and
// the coding's views come from their modules (lib/report/schemas.ts, lib/export/schemas.ts,
// lib/import/schemas.ts, lib/coding/views.ts). The router validates against these schemas; the one typed
// client (client-core.ts), used by the CLI and the web UI, is derived from them.
//
// Conventions
// - All routes but GET /health need `Authorization: Bearer <token>` (AWS: Cognito JWT; local: the token
//   under .qualtag/). A user sees only the projects they are a member of (403 otherwise).
// - Errors answer with `ErrorBody` ({ message, hint?, where? }) and a 4xx/5xx status; a stale decision
//   answers 409 with `ConflictBody`, which also carries the coding's current state.
// - Lists are paginated: `?limit=` (1..500, default 50) and `?cursor=` (opaque, from `nextCursor`).
// - Offsets: `start`/`end` on segments and coded segments are UTF-16 indexes (JavaScript string indexes)
//   into the document text, end excluded. Evidence and `span` offsets are relative to the segment text.
// - Times are ISO 8601 strings (UTC).
//
// Names: where the coding model (lib/coding, lib/model.ts) has a type of the same name, the contract's wire
// shape takes a suffix and the model keeps the plain name: `…View` for a response shape (CodingView,
// AuditEventView, ProjectView, CodebookVersionView, DecisionResultView, BulkUndoResultView; lib/api/mappers.ts
// turns the model into them; CodingView, SegmentView and CodedSegment, which exports write too, with their
// value types and mappers, are lib/coding/views.ts's), `…Params` for a query string (AuditQueryParams). Value types the API shows as the
// model has them (CodingStatus, Evidence, Span, Codebook, …) keep the model's name and type.
import * as z from 'zod';
import type * as coding from '../coding/model.js';
import type * as model from '../model.js';
import { endpoints, type RouteName } from './endpoints.js';
import { ExportJobBody, ExportJobView, ExportQuery } from '../export/schemas.js';
import { ImportedDocument, ImportStarted } from '../import/schemas.js';
import { CodedSegment, CodingStatus, CodingView, SegmentView, Span } from '../coding/views.js';
import { sourceFormats } from '../formats.js';
import { ReportBundle, ReportKind, reportKinds } from '../report/registry.js';
import { QueryStatus, ReportQuery, ReportTable } from '../report/schemas.js';

// ---------------------------------------------------------------------------------------------------
// Shared pieces

export const ErrorBody = z.object({
  message: z.string(),
  /** What the caller can do about it. */
  hint: z.string().optional(),
  /** The offending field / file / line, e.g. `body.version` or `codebook.yaml:12`. */
  where: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Ids are opaque strings the API handed out (they may contain / and #); no whitespace or control characters. */
export const Id = z
  .string()
  .min(1, 'id is empty')
  .max(300)
  .regex(/^[^\s\u0000-\u001f]+$/, 'ids contain no spaces or control characters');

// Value types the API shows as the model has them: the model's type is the one truth, the schema is
// checked against it (a schema that drifts from the model no longer compiles).
export const DocumentStatus = z.enum(['UPLOADED', 'EXTRACTED', 'TAGGED', 'FAILED']) satisfies z.ZodType<model.DocumentStatus>;
export type DocumentStatus = model.DocumentStatus;
export const SourceFormat = z.enum(sourceFormats);

const Limit = z.coerce.number().int().min(1).max(500).default(50);
const Cursor = z.string().min(1).max(2000).optional();

export const PageQuery = z.object({ limit: Limit, cursor: Cursor });
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of results; `nextCursor` is null on the last page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export type { Page } from '../paging.js';

// ---------------------------------------------------------------------------------------------------
// Domain shapes as the API shows them

export const ProjectView = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  /** Content hash of the current codebook; null until a codebook is uploaded. */
  codebookVersion: z.string().nullable(),
  /** Coding unit: speaker turn, paragraph or sentence. */
  segmentUnit: z.enum(['turn', 'paragraph', 'sentence']).optional(),
  /** The caller's role in the project. */
  role: z.enum(['owner', 'member']).optional(),
});
export type ProjectView = z.infer<typeof ProjectView>;

export const CodingCounts = z.object({ proposed: z.number().int(), accepted: z.number().int(), rejected: z.number().int() });
export type CodingCounts = z.infer<typeof CodingCounts>;

export const ProjectDetail = ProjectView.extend({
  documents: z.number().int(),
  documentsByStatus: z.partialRecord(DocumentStatus, z.number().int()).optional(),
  codings: CodingCounts.optional(),
});
export type ProjectDetail = z.infer<typeof ProjectDetail>;

export const DocumentSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  /** The uploaded file name. */
  name: z.string(),
  format: SourceFormat.nullable(),
  status: DocumentStatus,
  /** Why the document FAILED, in words a researcher understands; null otherwise. */
  reason: z.string().nullable(),
  /** The first respondent (see `respondents`). */
  respondent: z.string().nullable(),
  /** Every respondent who speaks in the document. */
  respondents: z.array(z.string()).optional(),
  pages: z.number().int().nullable(),
  segmentCount: z.number().int().nullable(),
  /** Codebook version the current proposals come from. */
  codebookVersion: z.string().nullable(),
  /** The document's text reads as another language than the codebook's (set by the last tagging). */
  languageWarning: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: CodingCounts.optional(),
  /**
   * What the last tagging changed: new proposals written (`added`), and on a document whose proposals were
   * all decided (`finished`) the new ones left out for being below the re-open confidence (`withheld`).
   */
  lastTagging: z
    .object({ at: z.string(), codebookVersion: z.string(), retag: z.boolean(), added: z.number().int(), finished: z.boolean(), withheld: z.number().int() })
    .optional(),
});
export type DocumentSummary = z.infer<typeof DocumentSummary>;

export const DocumentStatusView = DocumentSummary.pick({ id: true, name: true, status: true, reason: true, updatedAt: true });
export type DocumentStatusView = z.infer<typeof DocumentStatusView>;

export const SegmentWithCodings = SegmentView.extend({ codings: z.array(CodingView) });
export type SegmentWithCodings = z.infer<typeof SegmentWithCodings>;

export const DocumentDetail = z.object({
  document: DocumentSummary,
  /** Segments in reading order with all their codings (any status). */
  segments: z.array(SegmentWithCodings),
  /** Codings whose passage is no longer in the re-uploaded file (anchor.state `detached`). */
  detached: z.array(CodingView).optional(),
});
export type DocumentDetail = z.infer<typeof DocumentDetail>;

/** One item of the review queue: an undecided proposal with its segment and document. */
export const QueueItem = z.object({
  coding: CodingView,
  segment: SegmentView,
  document: z.object({ id: z.string(), name: z.string() }),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const DecisionAction = z.enum(['accept', 'reject', 'add', 'undo', 'place', 'drop']) satisfies z.ZodType<coding.DecisionAction>;
export type DecisionAction = coding.DecisionAction;

/** Append-only audit event, written in the same transaction as the decision. */
export const AuditEventView = z.object({
  id: z.string(),
  projectId: z.string(),
  documentId: z.string(),
  /** The coded segment's id (events recorded before segment ids were kept: `<documentId>#<segmentIndex>`). */
  segmentId: z.string(),
  segmentIndex: z.number().int().optional(),
  codingId: z.string(),
  code: z.string(),
  /**
   * A reviewer's decision, what a re-upload did to the coding (`move`, `detach`; by `qualtag`), or `delete`:
   * a person deleted the document (one event for the document, with `code` and `codingId` empty, and one
   * per decided or human-added coding, with what it was in `from`).
   */
  action: z.enum([...DecisionAction.options, 'move', 'detach', 'delete']),
  /** Why, in words (re-anchoring events say from where to where and after which version). */
  note: z.string().optional(),
  /** Status before and after; null when the coding did not exist before (add) or no longer exists (undo of an add). */
  from: CodingStatus.nullable(),
  to: CodingStatus.nullable(),
  /** Coding version after the decision (null when the coding was removed). */
  version: z.number().int().nullable(),
  by: z.string(),
  at: z.string(),
  /** For undo: the audit event it reverted. */
  undoes: z.string().optional(),
  /** The bulk accept this accept (or its undo) was part of. */
  batchId: z.string().optional(),
});
export type AuditEventView = z.infer<typeof AuditEventView>;

// ---------------------------------------------------------------------------------------------------
// Codebook

export const Code = z.object({
  id: z.string(),
  name: z.string(),
  categoryId: z.string(),
  definition: z.string().optional(),
  indicators: z.array(z.string()),
  questions: z.array(z.string()),
  aliases: z.array(z.string()),
  rules: z.array(z.string()),
  exclude: z.array(z.string()),
  /** Anchor examples (absent in codebooks stored before they existed). */
  examples: z.array(z.object({ text: z.string(), note: z.string().optional() })).default([]),
  color: z.string().optional(),
}) satisfies z.ZodType<model.Code>;
export const Category = z.object({
  id: z.string(),
  name: z.string(),
  definition: z.string().optional(),
  codes: z.array(Code),
}) satisfies z.ZodType<model.Category>;
export const Codebook = z.object({
  id: z.string(),
  title: z.string().optional(),
  language: z.enum(['nl', 'en']),
  categories: z.array(Category),
  version: z.string(),
}) satisfies z.ZodType<model.Codebook>;
/** The codebook as the API shows it is the model's codebook. */
export type CodebookView = model.Codebook;

export const CodebookVersionView = z.object({
  version: z.string(),
  title: z.string().nullable(),
  fileName: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  codeCount: z.number().int(),
  current: z.boolean(),
});
export type CodebookVersionView = z.infer<typeof CodebookVersionView>;

export const CodebookUploadBody = z.object({
  /** Decides the parser: .yaml/.yml, .csv or .qdc. */
  fileName: z
    .string()
    .min(1)
    .max(255)
    .regex(/\.(ya?ml|csv|qdc)$/i, 'fileName must end in .yaml, .yml, .csv or .qdc'),
  /** The file's text (UTF-8). */
  content: z.string().min(1, 'the codebook file is empty').max(2_000_000, 'a codebook is at most 2 MB'),
  /** Re-tag every document with the new version (default true). Human decisions are kept. */
  retag: z.boolean().default(true),
});
export type CodebookUploadBody = z.input<typeof CodebookUploadBody>;

export const CodebookUploadResult = z.object({
  version: z.string(),
  /** False when this exact codebook was already stored (same content hash). */
  created: z.boolean(),
  codeCount: z.number().int(),
  retag: z.object({ requested: z.boolean(), documents: z.number().int() }),
  /** What the researcher should know, e.g. codes whose ids were derived from their names. */
  warnings: z.array(z.string()).default([]),
});
export type CodebookUploadResult = z.infer<typeof CodebookUploadResult>;

export const RetagResult = z.object({ requested: z.boolean(), documents: z.number().int() });
export type RetagResult = z.infer<typeof RetagResult>;

// ---------------------------------------------------------------------------------------------------
// Rule terms learnt from reviewed decisions (proposals a person chooses from; see lib/tag/learn.ts)

/** GET /projects/{projectId}/rule-suggestions; other parameters are refused (a misspelt one would silently change nothing). */
export const RuleSuggestionsQuery = z.strictObject({
  /** A term must occur in at least this many accepted passages of the code. */
  minSupport: z.coerce.number().int().min(1).max(100).default(2),
  /** Most suggestions per code. */
  top: z.coerce.number().int().min(1).max(50).default(10),
});
export type RuleSuggestionsQuery = z.infer<typeof RuleSuggestionsQuery>;

/** An accepted passage a suggested term matches: a short excerpt around the match. */
export const RuleSuggestionExample = z.object({
  documentId: z.string(),
  documentName: z.string(),
  segmentId: z.string(),
  segmentIndex: z.number().int(),
  /** At most about 200 characters of the passage, around the match. */
  excerpt: z.string(),
  /** Where the term matched, as offsets into `excerpt`; null when it could not be placed. */
  match: z.object({ start: z.number().int(), end: z.number().int() }).nullable(),
  /** True when the excerpt starts / ends inside the passage (the UI shows an ellipsis). */
  clippedStart: z.boolean(),
  clippedEnd: z.boolean(),
});
export type RuleSuggestionExample = z.infer<typeof RuleSuggestionExample>;

export const RuleSuggestion = z.object({
  /** The term in the rule language: a word, `stem*` or a "phrase". */
  rule: z.string(),
  kind: z.enum(['term', 'prefix', 'phrase']),
  /** Smoothed log-odds of matching the code's accepted passages against the other reviewed ones. */
  score: z.number(),
  /** Accepted passages of the code the term matches. */
  support: z.number().int(),
  /** Of those, passages none of the code's current rules match. */
  newlyCovered: z.number().int(),
  /** Of those, passages the tagger does not propose the code for now. */
  unproposed: z.number().int(),
  /** Other reviewed passages the term matches (of which `rejectedMatches` had this code rejected). */
  otherMatches: z.number().int(),
  rejectedMatches: z.number().int(),
  /** support / (support + otherMatches). */
  precision: z.number(),
  examples: z.array(RuleSuggestionExample),
});
export type RuleSuggestion = z.infer<typeof RuleSuggestion>;

export const CodeRuleSuggestions = z.object({
  code: z.string(),
  name: z.string(),
  categoryId: z.string(),
  /** Reviewed passages with the code accepted or added, and with it rejected. */
  accepted: z.number().int(),
  rejected: z.number().int(),
  /** Accepted passages no current rule of the code matches / the tagger does not propose the code for. */
  uncovered: z.number().int(),
  unproposed: z.number().int(),
  /** The code's rules in force: its own, or (when it has none) the ones suggested from its name and indicators. */
  rules: z.array(z.string()),
  /** False when `rules` are suggested ones: applying terms writes them into the code with the new terms. */
  ownRules: z.boolean(),
  suggestions: z.array(RuleSuggestion),
});
export type CodeRuleSuggestions = z.infer<typeof CodeRuleSuggestions>;

export const RuleSuggestions = z.object({
  /** The codebook version the terms were learnt against: send it back as `baseVersion` to apply them. */
  codebookVersion: z.string(),
  minSupport: z.number().int(),
  top: z.number().int(),
  /** Reviewed passages read (accepted, human-added or rejected codings; detached ones left out). */
  segments: z.number().int(),
  /** Codes with at least one accepted passage, in codebook order. */
  codes: z.array(CodeRuleSuggestions),
  /** Codes named by decisions that the current codebook does not have (ignored). */
  unknownCodes: z.array(z.string()),
});
export type RuleSuggestions = z.infer<typeof RuleSuggestions>;

/** POST /projects/{projectId}/rule-suggestions/apply: append chosen terms to their codes' rules. */
export const ApplyRuleTermsBody = z.object({
  /** The codebook version the terms were chosen on; 409 when the project has moved on. */
  baseVersion: z.string().min(1).max(100),
  terms: z
    .array(z.object({ code: z.string().min(1).max(200), rule: z.string().trim().min(1, 'the term is empty').max(300) }))
    .min(1, 'choose at least one term')
    .max(500),
  /** Re-tag every document with the new version (default true). Human decisions are kept. */
  retag: z.boolean().default(true),
});
export type ApplyRuleTermsBody = z.input<typeof ApplyRuleTermsBody>;

export const ApplyRuleTermsResult = z.object({
  version: z.string(),
  previousVersion: z.string(),
  /** Per code: the terms appended (terms it already had are left out). */
  added: z.array(z.object({ code: z.string(), rules: z.array(z.string()) })),
  /** Requested terms the code already had. */
  unchanged: z.array(z.object({ code: z.string(), rule: z.string() })),
  codeCount: z.number().int(),
  retag: RetagResult,
});
export type ApplyRuleTermsResult = z.infer<typeof ApplyRuleTermsResult>;

// ---------------------------------------------------------------------------------------------------
// Requests

/** Project ids name S3 prefixes and URLs: lower-case letters, digits and dashes (same rule as lib/coding/upload-key.ts). */
export const ProjectId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a project id is 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit');

/** A user id: the Cognito `sub` on AWS, the local token's user on one machine. */
export const UserId = z
  .string()
  .min(1, 'userId is empty')
  .max(200)
  .regex(/^[^\s\u0000-\u001f]+$/, 'user ids contain no spaces or control characters');

/** POST /projects: the caller becomes the project's first member (and its owner). */
export const CreateProjectBody = z.object({
  id: ProjectId,
  /** Display name; default: the id. */
  name: z
    .string()
    .trim()
    .min(1, 'name is empty')
    .max(200, 'a project name is at most 200 characters')
    .regex(/^[^\u0000-\u001f]+$/, 'a project name contains no control characters')
    .optional(),
  /** Coding unit of the project's documents; default: speaker turns for transcripts, paragraphs for documents. */
  unit: z.enum(['turn', 'paragraph', 'sentence']).optional(),
});
export type CreateProjectBody = z.input<typeof CreateProjectBody>;

/** POST /projects/{projectId}/documents/{documentId}/delete: what was removed. */
export const DocumentDeletionResult = z.object({
  documentId: z.string(),
  name: z.string(),
  segments: z.number().int(),
  codings: CodingCounts,
  /** The audit event that records the deletion. */
  auditEventId: z.string(),
});
export type DocumentDeletionResult = z.infer<typeof DocumentDeletionResult>;

/** POST /projects/{projectId}/members: adds a user (members only; adding a member again changes nothing). */
export const AddMemberBody = z.object({ userId: UserId });
export type AddMemberBody = z.infer<typeof AddMemberBody>;

export const ProjectMembers = z.object({ projectId: z.string(), members: z.array(z.string()) });
export type ProjectMembers = z.infer<typeof ProjectMembers>;

export const UploadUrlBody = z.object({
  /** Plain file name, no folders. */
  fileName: z
    .string()
    .min(1)
    .max(255)
    .refine((n) => !/[\\/]/.test(n) && n !== '.' && n !== '..', 'fileName must be a plain file name without / or \\')
    // eslint-disable-next-line no-control-regex
    .refine((n) => !/[\u0000-\u001f\u007f-\u009f]/.test(n), 'fileName must not contain control characters (NUL, tab, newline …); rename the file')
    .refine(
      (n) => !/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(n),
      'fileName must not contain right-to-left or other direction overrides; rename the file',
    )
    // One name, one document: é typed as one or two code points is the same file.
    .transform((n) => n.normalize('NFC')),
  contentType: z.string().max(200).optional(),
});
export type UploadUrlBody = z.infer<typeof UploadUrlBody>;

export const UploadUrl = z.object({
  /** Presigned URL: PUT the file's bytes to it with the given headers. */
  url: z.string(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  /** S3 key: uploads/<projectId>/<fileName>. */
  key: z.string(),
  expiresAt: z.string(),
});
export type UploadUrl = z.infer<typeof UploadUrl>;

// REFI-QDA project import (.qdpx from ATLAS.ti, NVivo, MAXQDA, QualCoder or qualtag; lib/import). Three calls:
// POST .../imports (a presigned PUT for the file) → POST .../imports/{importId} (read, codebook, sources
// uploaded to the pipeline) → once each document is TAGGED, POST .../imports/{importId}/documents/{documentId}
// (its codings placed and written as accepted human codings). `qualtag import` and the upload page do this.

export const ImportUploadBody = z.object({
  fileName: z
    .string()
    .min(1)
    .max(255)
    .refine((n) => !/[\\/]/.test(n), 'fileName must be a plain file name without / or \\')
    .refine((n) => /\.qdpx$/i.test(n), 'a REFI-QDA project file ends in .qdpx'),
});
export type ImportUploadBody = z.infer<typeof ImportUploadBody>;
export const ImportUpload = UploadUrl.extend({ importId: z.string() });
export type ImportUpload = z.infer<typeof ImportUpload>;

/** A note (memo) an imported project brought with it: on the document, or on one of its codings (`codingId`). */
export const DocumentNote = z.object({
  guid: z.string(),
  name: z.string().optional(),
  text: z.string(),
  user: z.string().optional(),
  at: z.string().optional(),
  codingId: z.string().optional(),
});
export type DocumentNote = z.infer<typeof DocumentNote>;

export const DocumentListQuery = PageQuery.extend({
  status: DocumentStatus.optional(),
  /** `true`: each document also carries `counts` (proposed / accepted / rejected codings; one more read per document). */
  counts: z.enum(['true', 'false']).default('false'),
});
export type DocumentListQuery = z.infer<typeof DocumentListQuery>;

export const QueueQuery = PageQuery.extend({
  code: z.string().min(1).max(200).optional(),
  category: z.string().min(1).max(200).optional(),
  document: Id.optional(),
  respondent: z.string().min(1).max(200).optional(),
  /** position: by document, then reading order; score: highest score first; uncertain: the proposals a decision
   * teaches the ranker most first (confidence closest to 0.5, each code in turn; proposals without a confidence last). */
  order: z.enum(['position', 'score', 'uncertain']).default('position'),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

const Version = z.number().int().min(0);

/** POST /projects/{projectId}/decisions: one decision; `version` is the coding version the client saw. */
export const DecisionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), documentId: Id, codingId: Id, version: Version }),
  z.object({ action: z.literal('reject'), documentId: Id, codingId: Id, version: Version }),
  z.object({
    action: z.literal('add'),
    documentId: Id,
    segmentId: Id,
    code: z.string().min(1).max(200),
    /** Code only part of the segment (segment-relative offsets); omit to code the whole segment. */
    span: Span.optional(),
  }),
  /** Reverts the coding's last decision: accepted/rejected → proposed; a human-added coding is removed; a placed one goes back to the detached list. */
  z.object({ action: z.literal('undo'), documentId: Id, codingId: Id, version: Version }),
  /**
   * A detached coding (`anchor.state` detached) goes to a segment of the current text (optionally a span of it)
   * as a human coding with its status and decider; the answer's `coding` is it at its new place (new id).
   */
  z.object({ action: z.literal('place'), documentId: Id, codingId: Id, version: Version, segmentId: Id, span: Span.optional() }),
  /** Removes a detached coding from the document; its history stays in the audit trail. Cannot be undone. */
  z.object({ action: z.literal('drop'), documentId: Id, codingId: Id, version: Version }),
]);
export type DecisionBody = z.infer<typeof DecisionBody>;

export const DecisionResultView = z.object({
  /** The coding after the decision (after a place: at its new place; after undoing one: detached again); null when removed (undo of an add, drop). */
  coding: CodingView.nullable(),
  audit: AuditEventView,
});
export type DecisionResultView = z.infer<typeof DecisionResultView>;

/** 409 body: the write was stale; `current` is the coding as it is now (null if it no longer exists). */
export const ConflictBody = ErrorBody.extend({ current: CodingView.nullable() });
export type ConflictBody = z.infer<typeof ConflictBody>;

/**
 * POST /projects/{projectId}/bulk-accept: accept every undecided proposal whose calibrated confidence is at
 * least `minConfidence` (in one document, or the project's TAGGED documents), each as its own decision with
 * an audit event carrying the batch id. `dryRun` only counts them (and estimates the precision) first.
 */
export const BulkAcceptBody = z.strictObject({
  /** 0.5 .. 1 (lib/review/bulk.ts MIN_BULK_CONFIDENCE): less certain proposals are decided one by one. */
  minConfidence: z
    .number()
    .min(0.5, 'minConfidence must be at least 0.5: decide less certain proposals one by one')
    .max(1, 'minConfidence is a fraction: at most 1'),
  documentId: Id.optional(),
  /** The review queue's filters: only proposals of this code, category or respondent. */
  code: z.string().min(1).max(200).optional(),
  category: z.string().min(1).max(200).optional(),
  respondent: z.string().min(1).max(200).optional(),
  dryRun: z.boolean().default(false),
});
export type BulkAcceptBody = z.input<typeof BulkAcceptBody>;

export const BulkAcceptResult = z.object({
  /** Pass it to the undo route; null on a dry run. */
  batchId: z.string().nullable(),
  dryRun: z.boolean(),
  /** Proposals accepted (or, on a dry run, that would be). */
  count: z.number().int(),
  /** Mean confidence of those proposals: the share a reviewer is expected to agree with; null when there are none. */
  estimatedPrecision: z.number().nullable(),
  minConfidence: z.number(),
  /** Documents they are in. */
  documents: z.number().int(),
});
export type BulkAcceptResult = z.infer<typeof BulkAcceptResult>;

export const BulkUndoResultView = z.object({
  batchId: z.string(),
  /** Codings set back to proposed. */
  undone: z.number().int(),
  /** Codings of the batch that changed since (decided again, undone, re-tagged away): left as they are now. */
  changed: z.array(
    z.object({ codingId: z.string(), code: z.string(), documentId: z.string(), segmentIndex: z.number().int(), current: CodingView.nullable() }),
  ),
});
export type BulkUndoResultView = z.infer<typeof BulkUndoResultView>;

/** GET /projects/{projectId}/codings: coded segments. Give at least one of code, category, respondent, document (they combine). */
export const CodingsQuery = PageQuery.extend({
  code: z.string().min(1).max(200).optional(),
  category: z.string().min(1).max(200).optional(),
  respondent: z.string().min(1).max(200).optional(),
  document: Id.optional(),
  status: QueryStatus.default('accepted'),
});
export type CodingsQuery = z.infer<typeof CodingsQuery>;

export const AuditQueryParams = PageQuery.extend({ document: Id.optional(), coding: Id.optional() });
export type AuditQueryParams = z.infer<typeof AuditQueryParams>;

// ---------------------------------------------------------------------------------------------------
// Reports

export * from '../report/schemas.js';
export { ReportBundle, ReportKind, type ReportByKind } from '../report/registry.js';

// ---------------------------------------------------------------------------------------------------
// Exports

export * from '../export/schemas.js';
export * from '../import/schemas.js';
export { CodedSegment, CodingAnchor, CodingOrigin, CodingStatus, CodingView, Evidence, SegmentView, Span } from '../coding/views.js';

// ---------------------------------------------------------------------------------------------------
// Dead letters: pipeline messages the queues gave up on (lib/local/dead-letters.ts). Project owner only.

export const DeadLetterView = z.object({
  /** The message id: pass it to the retry route. */
  id: z.string(),
  queue: z.enum(['ingest', 'tag', 'export']),
  /** What failed: the uploaded file, the document being tagged, or the export job. */
  subject: z.string(),
  documentId: z.string().nullable(),
  /** The error of the last delivery. */
  reason: z.string(),
  failedAt: z.string(),
  /** Deliveries before it was given up, and times it went back on its queue since. */
  receiveCount: z.number().int(),
  redrives: z.number().int(),
  /** When the stack retries it by itself; null: only by hand (or at the next start). */
  nextRetryAt: z.string().nullable(),
});
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const DeadLetters = z.object({
  /**
   * `local`: the one-machine stack's list. `unavailable`: this deployment cannot list them per project (on AWS
   * failed messages wait in the SQS dead-letter queues, shared by every project: an operator redrives them; see `hint`).
   */
  source: z.enum(['local', 'unavailable']),
  items: z.array(DeadLetterView),
  hint: z.string().optional(),
});
export type DeadLetters = z.infer<typeof DeadLetters>;

/** Put these dead letters (ids from the list) back on their queues now; without `ids`, all of the project's. */
export const RetryDeadLettersBody = z.strictObject({ ids: z.array(z.string().min(1).max(100)).min(1).max(500).optional() });
export type RetryDeadLettersBody = z.infer<typeof RetryDeadLettersBody>;
export const RetryDeadLettersResult = z.object({ retried: z.number().int() });
export type RetryDeadLettersResult = z.infer<typeof RetryDeadLettersResult>;

// ---------------------------------------------------------------------------------------------------
// Route table

export const HealthResult = z.object({ ok: z.literal(true), version: z.string() });
export const MeResult = z.object({ userId: z.string() });

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  purpose: string;
  auth: boolean;
  query?: z.ZodType;
  body?: z.ZodType;
  /** JSON response schema; absent for file downloads. */
  response?: z.ZodType;
  /** File download: Content-Type + Content-Disposition attachment. */
  download?: boolean;
}

const DocumentsPage = page(DocumentSummary);
const QueuePage = page(QueueItem);
const CodingsPage = page(CodedSegment);
const AuditPage = page(AuditEventView);

/** Every route. Path parameters are `{name}`; all project routes check membership (403). */
export const routes = {
  health: { ...endpoints.health, purpose: 'Liveness; no auth', auth: false, response: HealthResult },
  me: { ...endpoints.me, purpose: 'Who the token belongs to', auth: true, response: MeResult },
  listProjects: { ...endpoints.listProjects, purpose: 'Projects the caller is a member of', auth: true, response: z.object({ items: z.array(ProjectView) }) },
  createProject: {
    ...endpoints.createProject,
    purpose: 'Create a project; the caller becomes its first member; 409 when the id is taken',
    auth: true,
    body: CreateProjectBody,
    response: ProjectView,
  },
  getProject: { ...endpoints.getProject, purpose: 'One project with counts', auth: true, response: ProjectDetail },
  addMember: {
    ...endpoints.addMember,
    purpose: 'Add a member to the project (members only)',
    auth: true,
    body: AddMemberBody,
    response: ProjectMembers,
  },
  uploadUrl: {
    ...endpoints.uploadUrl,
    purpose: 'Presigned PUT URL for uploads/<projectId>/<fileName>; the upload starts the pipeline',
    auth: true,
    body: UploadUrlBody,
    response: UploadUrl,
  },
  listDocuments: { ...endpoints.listDocuments, purpose: 'Documents with their pipeline state', auth: true, query: DocumentListQuery, response: DocumentsPage },
  getDocument: {
    ...endpoints.getDocument,
    purpose: 'A document with its segments in reading order and all their codings',
    auth: true,
    response: DocumentDetail,
  },
  documentStatus: { ...endpoints.documentStatus, purpose: 'Pipeline state of one document', auth: true, response: DocumentStatusView },
  deleteDocument: {
    ...endpoints.deleteDocument,
    purpose: 'Delete a TAGGED or FAILED document with its segments and codings (409 while it is processed); recorded in the audit trail',
    auth: true,
    response: DocumentDeletionResult,
  },
  reviewQueue: {
    ...endpoints.reviewQueue,
    purpose: 'Undecided proposals, filtered and ordered, paginated',
    auth: true,
    query: QueueQuery,
    response: QueuePage,
  },
  decide: {
    ...endpoints.decide,
    purpose:
      'Accept, reject, add, undo, or place / drop a detached coding; 409 with the current state when `version` is stale or the decision would change nothing',
    auth: true,
    body: DecisionBody,
    response: DecisionResultView,
  },
  bulkAccept: {
    ...endpoints.bulkAccept,
    purpose: 'Accept every undecided proposal at or above a confidence (dryRun: count them and estimate the precision first); one undo for the batch',
    auth: true,
    body: BulkAcceptBody,
    response: BulkAcceptResult,
  },
  undoBulkAccept: {
    ...endpoints.undoBulkAccept,
    purpose: 'Undo exactly the codings a bulk accept accepted that are still as it left them; the others are listed in `changed`; 409 when already undone',
    auth: true,
    response: BulkUndoResultView,
  },
  audit: {
    ...endpoints.audit,
    purpose: "Audit trail of decisions, oldest first (with `coding`: that coding's history across re-upload moves)",
    auth: true,
    query: AuditQueryParams,
    response: AuditPage,
  },
  codings: {
    ...endpoints.codings,
    purpose: 'Coded segments by code, category, respondent or document, with text, offsets and evidence',
    auth: true,
    query: CodingsQuery,
    response: CodingsPage,
  },
  getCodebook: { ...endpoints.getCodebook, purpose: 'The current codebook tree (404 when none)', auth: true, response: Codebook },
  codebookVersions: {
    ...endpoints.codebookVersions,
    purpose: 'Every codebook version, newest first',
    auth: true,
    response: z.object({ items: z.array(CodebookVersionView) }),
  },
  uploadCodebook: {
    ...endpoints.uploadCodebook,
    purpose: 'Store a new codebook version (YAML, CSV or .qdc text) and re-tag',
    auth: true,
    body: CodebookUploadBody,
    response: CodebookUploadResult,
  },
  retag: { ...endpoints.retag, purpose: 'Re-tag every document with the current codebook', auth: true, response: RetagResult },
  ruleSuggestions: {
    ...endpoints.ruleSuggestions,
    purpose: "Rule terms learnt per code from the project's reviewed codings, with their figures and example passages",
    auth: true,
    query: RuleSuggestionsQuery,
    response: RuleSuggestions,
  },
  applyRuleTerms: {
    ...endpoints.applyRuleTerms,
    purpose:
      "Append chosen terms to their codes' rules as a new codebook version and re-tag; 400 for a term that does not parse, 409 when baseVersion is stale",
    auth: true,
    body: ApplyRuleTermsBody,
    response: ApplyRuleTermsResult,
  },
  reports: { ...endpoints.reports, purpose: 'All reports at once', auth: true, query: ReportQuery, response: ReportBundle },
  report: {
    ...endpoints.report,
    purpose: `One report: ${reportKinds.join(' | ')}`,
    auth: true,
    query: ReportQuery,
  },
  reportTables: {
    ...endpoints.reportTables,
    purpose: 'Every report as the tables `qualtag report` prints (the web UI shows the reports it has no view of its own for)',
    auth: true,
    query: ReportQuery,
    response: z.object({ items: z.array(z.object({ kind: ReportKind, title: z.string(), tables: z.array(ReportTable) })) }),
  },
  createImport: {
    ...endpoints.createImport,
    purpose: 'Presigned PUT URL for a REFI-QDA project (.qdpx) to import; the upload starts nothing',
    auth: true,
    body: ImportUploadBody,
    response: ImportUpload,
  },
  startImport: {
    ...endpoints.startImport,
    purpose:
      'Reads the uploaded .qdpx (refused with the entry or element at fault), stores its codebook, uploads its sources to the pipeline; the report so far',
    auth: true,
    body: ImportUploadBody,
    response: ImportStarted,
  },
  applyImport: {
    ...endpoints.applyImport,
    purpose: 'Once the document is TAGGED: writes its imported codings as accepted human codings (409 while it is still in the pipeline)',
    auth: true,
    response: ImportedDocument,
  },
  documentNotes: {
    ...endpoints.documentNotes,
    purpose: 'Notes on the document and its codings that came with an imported REFI-QDA project',
    auth: true,
    response: z.object({ items: z.array(DocumentNote) }),
  },
  startExportJob: {
    ...endpoints.startExportJob,
    purpose: 'Starts an export job (any project size): answers at once with its id; poll GET .../export-jobs/{jobId}',
    auth: true,
    body: ExportJobBody,
    response: ExportJobView,
  },
  exportJob: {
    ...endpoints.exportJob,
    purpose: "An export job's progress, and a download URL once it is done",
    auth: true,
    response: ExportJobView,
  },
  deadLetters: {
    ...endpoints.deadLetters,
    purpose: "The project's pipeline messages that kept failing, with the reason and time of the last failure (project owner only)",
    auth: true,
    response: DeadLetters,
  },
  retryDeadLetters: {
    ...endpoints.retryDeadLetters,
    purpose: "Put the given dead letters (or all of the project's) back on their queues now, as `qualtag status --retry` does (project owner only)",
    auth: true,
    body: RetryDeadLettersBody,
    response: RetryDeadLettersResult,
  },
  exportFile: {
    ...endpoints.exportFile,
    purpose: 'Download qdpx | qdc | csv | xlsx',
    auth: true,
    query: ExportQuery,
  },
} as const satisfies { [N in RouteName]: RouteSpec };

export { endpoints, pathFor, type RouteName } from './endpoints.js';
