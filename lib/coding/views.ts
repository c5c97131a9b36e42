// The coding model as the outside sees it: the wire shapes of a coding, its segment and what it codes
// (zod schemas, checked against the model where it has the type), and the mappers from stored records to
// them. The API contract (lib/api/contract.ts) re-exports the schemas and the exports (lib/export) write
// the same shapes, so both show a coding the same way.
import * as z from 'zod';
import type * as model from '../model.js';
import { type Coding, codingId } from './model.js';
import type * as coding from './model.js';
import type { SegmentRecord } from './records.js';

export const CodingStatus = z.enum(['proposed', 'accepted', 'rejected']) satisfies z.ZodType<model.CodingStatus>;
export type CodingStatus = model.CodingStatus;
export const CodingOrigin = z.enum(['rule', 'human']) satisfies z.ZodType<model.CodingOrigin>;
export type CodingOrigin = model.CodingOrigin;

export const Evidence = z.object({
  /** Offsets into the segment text. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  /** The rule that matched. */
  rule: z.string(),
  /** `context`: the match is in the interviewer's question before this answer (offsets point into that turn).
   * `classifier`: proposed by a classifier trained on the project's reviewed passages (offsets 0..0).
   * `learned`: a word that carried the learned ranker's proposal (a span of the segment).
   * `example`: the anchor example or accepted passage most like the segment (offsets 0..0; `rule` is `example: <text>`). */
  source: z.enum(['segment', 'context', 'classifier', 'learned', 'example']).optional(),
}) satisfies z.ZodType<model.Evidence>;
export type Evidence = model.Evidence;

/** A span inside a segment: offsets into the segment text, end excluded, start < end. */
export const Span = z
  .object({ start: z.number().int().min(0), end: z.number().int().min(1) })
  .refine((s) => s.start < s.end, { message: 'span.start must be smaller than span.end', path: ['end'] }) satisfies z.ZodType<coding.Span>;
export type Span = coding.Span;

export const CodingAnchor = z.object({
  state: z.enum(['moved', 'detached']),
  /** Segment position (0-based) and text it was on before the re-upload. */
  fromIndex: z.number().int(),
  fromText: z.string(),
  /** Document version whose segments moved it. */
  sourceVersion: z.string(),
  at: z.string(),
  /** Word similarity of the old and new passage when the text changed. */
  similarity: z.number().optional(),
  /** The coded part (span) that was not found again; the coding now covers the whole segment. */
  lostSpan: z.object({ start: z.number().int(), end: z.number().int(), text: z.string() }).optional(),
}) satisfies z.ZodType<coding.CodingAnchor>;
export type CodingAnchor = coding.CodingAnchor;

