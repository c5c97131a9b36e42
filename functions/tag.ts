// tag Lambda (SQS: one message per document to tag or re-tag). Thin: logic in lib/pipeline.
import { Logger } from '@aws-lambda-powertools/logger';
import { settingsFromEnv } from '../lib/config.js';
import { createTagHandler } from '../lib/pipeline/index.js';
import { createAdapters } from '../lib/store/index.js';

const logger = new Logger({ serviceName: 'qualtag-tag' });
const adapters = createAdapters(settingsFromEnv());

// Tagging never sends tag requests; the queue port is only there for the shared dependency shape.
const noQueue = { send: async () => {} };
export const handler = createTagHandler({ store: adapters.store, blobs: adapters.blobs, tagQueue: adapters.tagQueue ?? noQueue, log: {
  info: (m, e) => logger.info(m, e ?? {}),
  warn: (m, e) => logger.warn(m, e ?? {}),
  error: (m, e) => logger.error(m, e ?? {}),
} });
