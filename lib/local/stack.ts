// The one-machine stack: DynamoDB Local + s3rver on 127.0.0.1, the table and bucket, and the same
// ingest/tag handler code as on AWS, driven by in-process queues with Lambda semantics.
// Persisted under `dataDir` (`.qualtag/` for `qualtag up`), or in memory / a temp dir when absent.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createIngestHandler, createTagHandler, type PipelineDeps, type PipelineLog } from '../pipeline/index.js';
import { ensureBucket, ensureTable } from '../store/admin.js';
import { newLocalCredentials, rawDynamoClient, s3Client, type ClientOptions } from '../store/clients.js';
import { createAdapters, type DynamoStore } from '../store/index.js';
import type { BlobStore, ExportQueue, TagQueue } from '../coding/index.js';
import { createExportHandler } from '../pipeline/export-handler.js';
import { recoverOnStart, type RecoveryReport } from './recover.js';
import { toS3Event } from './s3-events.js';
import { startDynamoLocal, type RunningDynamoLocal } from './dynamodb-local.js';
import { DeadLetterList } from './dead-letters.js';
import { LocalQueue, type DeadLetter } from './queue.js';
import { makePrivate, startS3Local, type RunningS3Local } from './s3-local.js';

export interface LocalStackOptions {
  /** Persist DynamoDB (dataDir/dynamodb), S3 (dataDir/s3) and the dead letters here; absent: throwaway. */
  dataDir?: string;
  dynamodbPort?: number;
  s3Port?: number;
  tableName?: string;
  bucketName?: string;
  /** Ingest/tag batches in flight at once (Lambda concurrency per function). */
  concurrency?: number;
  maxReceiveCount?: number;
  retryDelayMs?: number;
  /** Delays of the automatic dead-letter redrives (default 30 s, 2 min, 8 min). */
  redriveDelaysMs?: number[];
  /** Extra client settings for the handlers' adapters (request counting, injected faults). */
  clients?: Partial<ClientOptions>;
  log?: PipelineLog;
  /**
   * Called when DynamoDB Local dies under the running stack (e.g. kill -9 of the JVM). `qualtag up`
   * exits then: at the next start the recovery re-delivers whatever was not finished.
   */
  onFatal?: (why: string) => void;
  /** Counts handler invocations per function (benchmarks). */
  onInvoke?: (fn: 'ingest' | 'tag', batchSize: number) => void;
}

export interface LocalStackEndpoints {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  region: string;
  tableName: string;
  bucketName: string;
}

export interface LocalStack extends LocalStackEndpoints {
  store: DynamoStore;
  blobs: BlobStore;
  /** The tag hand-over the API's re-tag uses. */
  tagQueue: TagQueue;
  /** Where the API's export jobs go. */
  exportQueue: ExportQueue;
  clientOptions: ClientOptions;
  /** Resolves when both queues are empty. */
  idle(): Promise<void>;
  deadLetters(): DeadLetter[];
  /** Puts every dead letter (or those `match` accepts) back on its queue now; returns how many. */
  retryDeadLetters(match?: (d: DeadLetter) => boolean): number;
  /** The per-start key pair the local services accept (also in clientOptions). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Requests the guards refused, per service (side-door probes). */
  refused(): { s3: number; dynamodb: number };
  /** What the start found unfinished and handed to the queues again. */
  recovery: RecoveryReport;
  /** The DynamoDB Local JVM's process id. */
  jvmPid: number;
  stop(): Promise<void>;
}

export const DEFAULT_TABLE = 'qualtag';
export const DEFAULT_BUCKET = 'qualtag-uploads';