export const CodingView = z.object({
  id: z.string(),
  projectId: z.string(),
  documentId: z.string(),
  segmentId: z.string(),
  /** Position of the segment in the document (0-based). */
  segmentIndex: z.number().int().optional(),
  /** Respondent of the segment, when known. */
  respondent: z.string().nullable().optional(),
  /** Speaker and page of the segment, when known. */
  speaker: z.string().nullable().optional(),
  page: z.number().int().nullable().optional(),
  /** Code id, e.g. "voorwaarden/vertrouwen". */
  code: z.string(),
  categoryId: z.string(),
  origin: CodingOrigin,
  status: CodingStatus,
  /** Higher is stronger: a proposal's calibrated confidence (0..1) since the learned ranker, a rule score on
   * older proposals. 0 on a code a reviewer added or placed; a proposal a reviewer took over with `add` keeps
   * its score (its origin becomes `human`). */
  score: z.number(),
  /** Calibrated chance (0..1) that a reviewer accepts this proposal (estimated from the project's reviewed
   * decisions, or from cross-validation on the codebook and its examples); absent on human codings. */
  confidence: z.number().min(0).max(1).optional(),
  evidence: z.array(Evidence),
  /** Part of the segment that is coded (segment-relative); null: the whole segment. */
  span: Span.nullable(),
  codebookVersion: z.string().nullable(),
  /** Optimistic-locking version: send it back with a decision. */
  version: z.number().int(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
  /**
   * Present when a re-upload of the file moved the coding: `moved` (found its passage elsewhere or with
   * changed text; `fromText` is the old passage) or `detached` (its passage is no longer in the file: the
   * coding keeps the old text, is left out of reports and exports, and the researcher re-places or drops it).
   */
  anchor: CodingAnchor.optional(),
});
export type CodingView = z.infer<typeof CodingView>;

export const SegmentView = z.object({
  id: z.string(),
  documentId: z.string(),
  index: z.number().int(),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
  speaker: z.string().nullable(),
  respondent: z.string().nullable(),
  page: z.number().int().nullable(),
  startMs: z.number().nullable().optional(),
  endMs: z.number().nullable().optional(),
});
export type SegmentView = z.infer<typeof SegmentView>;

/** A coding with the text it codes, for queries and exports. */
export const CodedSegment = z.object({
  coding: CodingView,
  document: z.object({ id: z.string(), name: z.string() }),
  segment: SegmentView,
  /** Coded text: the span when the coding has one, else the whole segment. */
  text: z.string(),
  /** Document offsets (UTF-16) of the coded text. */
  start: z.number().int(),
  end: z.number().int(),
});
export type CodedSegment = z.infer<typeof CodedSegment>;

// ------------------------------------------------------------------------------------------- mappers

export function toCodingView(c: Coding): CodingView {
  return {
    id: codingId(c),
    projectId: c.projectId,
    documentId: c.documentId,
    segmentId: c.segmentId,
    segmentIndex: c.segmentIndex,
    respondent: c.respondent ?? null,
    speaker: c.speaker ?? null,
    page: c.page ?? null,
    code: c.code,
    categoryId: c.categoryId,
    origin: c.origin,
    status: c.status,
    score: c.score,
    ...(c.confidence !== undefined ? { confidence: c.confidence } : {}),
    evidence: c.evidence ?? [],
    span: c.span ?? null,
    codebookVersion: c.codebookVersion || null,
    version: c.version,
    decidedBy: c.decidedBy ?? null,
    decidedAt: c.decidedAt ?? null,
    createdAt: c.createdAt,
    ...(c.anchor ? { anchor: c.anchor } : {}),
  };
}

export function toSegmentView(s: SegmentRecord): SegmentView {
  return {
    id: s.id,
    documentId: s.documentId,
    index: s.index,
    start: s.start,
    end: s.end,
    text: s.text,
    speaker: s.speaker ?? null,
    respondent: s.respondent ?? null,
    page: s.page ?? null,
    ...(s.startMs !== undefined ? { startMs: s.startMs } : {}),
    ...(s.endMs !== undefined ? { endMs: s.endMs } : {}),
  };
}

/** The segment as far as the coding carries it (codings hold their segment's offsets and text). */
export function segmentOfCoding(c: Coding, segment?: SegmentRecord): SegmentView {
  if (segment) return toSegmentView(segment);
  return {
    id: c.segmentId,
    documentId: c.documentId,
    index: c.segmentIndex,
    start: c.segmentStart,
    end: c.segmentEnd,
    text: c.segmentText,
    speaker: c.speaker ?? null,
    respondent: c.respondent ?? null,
    page: c.page ?? null,
  };
}

/** Document offsets (UTF-16) and text of what a coding codes: its span, or the whole segment. */
export function codedRange(c: Coding): { start: number; end: number; text: string } {
  if (c.span) return { start: c.segmentStart + c.span.start, end: c.segmentStart + c.span.end, text: c.segmentText.slice(c.span.start, c.span.end) };
  return { start: c.segmentStart, end: c.segmentEnd, text: c.segmentText };
}

export function toCodedSegment(c: Coding, documentName: string, segment?: SegmentRecord): CodedSegment {
  return { coding: toCodingView(c), document: { id: c.documentId, name: documentName }, segment: segmentOfCoding(c, segment), ...codedRange(c) };
}
