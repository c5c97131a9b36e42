// The composition root of the adapters: builds them from runtime settings for the handlers, the local
// stack, the API and the tests, and gives the store the domain's rules it keeps (the report aggregates).
// The one store module that may import the domain (tests/unit/layering.test.ts).
import type { RuntimeSettings } from '../config.js';
import { dynamoClient, s3Client, sqsClient, type ClientOptions } from './clients.js';
import { DynamoStore } from './dynamo-store.js';
import type { BlobStore, ExportQueue, TagQueue } from '../coding/index.js';
import { aggregateRules } from '../report/aggregate-rules.js';
import { S3BlobStore } from './s3-blobs.js';
import { SqsExportQueue, SqsTagQueue } from './sqs-tag-queue.js';

export { DynamoStore } from './dynamo-store.js';
export { S3BlobStore } from './s3-blobs.js';

export interface Adapters {
  store: DynamoStore;
  blobs: BlobStore;
  /** Present when a tag queue URL is configured (AWS); locally the stack supplies its own queue. */
  tagQueue?: TagQueue;
  /** Present when an export queue URL is configured (AWS); locally the stack supplies its own queue. */
  exportQueue?: ExportQueue;
}

export function createAdapters(settings: RuntimeSettings, clients: ClientOptions = {}): Adapters {
  return {
    store: new DynamoStore(dynamoClient(clients), settings.tableName, aggregateRules),
    blobs: new S3BlobStore(s3Client(clients), settings.bucketName),
    ...(settings.tagQueueUrl ? { tagQueue: new SqsTagQueue(sqsClient(clients), settings.tagQueueUrl) } : {}),
    ...(settings.exportQueueUrl ? { exportQueue: new SqsExportQueue(sqsClient(clients), settings.exportQueueUrl) } : {}),
  };
}
