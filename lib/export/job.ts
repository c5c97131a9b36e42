// The export job: builds a large project's export file (lib/export/build.ts, the same bytes as the direct
// download) into the bucket under exports/, reporting progress on its job item, so the API answers at
// once and the CLI and UI poll and download when it is done. On AWS an SQS-driven Lambda runs it
// (functions/export.ts, through lib/pipeline/export-handler.ts); locally the stack's in-process queue runs
// the same handler.
import { EXPORT_PREFIX } from '../config.js';
import { QualtagError } from '../errors.js';
import type { BlobStore, ExportRequestMessage, Store } from '../coding/index.js';
import { buildExport } from './build.js';

export interface ExportJobDeps {
  store: Store;
  blobs: BlobStore;
}

export function exportKey(projectId: string, jobId: string, fileName: string): string {
  return `${EXPORT_PREFIX}${projectId}/${jobId}/${fileName}`;
}

/** Progress is written at most this often (one small update per interval, not per document). */
const PROGRESS_EVERY_MS = 500;

export async function runExportJob(deps: ExportJobDeps, req: ExportRequestMessage): Promise<void> {
  const { store, blobs } = deps;
  const job = await store.getExportJob(req.projectId, req.jobId);
  // Done already (a second delivery) or never created: nothing to do.
  if (!job || job.state === 'done' || job.state === 'failed') return;
  const project = await store.getProject(req.projectId);
  if (!project) {
    await store.updateExportJob(req.projectId, req.jobId, { state: 'failed', reason: `project "${req.projectId}" does not exist any more` });
    return;
  }
  await store.updateExportJob(req.projectId, req.jobId, { state: 'running', done: 0 });
  let last = 0;
  try {
    const file = await buildExport(
      deps,
      { project, format: job.format, status: job.status, userId: job.createdBy, at: new Date(job.createdAt) },
      async (done, total) => {
        if (done < total && Date.now() - last < PROGRESS_EVERY_MS) return;
        last = Date.now();
        await store.updateExportJob(req.projectId, req.jobId, { done, total });
      },
    );
    const key = exportKey(req.projectId, req.jobId, file.fileName);
    await blobs.putObject(key, file.bytes, file.contentType);
    const bytes = typeof file.bytes === 'string' ? Buffer.byteLength(file.bytes) : file.bytes.byteLength;
    await store.updateExportJob(req.projectId, req.jobId, { state: 'done', key, fileName: file.fileName, bytes });
  } catch (e) {
    // A refusal (no codebook for .qdc, ...) ends the job with its reason; anything else is retried by the queue.
    if (!(e instanceof QualtagError)) throw e;
    await store.updateExportJob(req.projectId, req.jobId, { state: 'failed', reason: `${e.message}. ${e.hint}` });
  }
}
