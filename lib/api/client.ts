// A small typed client of the HTTP API for the CLI, scripts and the benchmark. It finds the local API
// from `.qualtag/api.json` + `.qualtag/token` (written by `qualtag up`), or takes `--api URL --token T`.
import { QualtagError } from '../errors.js';
import { locateDataDir, notRunningHint } from '../local/locate.js';
import { readLocalConnection } from './connection.js';
import type {
  AuditEvent,
  CodebookUploadBody,
  CodebookUploadResult,
  CodebookView,
  CodedSegment,
  CodingsQuery,
  CreateProjectBody,
  DecisionBody,
  DecisionResult,
  DocumentDetail,
  DocumentSummary,
  ErrorBody,
  ExportFormat,
  ExportJobView,
  ImportedDocument,
  ImportStarted,
  ImportUpload,
  Page,
  Project,
  ProjectDetail,
  ProjectMembers,
  QueueItem,
  QueueQuery,
  QueryStatus,
  ReportBundle,
  ReportByKind,
  ReportKind,
} from './contract.js';

export interface Connection {
  /** Base URL of the API (e.g. http://127.0.0.1:8787/api or https://x.execute-api.../). */
  url: string;
  token: string;
}

/** `--api` + `--token` (or QUALTAG_API / QUALTAG_TOKEN), else the running local stack (`--data-dir`, QUALTAG_DATA_DIR, see lib/local/locate.ts). */
export async function resolveConnection(opts: { api?: string; token?: string; stateDir?: string }): Promise<Connection> {
  const api = opts.api ?? process.env.QUALTAG_API;
  const token = opts.token ?? process.env.QUALTAG_TOKEN;
  if (api) {
    if (!token) throw new QualtagError('BAD_REQUEST', `--api ${api} needs a token`, 'Pass --token (or set QUALTAG_TOKEN): a Cognito ID token on AWS, the .qualtag/token locally', '--token');
    return { url: api.replace(/\/$/, ''), token };
  }
  const located = locateDataDir(opts.stateDir);
  const stateDir = located.dataDir;
  const local = await readLocalConnection(stateDir);
  if (!local) throw new QualtagError('NOT_FOUND', `no running local qualtag stack found in ${stateDir}`, notRunningHint(located), stateDir);
  return { url: local.url, token: token ?? local.token };
}

