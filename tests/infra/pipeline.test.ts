import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EXPORT_PREFIX, IMPORT_PREFIX, TEXT_PREFIX, UPLOAD_PREFIX, envNames } from '../../lib/config.js';
import { tableDefinition } from '../../lib/store/table.js';
import { DEFAULT_LIMITS } from '../../lib/extract/limits.js';
import { INGEST_EXTRACT_WORKERS, MAX_RECEIVE_COUNT, VISIBILITY_FACTOR } from '../../infra/constructs/pipeline.js';
import { props, resourceId, resources, synthTemplate } from './synth.js';

const { template } = synthTemplate();
const fn = {
  ingest: resourceId(template, 'AWS::Lambda::Function', 'PipelineIngest'),
  tag: resourceId(template, 'AWS::Lambda::Function', 'PipelineTag'),
  api: resourceId(template, 'AWS::Lambda::Function', 'ApiHandler'),
  export: resourceId(template, 'AWS::Lambda::Function', 'PipelineExport'),
};
const queue = {
  ingest: resourceId(template, 'AWS::SQS::Queue', 'PipelineIngestQueue'),
  ingestDlq: resourceId(template, 'AWS::SQS::Queue', 'PipelineIngestDeadLetterQueue'),
  tag: resourceId(template, 'AWS::SQS::Queue', 'PipelineTagQueue'),
  tagDlq: resourceId(template, 'AWS::SQS::Queue', 'PipelineTagDeadLetterQueue'),
  export: resourceId(template, 'AWS::SQS::Queue', 'PipelineExportQueue'),
  exportDlq: resourceId(template, 'AWS::SQS::Queue', 'PipelineExportDeadLetterQueue'),
};
const uploadBucket = resourceId(template, 'AWS::S3::Bucket', 'StorageUploadBucket');
const table = resourceId(template, 'AWS::DynamoDB::Table', 'StorageTable');
const messageKey = resourceId(template, 'AWS::KMS::Key', 'StorageMessageKey');

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Every statement of the policies attached to the role of one of our functions. */
function statementsOf(functionId: string): Statement[] {
  const role = (props(template, functionId).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []);
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const objectArn = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [uploadBucket, 'Arn'] }, `/${prefix}*`]] });

const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

/** The resources a function may use `action` on, as synthesised. */
function resourcesFor(functionId: string, action: string): unknown[] {
  return statementsOf(functionId)
    .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
}

describe('queues', () => {
  it.each(Object.entries(queue))('%s queue is KMS-encrypted with the message key and TLS-only', (_name, id) => {
    expect(props(template, id).KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [messageKey, 'Arn'] });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it.each([
    ['ingest', queue.ingest, queue.ingestDlq],
    ['tag', queue.tag, queue.tagDlq],
    ['export', queue.export, queue.exportDlq],
  ])('the %s queue parks a message in its own DLQ after %s receives', (_name, id, dlq) => {
    expect(props(template, id).RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
  });

  it.each([
    ['ingest', queue.ingest, fn.ingest],
    ['tag', queue.tag, fn.tag],
    ['export', queue.export, fn.export],
  ])('the %s queue hides a message for at least 6x its consumer timeout', (_name, q, f) => {
    const visibility = props(template, q).VisibilityTimeout as number;
    const timeout = props(template, f).Timeout as number;
    expect(VISIBILITY_FACTOR).toBeGreaterThanOrEqual(6);
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });
});

describe('wiring', () => {
  it('S3 notifies the ingest queue of objects created under uploads/ only', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: uploadBucket },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: UPLOAD_PREFIX }] } },
            QueueArn: { 'Fn::GetAtt': [queue.ingest, 'Arn'] },
          },
        ],
      },
    });
  });

  it('only S3, from the upload bucket, may send to the ingest queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue.ingest }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [uploadBucket, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it.each([
    ['ingest', queue.ingest, fn.ingest],
    ['tag', queue.tag, fn.tag],
    ['export', queue.export, fn.export],
  ])('the %s queue feeds its function with partial batch responses and a maximum concurrency', (_name, q, f) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [q, 'Arn'] },
      FunctionName: { Ref: f },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: Match.anyValue() },
    });
  });

  it('tells each function where its table, bucket and tag queue are', () => {
    const envOf = (id: string) => (props(template, id).Environment as { Variables: Record<string, unknown> }).Variables;
    for (const id of Object.values(fn)) {
      expect(envOf(id)[envNames.table]).toEqual({ Ref: table });
      expect(envOf(id)[envNames.bucket]).toEqual({ Ref: uploadBucket });
    }
    expect(envOf(fn.ingest)[envNames.tagQueueUrl]).toEqual({ Ref: queue.tag });
    expect(envOf(fn.api)[envNames.tagQueueUrl]).toEqual({ Ref: queue.tag });
    expect(envOf(fn.tag)[envNames.tagQueueUrl]).toBeUndefined();
    expect(envOf(fn.api)[envNames.exportQueueUrl]).toEqual({ Ref: queue.export });
  });
});

