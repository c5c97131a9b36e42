// ingest Lambda (SQS: S3 upload notifications). Thin: settings from the environment, logic in lib/pipeline.
import { Logger } from '@aws-lambda-powertools/logger';
import { settingsFromEnv } from '../lib/config.js';
import { createIngestHandler } from '../lib/pipeline/ingest-handler.js';
import { createAdapters } from '../lib/store/index.js';

const adapters = createAdapters(settingsFromEnv());
if (!adapters.tagQueue) throw new Error('ingest needs TAG_QUEUE_URL to hand documents over to tagging');

export const handler = createIngestHandler({
  store: adapters.store,
  blobs: adapters.blobs,
  tagQueue: adapters.tagQueue,
  log: new Logger({ serviceName: 'qualtag-ingest' }),
});
