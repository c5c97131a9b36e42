// Store records → the API's response shapes (lib/api/contract.ts; the model's `Coding` becomes the wire's `CodingView`).
import type { AuditEventView, CodingView, CodedSegment, DocumentSummary, ExportJobView, ProjectView, SegmentView } from './contract.js';
import { codingId, type AuditEvent, type Coding, type DocumentRecord, type ExportJob, type Project, type SegmentRecord } from '../coding/index.js';

export function toProjectView(p: Project, userId: string): ProjectView {
  return {
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    codebookVersion: p.currentCodebookVersion ?? null,
    ...(p.settings.unit ? { segmentUnit: p.settings.unit } : {}),
    role: p.createdBy === userId ? 'owner' : 'member',
  };
}

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

export function toDocumentSummary(d: DocumentRecord): DocumentSummary {
  return {
    id: d.id,
    projectId: d.projectId,
    name: d.fileName,
    format: d.format ?? null,
    status: d.status,
    reason: d.reason ?? null,
    respondent: d.respondents?.[0] ?? null,
    respondents: d.respondents ?? [],
    pages: d.pages ?? null,
    segmentCount: d.segmentCount ?? null,
    codebookVersion: d.codebookVersion ?? null,
    ...(d.languageWarning ? { languageWarning: d.languageWarning } : {}),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    ...(d.lastTagging ? { lastTagging: d.lastTagging } : {}),
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

export function toAuditEventView(e: AuditEvent): AuditEventView {
  return {
    id: e.id,
    projectId: e.projectId,
    documentId: e.documentId,
    segmentId: e.segmentId ?? `${e.documentId}#${e.segmentIndex}`,
    segmentIndex: e.segmentIndex,
    codingId: e.code ? codingId(e) : '',
    code: e.code,
    action: e.action,
    from: e.before?.status ?? null,
    to: e.after?.status ?? null,
    version: e.after?.version ?? null,
    by: e.userId,
    at: e.at,
    ...(e.note ? { note: e.note } : {}),
    ...(e.batchId ? { batchId: e.batchId } : {}),
  };
}

/** An export job as the API shows it; `downloadUrl` only once it is done (presigned by the handler). */
export function exportJobView(job: ExportJob, downloadUrl: string | null): ExportJobView {
  return {
    id: job.id,
    format: job.format,
    state: job.state,
    done: job.done,
    total: job.total,
    fileName: job.fileName ?? null,
    bytes: job.bytes ?? null,
    downloadUrl,
    reason: job.reason ?? null,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}
