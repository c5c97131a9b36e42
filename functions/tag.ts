// tag Lambda (SQS: one message per document to tag or re-tag). Thin: logic in lib/pipeline.
import { Logger } from '@aws-lambda-powertools/logger';
import { settingsFromEnv } from '../lib/config.js';
import { createTagHandler } from '../lib/pipeline/tag-handler.js';
import { createAdapters } from '../lib/store/index.js';

const adapters = createAdapters(settingsFromEnv());

export const handler = createTagHandler({
  store: adapters.store,
  blobs: adapters.blobs,
  log: new Logger({ serviceName: 'qualtag-tag' }),
});
