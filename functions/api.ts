// The api Lambda: API Gateway HTTP API (payload 2.0) event → the router in lib/api → structured result.
// The JWT authorizer (Cognito) has verified the token; lib/api takes the user from its `sub` claim.
import { Logger } from '@aws-lambda-powertools/logger';
import { createApi, jwtAuthenticator, type ApiEvent, type ApiResult } from '../lib/api/index.js';
import { envNames, settingsFromEnv } from '../lib/config.js';
import { loadCursorSecret } from '../lib/store/cursor-secret.js';
import { createAdapters } from '../lib/store/index.js';

const logger = new Logger({ serviceName: 'qualtag-api' });
const settings = settingsFromEnv();
const adapters = createAdapters(settings);
if (!adapters.tagQueue) throw new Error('the api function needs TAG_QUEUE_URL to request re-tags');
if (!adapters.exportQueue) throw new Error('the api function needs EXPORT_QUEUE_URL to start export jobs');
// Page cursors are signed with the deployment's secret, read once per cold start.
const cursorSecretArn = process.env[envNames.cursorSecretArn];
if (!cursorSecretArn) throw new Error(`the api function needs ${envNames.cursorSecretArn} to sign page cursors`);
await loadCursorSecret(cursorSecretArn);

const api = createApi(
  {
    store: adapters.store,
    blobs: adapters.blobs,
    tagQueue: adapters.tagQueue,
    exportQueue: adapters.exportQueue,
    version: process.env.QUALTAG_VERSION,
    learnFromDecisions: true,
  },
  jwtAuthenticator(),
  (msg, err) => (err instanceof Error ? logger.error(msg, err) : logger.error(msg, { error: String(err) })),
);

export const handler = async (event: ApiEvent): Promise<ApiResult> => api(event);