export { readDeadLetters } from './dead-letters.js';

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const region = process.env.AWS_REGION ?? 'eu-west-1';
  process.env.AWS_REGION ??= region;
  const tableName = opts.tableName ?? DEFAULT_TABLE;
  const bucketName = opts.bucketName ?? DEFAULT_BUCKET;
  const tempS3 = opts.dataDir ? undefined : await mkdtemp(path.join(tmpdir(), 'qualtag-s3-'));
  const s3Dir = opts.dataDir ? path.join(opts.dataDir, 's3') : tempS3!;

  // Files the stack writes (DynamoDB's, S3 objects, dead letters, stack.json) are the user's alone.
  process.umask(0o077);
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    await makePrivate(opts.dataDir);
  }
  // Only this process knows the key pair, so only it (and the CLI it tells through stack.json) gets in.
  const credentials = newLocalCredentials();
  let ddb: RunningDynamoLocal | undefined;
  let s3: RunningS3Local | undefined;
  try {
    [ddb, s3] = await Promise.all([
      startDynamoLocal({
        credentials,
        onUnexpectedExit: (why) => (opts.onFatal ? opts.onFatal(why) : opts.log?.error(why)),
        ...(opts.dataDir ? { dataDir: path.join(opts.dataDir, 'dynamodb') } : {}),
        ...(opts.dynamodbPort ? { port: opts.dynamodbPort } : {}),
      }),
      startS3Local({ credentials, directory: s3Dir, buckets: [bucketName], ...(opts.s3Port ? { port: opts.s3Port } : {}) }),
    ]);
  } catch (e) {
    await Promise.allSettled([ddb?.stop(), s3?.stop()]);
    throw e;
  }
  const base: ClientOptions = { region, dynamodbEndpoint: ddb.endpoint, s3Endpoint: s3.endpoint, credentials };
  await Promise.all([ensureTable(rawDynamoClient(base), tableName), ensureBucket(s3Client(base), bucketName)]);

  const clientOptions: ClientOptions = { ...base, ...opts.clients };
  const { store, blobs } = createAdapters({ tableName, bucketName }, clientOptions);
  // Late-bound: the queues are created below, the list redrives into them.
  const queues: Record<string, LocalQueue> = {};
  const dead = new DeadLetterList({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.redriveDelaysMs ? { delaysMs: opts.redriveDelaysMs } : {}),
    redrive: (d) => queues[d.queue]?.send([d.body]),
  });
  const onDeadLetter = (d: DeadLetter): void => {
    dead.add(d);
    opts.log?.error('message moved to the dead-letter list', { queue: d.queue, body: d.body, error: d.error });
  };
  const common = {
    concurrency: opts.concurrency ?? 2,
    maxReceiveCount: opts.maxReceiveCount ?? 3,
    retryDelayMs: opts.retryDelayMs ?? 250,
    onDeadLetter,
  };
  // Late-bound: the ingest handler hands over to the tag queue created next to it.
  let tagLocal: LocalQueue | undefined;
  const tagQueue: TagQueue = { send: async (reqs) => tagLocal!.send(reqs.map((r) => JSON.stringify(r))) };
  const deps: PipelineDeps = { store, blobs, tagQueue, ...(opts.log ? { log: opts.log } : {}) };
  tagLocal = new LocalQueue({ name: 'tag', handler: createTagHandler(deps), ...common, onInvoke: (n) => opts.onInvoke?.('tag', n) });
  const ingest = new LocalQueue({ name: 'ingest', handler: createIngestHandler(deps), ...common, onInvoke: (n) => opts.onInvoke?.('ingest', n) });
  queues.tag = tagLocal;
  queues.ingest = ingest;
  // Export jobs: the same handler as the export Lambda, one job at a time.
  const exportLocal = new LocalQueue({ name: 'export', handler: createExportHandler({ store, blobs }), ...common, batchSize: 1, concurrency: 1 });
  const exportQueue: ExportQueue = { send: async (r) => exportLocal.send([JSON.stringify(r)]) };

  // What S3 → SQS would do: one message per notification, test events and other prefixes filtered.
  s3.onEvent((raw) => {
    const event = toS3Event(raw, { region });
    if (event) ingest.send([JSON.stringify(event)]);
  });

  dead.resumePersisted();
  // Work the previous run left unfinished (queues live in memory): rebuild it from S3 and the documents.
  const recovery = await recoverOnStart({ store, s3: s3Client(base), bucket: bucketName, region, sendIngest: (b) => ingest.send(b), tagQueue });
  if (recovery.redelivered + recovery.resumedIngest + recovery.resumedTag + recovery.resumedRetag > 0)
    opts.log?.warn('resuming work an earlier run left unfinished', { ...recovery });

  let stopped = false;
  return {
    dynamodbEndpoint: ddb.endpoint,
    s3Endpoint: s3.endpoint,
    region,
    tableName,
    bucketName,
    store,
    blobs,
    tagQueue,
    exportQueue,
    clientOptions,
    async idle() {
      // Ingest feeds tag: wait until both are empty at the same time.
      for (;;) {
        await ingest.idle();
        await tagLocal!.idle();
        if (ingest.depth === 0 && tagLocal!.depth === 0) return;
      }
    },
    deadLetters: () => dead.list(),
    retryDeadLetters: (match) => dead.retry(match),
    credentials,
    refused: () => ({ s3: s3!.stats.refused, dynamodb: ddb!.stats.refused }),
    jvmPid: ddb.pid,
    recovery,
    async stop() {
      if (stopped) return;
      stopped = true;
      dead.stop();
      await ingest.stop();
      await tagLocal!.stop();
      await exportLocal.stop();
      await Promise.allSettled([s3!.stop(), ddb!.stop()]);
      if (tempS3) await rm(tempS3, { recursive: true, force: true });
    },
  };
}
