// export Lambda (SQS: one message per export job). Thin: logic in lib/export/job.ts (handler: lib/pipeline/export-handler.ts).
import { settingsFromEnv } from '../lib/config.js';
import { createExportHandler } from '../lib/pipeline/export-handler.js';
import { createAdapters } from '../lib/store/index.js';

const adapters = createAdapters(settingsFromEnv());

export const handler = createExportHandler({ store: adapters.store, blobs: adapters.blobs });
