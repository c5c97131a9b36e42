import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type TableSchema, toCdkTableSchema } from './table-schema.js';

export interface StorageProps {
  readonly stage: string;
  /** The single-table design owned by lib/store (keys and GSIs); the CDK table is built from it. */
  readonly tableSchema: TableSchema;
  /** Days to keep old versions of uploaded files after they are overwritten or deleted. */
  readonly noncurrentVersionDays?: number;
}

/**
 * Confidential interview data at rest: customer-managed KMS keys (rotated yearly) encrypt the upload
 * bucket, the table, the queues and the alarm topic. Buckets are private, TLS-only, versioned and access-logged.
 */
export class Storage extends Construct {
  readonly dataKey: kms.Key;
  readonly messageKey: kms.Key;
  readonly logBucket: s3.Bucket;
  readonly uploadBucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: `qualtag ${props.stage}: uploads, derived text and the table`,
      enableKeyRotation: true,
      alias: `alias/qualtag-${props.stage}-data`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A second key for queues and the alarm topic: S3 must be allowed to use the queue key for notifications
    // (a key policy naming the bucket), which would be a dependency cycle if the bucket used the same key.
    this.messageKey = new kms.Key(this, 'MessageKey', {
      description: `qualtag ${props.stage}: pipeline queues and the alarm topic`,
      enableKeyRotation: true,
      alias: `alias/qualtag-${props.stage}-messages`,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // S3 server access logs and CloudFront standard logs cannot be written to an SSE-KMS bucket, so the log
    // bucket uses SSE-S3. CloudFront standard logging still writes with ACLs, hence BUCKET_OWNER_PREFERRED.
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would log its own log deliveries in a loop.',
    });

    this.uploadBucket = new s3.Bucket(this, 'UploadBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/uploads/',
      lifecycleRules: [
        {
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const schema = toCdkTableSchema(props.tableSchema);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: schema.partitionKey,
      sortKey: schema.sortKey,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: schema.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of schema.globalSecondaryIndexes) this.table.addGlobalSecondaryIndex(gsi);
    this.indexNames = schema.globalSecondaryIndexes.map((g) => g.indexName);
  }
}