describe('extraction limits on AWS', () => {
  it('the ingest function outlives a whole batch of files that each use the full extraction time', () => {
    const mapping = Object.values(resources(template, 'AWS::Lambda::EventSourceMapping')).find((m) =>
      JSON.stringify(m.Properties?.FunctionName).includes(fn.ingest),
    )!;
    const batchSize = mapping.Properties!.BatchSize as number;
    const timeout = props(template, fn.ingest).Timeout as number;
    // one worker: the files of a batch are extracted one after the other; a minute more for S3 and DynamoDB
    expect(timeout).toBeGreaterThanOrEqual((batchSize * DEFAULT_LIMITS.timeoutMs) / 1000 + 60);
    expect(timeout).toBeLessThanOrEqual(900);
  });

  it('the ingest function has memory for its workers at their limit beside the handler', () => {
    const env = (props(template, fn.ingest).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.QUALTAG_EXTRACT_WORKERS).toBe(String(INGEST_EXTRACT_WORKERS));
    expect(props(template, fn.ingest).MemorySize as number).toBeGreaterThanOrEqual(INGEST_EXTRACT_WORKERS * DEFAULT_LIMITS.maxMemoryMb + 384);
  });
});

describe('least privilege per function', () => {
  it('ingest reads uploads/, writes only text/, and sends to the tag queue', () => {
    expect(resourcesFor(fn.ingest, 's3:GetObject')).toEqual([objectArn(UPLOAD_PREFIX)]);
    expect(resourcesFor(fn.ingest, 's3:PutObject')).toEqual([objectArn(TEXT_PREFIX)]);
    expect(resourcesFor(fn.ingest, 'sqs:SendMessage')).toEqual([{ 'Fn::GetAtt': [queue.tag, 'Arn'] }]);
  });

  it('tag reads text/ only, writes no objects and sends no messages', () => {
    expect(resourcesFor(fn.tag, 's3:GetObject')).toEqual([objectArn(TEXT_PREFIX)]);
    expect(resourcesFor(fn.tag, 's3:PutObject')).toEqual([]);
    expect(resourcesFor(fn.tag, 'sqs:SendMessage')).toEqual([]);
  });

  it('api may presign PUTs for uploads/ and imports/ (a .qdpx to import, its plan and kept GUIDs) only, and sends to the tag and export queues', () => {
    expect(sorted(resourcesFor(fn.api, 's3:PutObject'))).toEqual(sorted([objectArn(UPLOAD_PREFIX), objectArn(IMPORT_PREFIX)]));
    expect(resourcesFor(fn.api, 's3:PutObject')).not.toContainEqual(objectArn(EXPORT_PREFIX));
    expect(resourcesFor(fn.api, 's3:GetObject')).toContainEqual(objectArn(EXPORT_PREFIX));
    expect(sorted(resourcesFor(fn.api, 'sqs:SendMessage'))).toEqual(sorted([{ 'Fn::GetAtt': [queue.tag, 'Arn'] }, { 'Fn::GetAtt': [queue.export, 'Arn'] }]));
  });

  it('export reads text/ and imports/, writes only exports/, and sends no messages', () => {
    expect(sorted(resourcesFor(fn.export, 's3:GetObject'))).toEqual(sorted([objectArn(TEXT_PREFIX), objectArn(IMPORT_PREFIX)]));
    expect(resourcesFor(fn.export, 's3:PutObject')).toEqual([objectArn(EXPORT_PREFIX)]);
    expect(resourcesFor(fn.export, 'sqs:SendMessage')).toEqual([]);
  });

  it.each(Object.entries(fn))('%s reads and writes the table and each of its indexes by name, never Scan', (_name, id) => {
    const indexArns = tableDefinition.globalSecondaryIndexes.map((g) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, `/index/${g.indexName}`]],
    }));
    for (const action of ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      expect(sorted(resourcesFor(id, action))).toEqual(sorted([{ 'Fn::GetAtt': [table, 'Arn'] }, ...indexArns]));
    }
    expect(resourcesFor(id, 'dynamodb:Scan')).toEqual([]);
  });

  it.each(Object.entries(fn))('%s has no wildcard action and Resource "*" only for X-Ray', (_name, id) => {
    const statements = statementsOf(id);
    expect(statements.length).toBeGreaterThan(3);
    for (const s of statements) {
      for (const a of actionsOf(s)) expect(a).not.toMatch(/\*/);
      if (s.Resource === '*') expect(actionsOf(s).every((a) => a.startsWith('xray:'))).toBe(true);
    }
  });

  it('no role of ours carries an AWS managed policy', () => {
    for (const id of Object.values(fn)) {
      const role = (props(template, id).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(props(template, role).ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('function defaults', () => {
  it.each(Object.entries(fn))('%s runs Node.js 22 with X-Ray tracing and JSON logs in its own log group with retention', (_name, id) => {
    const p = props(template, id);
    expect(p.Runtime).toBe('nodejs22.x');
    expect(p.Architectures).toEqual(['x86_64']);
    expect(p.TracingConfig).toEqual({ Mode: 'Active' });
    const logging = p.LoggingConfig as { LogFormat: string; LogGroup: { Ref: string } };
    expect(logging.LogFormat).toBe('JSON');
    expect(props(template, logging.LogGroup.Ref).RetentionInDays).toBeGreaterThan(0);
  });

  it('every log group has a retention', () => {
    for (const lg of Object.values(resources(template, 'AWS::Logs::LogGroup'))) {
      expect(lg.Properties?.RetentionInDays).toBeGreaterThan(0);
    }
  });
});
