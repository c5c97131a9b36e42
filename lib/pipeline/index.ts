export type { PipelineDeps, PipelineLog } from './deps.js';
export { ingestObject, type IngestOutcome } from './ingest.js';
export { tagDocument, type TagOutcome } from './tag.js';
export { requestRetag } from './retag.js';
export { reconcile } from './reconcile.js';
export { createIngestHandler, createTagHandler, parseTagMessage, type SqsHandler } from './sqs-handlers.js';
export { decodeS3Key, objectsFromNotification, type UploadedObjectRef } from './s3-notification.js';
export { documentIdFor, parseUploadKey, uploadKey, textKey, assertProjectId } from './upload-key.js';
