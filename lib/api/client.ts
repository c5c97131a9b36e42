// The typed API client (client-core.ts) over Node's fetch, for the CLI and scripts, on a Connection (the
// CLI resolves it: lib/cli/commands/api-options.ts, from `--api URL --token T` or the running local stack).
import { QualtagError } from '../errors.js';
import { createRouteClient, type RouteClient } from './client-core.js';
import type { ErrorBody, ExportFormat, ExportJobView, QueryStatus } from './contract.js';

export interface Connection {
  /** Base URL of the API (e.g. http://127.0.0.1:8787/api or https://x.execute-api.../). */
  url: string;
  token: string;
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

/** The typed client (client-core.ts) over this connection, with the CLI's composite calls. */
export interface ApiClient extends RouteClient {
  readonly conn: Connection;
  /** The project named, or the only one the user has. */
  chooseProject(projectId?: string): Promise<string>;
  /**
   * Runs an export job to the end: starts it, reports progress, and downloads the file from its
   * presigned URL (S3 locally and on AWS) once it is done.
   */
  exportByJob(
    projectId: string,
    format: ExportFormat,
    status: QueryStatus | undefined,
    onProgress: (job: ExportJobView) => void,
    pollMs?: number,
  ): Promise<{ job: ExportJobView; bytes: Uint8Array }>;
}

export function apiClient(conn: Connection): ApiClient {
  const api = createRouteClient(async (method, p, body) => {
    let res: Response;
    try {
      res = await fetch(`${conn.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${conn.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new QualtagError(
        'NOT_FOUND',
        `cannot reach the API at ${conn.url} (${e instanceof Error ? e.message : String(e)})`,
        'Is `npm start` still running? Otherwise check --data-dir / QUALTAG_DATA_DIR, or --api',
      );
    }
    if (!res.ok) {
      let errorBody: ErrorBody = { message: res.statusText || `HTTP ${res.status}` };
      try {
        errorBody = (await res.json()) as ErrorBody;
      } catch {
        // not JSON: keep the status text
      }
      throw new ApiCallError(res.status, errorBody);
    }
    return res;
  });
  return {
    ...api,
    conn,
    async chooseProject(projectId) {
      if (projectId) return projectId;
      const { items } = await api.listProjects({});
      if (items.length === 1) return items[0]!.id;
      const names = items.map((p) => p.id).join(', ') || 'none';
      throw new QualtagError('BAD_REQUEST', `choose a project (you have ${items.length}: ${names})`, 'Pass --project <id>', '--project');
    },
    async exportByJob(projectId, format, status, onProgress, pollMs = 500) {
      let job = await api.startExportJob({ projectId, body: { format, ...(status ? { status } : {}) } });
      while (job.state === 'queued' || job.state === 'running') {
        onProgress(job);
        await new Promise((r) => setTimeout(r, pollMs));
        job = await api.exportJob({ projectId, jobId: job.id });
      }
      if (job.state === 'failed' || !job.downloadUrl)
        throw new QualtagError('CONFLICT', `the export failed: ${job.reason ?? 'no file was written'}`, 'Fix what the reason says and export again');
      const res = await fetch(job.downloadUrl);
      if (!res.ok)
        throw new QualtagError('NOT_FOUND', `the export file could not be downloaded (HTTP ${res.status})`, 'Ask for the job again for a fresh link');
      return { job, bytes: new Uint8Array(await res.arrayBuffer()) };
    },
  };
}
