// The real local services for the UI tests: DynamoDB Local, s3rver (events → ingest queue → tag
// queue, the same handlers as the Lambdas), and the HTTP server with the API and web/dist. One
// project whose member is the token's user.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoLocal } from '../../lib/local/dynamodb-local.js';
import { startHttpServer } from '../../lib/local/http.js';
import { LocalQueue } from '../../lib/local/queue.js';
import { toS3Event } from '../../lib/local/s3-events.js';
import { startS3Local } from '../../lib/local/s3-local.js';
import { createIngestHandler, createTagHandler, type PipelineDeps } from '../../lib/pipeline/index.js';
import { ensureTable } from '../../lib/store/admin.js';
import { rawDynamoClient } from '../../lib/store/clients.js';
import { createAdapters, type TagQueue } from '../../lib/store/index.js';
import { distDir } from './ui-harness.js';

export interface UiStack {
  /** Where the UI is served (no token in it). */
  webUrl: string;
  /** Base of the API routes (`…/api`). */
  apiUrl: string;
  token: string;
  projectId: string;
  stop(): Promise<void>;
}

export async function startUiStack(): Promise<UiStack> {
  const dir = mkdtempSync(join(tmpdir(), 'qualtag-ui-'));
  const region = process.env.AWS_REGION ?? 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  const tableName = 'qualtag-ui';
  const bucketName = 'qualtag-ui';

  const dynamo = await startDynamoLocal();
  const s3 = await startS3Local({ directory: join(dir, 's3'), buckets: [bucketName] });
  const clients = { region, dynamodbEndpoint: dynamo.endpoint, s3Endpoint: s3.endpoint };
  await ensureTable(rawDynamoClient(clients), tableName);
  const { store, blobs } = createAdapters({ tableName, bucketName } as Parameters<typeof createAdapters>[0], clients);

  // Tag requests go through a local queue to the tag handler, uploads through another to ingest.
  let deps: PipelineDeps;
  const tagQ = new LocalQueue({ name: 'tag', handler: (e) => createTagHandler(deps)(e) });
  const tagQueue: TagQueue = { send: async (reqs) => tagQ.send(reqs.map((r) => JSON.stringify(r))) };
  deps = { store, blobs, tagQueue };
  const ingestQ = new LocalQueue({ name: 'ingest', handler: createIngestHandler(deps) });
  s3.onEvent((raw) => {
    const event = toS3Event(raw, { region });
    if (event) ingestQ.send([JSON.stringify(event)]);
  });

  const userId = 'local';
  const projectId = `ui-${randomBytes(3).toString('hex')}`;
  await store.createProject({ id: projectId, name: 'UI test project', members: [userId], createdBy: userId });

  const token = randomBytes(32).toString('base64url');
  const http = await startHttpServer({ port: 0, token, userId, webDir: distDir, deps: { store, blobs, tagQueue } });

  return {
    webUrl: `${http.url}/`,
    apiUrl: `${http.url}/api`,
    token,
    projectId,
    async stop() {
      await http.close();
      await ingestQ.stop();
      await tagQ.stop();
      await s3.stop();
      await dynamo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
