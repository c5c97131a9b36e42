// Typed calls to the qualtag HTTP API. Types come from the contract (type-only import: zod is not
// bundled); the server validates every request against the same schemas.
import type {
  AuditEvent,
  CreateProjectBody,
  DocumentDeletionResult,
  ProjectMembers,
  ApplyRuleTermsBody,
  ApplyRuleTermsResult,
  BulkAcceptBody,
  BulkAcceptResult,
  BulkUndoResult,
  CodebookUploadBody,
  CodebookUploadResult,
  CodebookView,
  CodedSegment,
  Coding,
  DeadLetters,
  RetryDeadLettersResult,
  DecisionBody,
  DecisionResult,
  DocumentDetail,
  DocumentStatusView,
  DocumentSummary,
  ExportFormat,
  ExportJobView,
  Page,
  FrequencyReport,
  Project,
  ProjectDetail,
  QueueItem,
  QueryStatus,
  ReportBundle,
  ReportKind,
  ReportTable,
  RuleSuggestions,
  UploadUrl,
} from '../../lib/api/contract.js';
import { ApiError, download, queryString, request, setApiBase } from './http.js';

export type { DeadLetters, DeadLetterView } from '../../lib/api/contract.js';
export type { CodebookUploadResult, AuditEvent, CreateProjectBody, DocumentDeletionResult, ApplyRuleTermsResult, CodebookView, CodedSegment, Coding, DocumentDetail, DocumentSummary, FrequencyReport, Project, QueueItem, ReportBundle, RuleSuggestions };

export type ReportTablesResult = { items: Array<{ kind: ReportKind; title: string; tables: ReportTable[] }> };

const p = (projectId: string) => `/projects/${encodeURIComponent(projectId)}`;

