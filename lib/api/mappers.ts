// Store records → the API's response shapes (lib/api/contract.ts). A coding, its segment and what it codes
// are shown as the exports show them: those mappers are lib/coding/views.ts's (re-exported here).
import type { AuditEventView, DocumentSummary, ExportJobView, ProjectView } from './contract.js';
import { codingId, type AuditEvent, type DocumentRecord, type ExportJob, type Project } from '../coding/index.js';

export { codedRange, segmentOfCoding, toCodedSegment, toCodingView, toSegmentView } from '../coding/views.js';

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
