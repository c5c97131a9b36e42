// Runs a .qdpx import through the API handlers the way `qualtag import` does, with the pipeline driven
// by hand between the steps (ingest + tag of each uploaded source), against DynamoDB Local and s3rver.
import { strFromU8, unzipSync } from 'fflate';
import { createHandlers } from '../../../lib/api/handlers.js';
import type { ImportedDocument, ImportStarted } from '../../../lib/api/contract.js';
import type { ApiEvent, ApiResult } from '../../../lib/api/http.js';
import { s3Record } from '../../../lib/local/s3-events.js';
import { uploadKey } from '../../../lib/coding/upload-key.js';
import { drainTags, runIngest, type TestPipeline } from './pipeline.js';

export type Api = ReturnType<typeof createHandlers>;

export function importApi(p: TestPipeline, now = () => new Date('2026-01-02T03:04:05Z')): Api {
  return createHandlers({ store: p.svc.store, blobs: p.svc.blobs, tagQueue: p.queue, now, cacheTtlMs: 0 });
}

const ctx = <B>(userId: string, params: Record<string, string>, body?: B) => ({
  userId,
  params,
  query: undefined as never,
  body: body as never,
  event: {} as ApiEvent,
});

export interface ImportRun {
  started: ImportStarted;
  applied: ImportedDocument[];
}

/** createImport → PUT the bytes to the presigned URL → startImport → ingest + tag → applyImport per document. */
export async function runImport(p: TestPipeline, api: Api, projectId: string, bytes: Uint8Array, fileName: string, userId = 'tester'): Promise<ImportRun> {
  const up = (await api.createImport(ctx(userId, { projectId }, { fileName }))) as { importId: string; url: string; headers: Record<string, string> };
  const put = await fetch(up.url, { method: 'PUT', headers: up.headers, body: Buffer.from(bytes) });
  if (!put.ok) throw new Error(`PUT to the presigned URL failed: ${put.status}`);
  const started = (await api.startImport(ctx(userId, { projectId, importId: up.importId }, { fileName }))) as ImportStarted;
  const bodies = started.documents
    .filter((d) => !d.reused)
    .map((d) => JSON.stringify({ Records: [s3Record({ bucket: p.svc.bucketName, key: uploadKey(projectId, d.fileName), size: 1 })] }));
  if (bodies.length) await runIngest(p.deps, bodies);
  await drainTags(p.deps, p.queue);
  const applied: ImportedDocument[] = [];
  for (const d of started.documents)
    applied.push((await api.applyImport(ctx(userId, { projectId, importId: up.importId, documentId: d.documentId }))) as ImportedDocument);
  await drainTags(p.deps, p.queue);
  return { started, applied };
}

/** The project's .qdpx export: project.qde and the source texts. */
export async function exportQdpx(api: Api, projectId: string, userId = 'tester'): Promise<{ bytes: Uint8Array; qde: string; files: Record<string, string> }> {
  const res = (await api.exportFile({
    userId,
    params: { projectId, format: 'qdpx' },
    query: { status: 'accepted' } as never,
    body: undefined as never,
    event: {} as ApiEvent,
  })) as ApiResult;
  const bytes = new Uint8Array(Buffer.from(res.body as string, res.isBase64Encoded ? 'base64' : 'utf8'));
  const files = Object.fromEntries(Object.entries(unzipSync(bytes)).map(([k, v]) => [k, strFromU8(v)]));
  return { bytes, qde: files['project.qde']!, files };
}