export const api = {
  listProjects: () => request<{ items: Project[] }>('GET', '/projects'),
  getProject: (projectId: string) => request<ProjectDetail>('GET', p(projectId)),
  me: () => request<{ userId: string }>('GET', '/me'),
  createProject: (body: CreateProjectBody) => request<Project>('POST', '/projects', body),
  addMember: (projectId: string, userId: string) => request<ProjectMembers>('POST', `${p(projectId)}/members`, { userId }),
  deleteDocument: (projectId: string, documentId: string) =>
    request<DocumentDeletionResult>('POST', `${p(projectId)}/documents/${encodeURIComponent(documentId)}/delete`),
  /** The document's audit trail, oldest first. */
  documentAudit: (projectId: string, documentId: string, limit = 500) =>
    request<Page<AuditEvent>>('GET', `${p(projectId)}/audit${queryString({ document: documentId, limit })}`),
  uploadUrl: (projectId: string, fileName: string, contentType?: string) =>
    request<UploadUrl>('POST', `${p(projectId)}/uploads`, { fileName, contentType }),
  listDocuments: (projectId: string, cursor?: string, opts: { counts?: boolean } = {}) =>
    request<Page<DocumentSummary>>('GET', `${p(projectId)}/documents${queryString({ limit: 500, cursor, counts: opts.counts ? 'true' : undefined })}`),
  getDocument: (projectId: string, documentId: string) =>
    request<DocumentDetail>('GET', `${p(projectId)}/documents/${encodeURIComponent(documentId)}`),
  documentStatus: (projectId: string, documentId: string) =>
    request<DocumentStatusView>('GET', `${p(projectId)}/documents/${encodeURIComponent(documentId)}/status`),
  reviewQueue: (
    projectId: string,
    q: { code?: string; category?: string; document?: string; respondent?: string; order?: 'position' | 'score' | 'uncertain'; cursor?: string; limit?: number },
  ) => request<Page<QueueItem>>('GET', `${p(projectId)}/review-queue${queryString(q)}`),
  decide: (projectId: string, body: DecisionBody) => request<DecisionResult>('POST', `${p(projectId)}/decisions`, body),
  /** Accept every undecided proposal at or above a confidence (dryRun: only count them). */
  bulkAccept: (projectId: string, body: BulkAcceptBody) => request<BulkAcceptResult>('POST', `${p(projectId)}/bulk-accept`, body),
  undoBulkAccept: (projectId: string, batchId: string) => request<BulkUndoResult>('POST', `${p(projectId)}/bulk-accept/${encodeURIComponent(batchId)}/undo`),
  codings: (
    projectId: string,
    q: { code?: string; category?: string; respondent?: string; document?: string; status?: QueryStatus; cursor?: string; limit?: number },
  ) => request<Page<CodedSegment>>('GET', `${p(projectId)}/codings${queryString(q)}`),
  getCodebook: (projectId: string) => request<CodebookView>('GET', `${p(projectId)}/codebook`),
  uploadCodebook: (projectId: string, body: CodebookUploadBody) =>
    request<CodebookUploadResult>('POST', `${p(projectId)}/codebook`, body),
  reports: (projectId: string, q: { status?: QueryStatus; category?: string } = {}) =>
    request<ReportBundle>('GET', `${p(projectId)}/reports${queryString(q)}`),
  /** Every report as tables (the report view shows those it has no view of its own for). */
  reportTables: (projectId: string, q: { status?: QueryStatus } = {}) =>
    request<ReportTablesResult>('GET', `${p(projectId)}/report-tables${queryString(q)}`),
  /** Counts per code and category only (cheaper than every report). */
  frequency: (projectId: string, q: { status?: QueryStatus } = {}) =>
    request<FrequencyReport>('GET', `${p(projectId)}/reports/frequency${queryString(q)}`),
  /** Rule terms learnt from the project's reviewed codings. */
  ruleSuggestions: (projectId: string, q: { minSupport?: number; top?: number } = {}) =>
    request<RuleSuggestions>('GET', `${p(projectId)}/rule-suggestions${queryString(q)}`),
  /** Appends chosen terms to their codes' rules as a new codebook version (and re-tags). */
  applyRuleTerms: (projectId: string, body: ApplyRuleTermsBody) =>
    request<ApplyRuleTermsResult>('POST', `${p(projectId)}/rule-suggestions/apply`, body),
  exportFile: (projectId: string, format: ExportFormat, status?: QueryStatus) =>
    download(`${p(projectId)}/exports/${format}${queryString({ status })}`),
  startExportJob: (projectId: string, format: ExportFormat, status?: QueryStatus) =>
    request<ExportJobView>('POST', `${p(projectId)}/export-jobs`, { format, ...(status ? { status } : {}) }),
  /** The project's pipeline messages that kept failing (owner only). */
  deadLetters: (projectId: string) => request<DeadLetters>('GET', `${p(projectId)}/dead-letters`),
  /** Puts the given dead letters (all of the project's without ids) back on their queues. */
  retryDeadLetters: (projectId: string, ids?: string[]) => request<RetryDeadLettersResult>('POST', `${p(projectId)}/dead-letters/retry`, ids ? { ids } : {}),
  exportJob: (projectId: string, jobId: string) => request<ExportJobView>('GET', `${p(projectId)}/export-jobs/${encodeURIComponent(jobId)}`),
};

/** Finds where the API is mounted: `/api` (the local server) or the page origin (a gateway). */
export async function detectApiBase(): Promise<void> {
  for (const base of ['/api', '']) {
    try {
      const res = await fetch(`${base}/health`, { headers: { accept: 'application/json' } });
      const type = res.headers.get('content-type') ?? '';
      if (res.ok && type.includes('json')) {
        setApiBase(base);
        return;
      }
    } catch {
      /* try the next one */
    }
  }
}

/** The body of a 409: the coding as it is now (null when it no longer exists). */
export function conflictCurrent(e: ApiError): Coding | null | undefined {
  const b = e.body;
  if (typeof b === 'object' && b !== null && 'current' in b) return (b as { current: Coding | null }).current;
  return undefined;
}
