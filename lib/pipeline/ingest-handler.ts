import type { PipelineDeps } from './deps.js';
import { batchHandler, type SqsHandler } from './batch.js';
import { ingestObject } from './ingest.js';
import { objectsFromNotification } from './s3-notification.js';

/** Ingest queue: S3 notifications (test events skipped) → extract, segment, hand over to tagging. */
export function createIngestHandler(deps: PipelineDeps): SqsHandler {
  return batchHandler(async (record) => {
    for (const obj of objectsFromNotification(record.body)) await ingestObject(deps, obj);
  });
}