/** An HTTP error of the API, with its `{ message, hint, where }` body (a 409 also carries `current`). */
export class ApiCallError extends QualtagError {
  constructor(
    readonly status: number,
    readonly body: ErrorBody & { current?: unknown },
  ) {
    const kind = status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : status === 409 ? 'CONFLICT' : 'BAD_REQUEST';
    super(kind, `${body.message} (HTTP ${status})`, body.hint ?? 'See the API contract in lib/api/contract.ts', body.where);
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export class ApiClient {
  constructor(readonly conn: Connection) {}

  private async request(method: string, p: string, opts: { query?: Query; body?: unknown } = {}): Promise<Response> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') qs.set(k, String(v));
    const url = `${this.conn.url}${p}${qs.size ? `?${qs}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.conn.token}`, accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
    } catch (e) {
      throw new QualtagError('NOT_FOUND', `cannot reach the API at ${this.conn.url} (${e instanceof Error ? e.message : String(e)})`, 'Is `npm start` still running? Otherwise check --data-dir / QUALTAG_DATA_DIR, or --api');
    }
    if (!res.ok) {
      let body: ErrorBody = { message: res.statusText || `HTTP ${res.status}` };
      try {
        body = (await res.json()) as ErrorBody;
      } catch {
        // not JSON: keep the status text
      }
      throw new ApiCallError(res.status, body);
    }
    return res;
  }

  private async json<T>(method: string, p: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
    return (await (await this.request(method, p, opts)).json()) as T;
  }

  private static p(projectId: string, rest = ''): string {
    return `/projects/${encodeURIComponent(projectId)}${rest}`;
  }

  listProjects(): Promise<{ items: Project[] }> {
    return this.json('GET', '/projects');
  }

  getProject(projectId: string): Promise<ProjectDetail> {
    return this.json('GET', ApiClient.p(projectId));
  }

  /** Creates a project with the caller as its first member; ApiCallError 409 when the id is taken. */
  createProject(body: CreateProjectBody): Promise<Project> {
    return this.json('POST', '/projects', { body });
  }

  /** Adds a member (the caller must be one). */
  addMember(projectId: string, userId: string): Promise<ProjectMembers> {
    return this.json('POST', ApiClient.p(projectId, '/members'), { body: { userId } });
  }

  /** The project named, or the only one the user has. */
  async chooseProject(projectId?: string): Promise<string> {
    if (projectId) return projectId;
    const { items } = await this.listProjects();
    if (items.length === 1) return items[0]!.id;
    const names = items.map((p) => p.id).join(', ') || 'none';
    throw new QualtagError('BAD_REQUEST', `choose a project (you have ${items.length}: ${names})`, 'Pass --project <id>', '--project');
  }

  listDocuments(projectId: string, query: Query = {}): Promise<Page<DocumentSummary>> {
    return this.json('GET', ApiClient.p(projectId, '/documents'), { query });
  }

  getDocument(projectId: string, documentId: string): Promise<DocumentDetail> {
    return this.json('GET', ApiClient.p(projectId, `/documents/${encodeURIComponent(documentId)}`));
  }

  reviewQueue(projectId: string, query: Partial<QueueQuery>): Promise<Page<QueueItem>> {
    return this.json('GET', ApiClient.p(projectId, '/review-queue'), { query: query as Query });
  }

  decide(projectId: string, body: DecisionBody): Promise<DecisionResult> {
    return this.json('POST', ApiClient.p(projectId, '/decisions'), { body });
  }

  audit(projectId: string, query: Query = {}): Promise<Page<AuditEvent>> {
    return this.json('GET', ApiClient.p(projectId, '/audit'), { query });
  }

  codings(projectId: string, query: Partial<CodingsQuery>): Promise<Page<CodedSegment>> {
    return this.json('GET', ApiClient.p(projectId, '/codings'), { query: query as Query });
  }

  codebook(projectId: string): Promise<CodebookView> {
    return this.json('GET', ApiClient.p(projectId, '/codebook'));
  }

  uploadCodebook(projectId: string, body: CodebookUploadBody): Promise<CodebookUploadResult> {
    return this.json('POST', ApiClient.p(projectId, '/codebook'), { body });
  }

  reports(projectId: string, query: Query = {}): Promise<ReportBundle> {
    return this.json('GET', ApiClient.p(projectId, '/reports'), { query });
  }

  report<K extends ReportKind>(projectId: string, kind: K, query: Query = {}): Promise<ReportByKind[K]> {
    return this.json('GET', ApiClient.p(projectId, `/reports/${kind}`), { query });
  }

  startExportJob(projectId: string, format: ExportFormat, status?: QueryStatus): Promise<ExportJobView> {
    return this.json('POST', ApiClient.p(projectId, '/export-jobs'), { body: { format, ...(status ? { status } : {}) } });
  }

  exportJob(projectId: string, jobId: string): Promise<ExportJobView> {
    return this.json('GET', ApiClient.p(projectId, `/export-jobs/${encodeURIComponent(jobId)}`));
  }

  /**
   * Runs an export job to the end: starts it, reports progress, and downloads the file from its
   * presigned URL (S3 locally and on AWS) once it is done.
   */
  async exportByJob(projectId: string, format: ExportFormat, status: QueryStatus | undefined, onProgress: (job: ExportJobView) => void, pollMs = 500): Promise<{ job: ExportJobView; bytes: Uint8Array }> {
    let job = await this.startExportJob(projectId, format, status);
    while (job.state === 'queued' || job.state === 'running') {
      onProgress(job);
      await new Promise((r) => setTimeout(r, pollMs));
      job = await this.exportJob(projectId, job.id);
    }
    if (job.state === 'failed' || !job.downloadUrl) throw new QualtagError('CONFLICT', `the export failed: ${job.reason ?? 'no file was written'}`, 'Fix what the reason says and export again');
    const res = await fetch(job.downloadUrl);
    if (!res.ok) throw new QualtagError('NOT_FOUND', `the export file could not be downloaded (HTTP ${res.status})`, 'Ask for the job again for a fresh link');
    return { job, bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  async exportFile(projectId: string, format: ExportFormat, query: Query = {}): Promise<Uint8Array> {
    const res = await this.request('GET', ApiClient.p(projectId, `/exports/${format}`), { query });
    return new Uint8Array(await res.arrayBuffer());
  }

  documentStatus(projectId: string, documentId: string): Promise<{ id: string; name: string; status: string; reason?: string | null; updatedAt: string }> {
    return this.json('GET', ApiClient.p(projectId, `/documents/${encodeURIComponent(documentId)}/status`));
  }

  /** A presigned PUT for a .qdpx to import (see contract.ts: createImport / startImport / applyImport). */
  createImport(projectId: string, fileName: string): Promise<ImportUpload> {
    return this.json('POST', ApiClient.p(projectId, '/imports'), { body: { fileName } });
  }

  startImport(projectId: string, importId: string, fileName: string): Promise<ImportStarted> {
    return this.json('POST', ApiClient.p(projectId, `/imports/${encodeURIComponent(importId)}`), { body: { fileName } });
  }

  applyImport(projectId: string, importId: string, documentId: string): Promise<ImportedDocument> {
    return this.json('POST', ApiClient.p(projectId, `/imports/${encodeURIComponent(importId)}/documents/${encodeURIComponent(documentId)}`));
  }
}
