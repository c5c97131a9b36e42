// Starts DynamoDB Local (in memory) and s3rver once per test run on free ports, and provides their
// endpoints to every integration test file. Each file then creates its own table and bucket through
// helpers/services.ts, so files run in parallel without seeing each other's data.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, type RunningDynamoLocal } from '../../lib/local/dynamodb-local.js';
import { startS3Local, type RunningS3Local } from '../../lib/local/s3-local.js';
import { newLocalCredentials } from '../../lib/store/clients.js';

declare module 'vitest' {
  export interface ProvidedContext {
    qualtagServices: { dynamodbEndpoint: string; s3Endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  }
}

let ddb: RunningDynamoLocal | undefined;
let s3: RunningS3Local | undefined;
let s3Dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  s3Dir = await mkdtemp(path.join(tmpdir(), 'qualtag-it-s3-'));
  // The services accept only this run's random key pair, as in the real local stack.
  const credentials = newLocalCredentials();
  [ddb, s3] = await Promise.all([startDynamoLocal({ credentials }), startS3Local({ directory: s3Dir, credentials })]);
  const region = 'eu-west-1';
  // The key pair and the standard endpoint variables: handler code needs no test-only settings.
  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  });
  project.provide('qualtagServices', { dynamodbEndpoint: ddb.endpoint, s3Endpoint: s3.endpoint, region, ...credentials });
}

export async function teardown(): Promise<void> {
  await Promise.all([ddb?.stop(), s3?.stop()]);
  if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
}
