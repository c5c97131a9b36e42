import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { keyAttributes, tableDefinition } from '../../lib/store/table.js';
import { props, resourceId, resources, synthTemplate } from './synth.js';

const { template } = synthTemplate();
const uploadBucket = resourceId(template, 'AWS::S3::Bucket', 'StorageUploadBucket');
const logBucket = resourceId(template, 'AWS::S3::Bucket', 'StorageLogBucket');
const dataKey = resourceId(template, 'AWS::KMS::Key', 'StorageDataKey');
const table = resourceId(template, 'AWS::DynamoDB::Table', 'StorageTable');

describe('upload bucket', () => {
  const p = props(template, uploadBucket);

  it('blocks every kind of public access', () => {
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('is encrypted with the customer-managed data key (SSE-KMS)', () => {
    expect(p.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [dataKey, 'Arn'] } },
        },
      ],
    });
  });

  it('is versioned and writes access logs to the log bucket', () => {
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logBucket }, LogFilePrefix: 's3/uploads/' });
  });

  it('aborts incomplete multipart uploads', () => {
    const rules = (p.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }));
  });

  it('denies every request that does not use TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: uploadBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('every bucket', () => {
  const policies = Object.values(resources(template, 'AWS::S3::BucketPolicy'));

  it.each(Object.keys(resources(template, 'AWS::S3::Bucket')))('%s blocks public access, is encrypted and TLS-only', (id) => {
    const p = props(template, id);
    expect(p.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    expect(p.BucketEncryption).toBeDefined();
    const policy = policies.find((pol) => JSON.stringify(pol.Properties?.Bucket) === JSON.stringify({ Ref: id }));
    expect(JSON.stringify(policy?.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('only the log bucket itself has no access log', () => {
    const withoutLogs = Object.keys(resources(template, 'AWS::S3::Bucket')).filter((id) => !props(template, id).LoggingConfiguration);
    expect(withoutLogs).toEqual([logBucket]);
  });
});

describe('KMS keys', () => {
  it('rotate yearly and are retained when the stack is deleted', () => {
    const keys = resources(template, 'AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(2);
    for (const key of Object.values(keys)) {
      expect(key.Properties?.EnableKeyRotation).toBe(true);
      expect((key as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    }
  });
});

describe('table', () => {
  const p = props(template, table);

  it('uses the key schema of lib/store/table.ts', () => {
    expect(p.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey.name, KeyType: 'RANGE' },
    ]);
    const defined = (p.AttributeDefinitions as Array<{ AttributeName: string; AttributeType: string }>).map((a): [string, string] => [
      a.AttributeName,
      a.AttributeType,
    ]);
    expect(new Map(defined)).toEqual(new Map(keyAttributes().map((a): [string, string] => [a.name, a.type])));
  });

  it('has every GSI of lib/store/table.ts with its keys and projection', () => {
    const gsis = p.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: unknown; Projection: unknown }>;
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(tableDefinition.globalSecondaryIndexes.map((g) => g.indexName).sort());
    for (const def of tableDefinition.globalSecondaryIndexes) {
      expect(gsis.find((g) => g.IndexName === def.indexName)).toEqual({
        IndexName: def.indexName,
        KeySchema: [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: def.projection },
      });
    }
  });

  it('has point-in-time recovery, KMS encryption with the data key and deletion protection', () => {
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [dataKey, 'Arn'] } });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(p.BillingMode).toBe(tableDefinition.billingMode);
  });
});
