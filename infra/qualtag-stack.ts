import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { tableDefinition } from '../lib/store/table.js';
import { Api } from './constructs/api.js';
import { Monitoring } from './constructs/monitoring.js';
import { Pipeline } from './constructs/pipeline.js';
import { Storage } from './constructs/storage.js';
import { Web } from './constructs/web.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface QualtagStackProps extends StackProps {
  /** dev, test, prod…: part of every resource name; `prod` keeps logs when the stack is deleted. */
  readonly stage: string;
  /** First user of the Cognito pool and recipient of alarm e-mails. */
  readonly adminEmail?: string;
  /** Where the Lambda handlers live (default: functions/ in this repository). */
  readonly handlersDir?: string;
  /** Vite's build of the review UI (default: web/dist). */
  readonly webDistDir?: string;
}

/**
 * qualtag on AWS. Data (key, buckets, table, user pool) is always retained when the stack is deleted;
 * logs are retained only for `prod`.
 */
export class QualtagStack extends Stack {
  readonly storage: Storage;
  readonly pipeline: Pipeline;
  readonly web: Web;
  readonly api: Api;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: QualtagStackProps) {
    super(scope, id, props);
    const prod = props.stage === 'prod';
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = prod ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH;
    const handlersDir = props.handlersDir ?? path.join(repoRoot, 'functions');

    this.storage = new Storage(this, 'Storage', { stage: props.stage, tableSchema: tableDefinition });
    this.pipeline = new Pipeline(this, 'Pipeline', { storage: this.storage, handlersDir, logRetention, removalPolicy });
    this.web = new Web(this, 'Web', {
      logBucket: this.storage.logBucket,
      distDir: props.webDistDir ?? path.join(repoRoot, 'web', 'dist'),
      removalPolicy,
    });
    this.api = new Api(this, 'Api', {
      stage: props.stage,
      storage: this.storage,
      pipeline: this.pipeline,
      handlersDir,
      webOrigin: this.web.origin,
      adminEmail: props.adminEmail,
      logRetention,
      removalPolicy,
    });

    // The UI uploads straight to S3 with the presigned PUT URLs the API hands out.
    this.storage.uploadBucket.addCorsRule({
      allowedMethods: [s3.HttpMethods.PUT],
      allowedOrigins: [this.web.origin],
      allowedHeaders: ['content-type', 'x-amz-*'],
      maxAge: 3600,
    });

    const authDomain = `https://${this.api.userPoolDomain.domainName}.auth.${this.region}.amazoncognito.com`;
    this.web.publish({
      apiUrl: this.api.url,
      region: this.region,
      userPoolId: this.api.userPool.userPoolId,
      userPoolClientId: this.api.userPoolClient.userPoolClientId,
      authDomain,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: props.stage,
      key: this.storage.messageKey,
      alarmEmail: props.adminEmail,
      deadLetterQueues: { ingest: this.pipeline.ingestDlq, tag: this.pipeline.tagDlq, export: this.pipeline.exportDlq },
      functions: { ingest: this.pipeline.ingestFunction, tag: this.pipeline.tagFunction, export: this.pipeline.exportFunction, api: this.api.apiFunction },
      apiStage: this.api.stage,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'qualtag --api <this URL>' });
    new CfnOutput(this, 'WebUrl', { value: this.web.origin, description: 'The review UI' });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'AuthDomain', { value: authDomain, description: 'Cognito hosted login' });
    new CfnOutput(this, 'UploadBucketName', { value: this.storage.uploadBucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
  }
}
