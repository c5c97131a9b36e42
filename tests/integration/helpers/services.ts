// Binds a test file to the DynamoDB Local + s3rver started by global-setup.ts: its own table and bucket
// (unique names), clients, and the store adapters on top of them.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ensureBucket, ensureTable } from '../../../lib/store/admin.js';
import { rawDynamoClient, s3Client, type ClientOptions } from '../../../lib/store/clients.js';
import { createAdapters, type Adapters } from '../../../lib/store/index.js';

export interface TestServices {
  tableName: string;
  bucketName: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  clientOptions: ClientOptions;
}

/** Sets the endpoint variables for code that builds its own clients (handlers), and returns the endpoints. */
export function testEndpoints(): { dynamodbEndpoint: string; s3Endpoint: string; region: string; accessKeyId: string; secretAccessKey: string } {
  const services = inject('qualtagServices');
  Object.assign(process.env, {
    AWS_REGION: services.region,
    AWS_ACCESS_KEY_ID: services.accessKeyId,
    AWS_SECRET_ACCESS_KEY: services.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: services.s3Endpoint,
  });
  return services;
}

/** A fresh table and bucket for one test file (call in beforeAll). Also sets TABLE_NAME / BUCKET_NAME. */
export async function freshServices(label = 'it'): Promise<TestServices> {
  const e = testEndpoints();
  const suffix = `${label
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 20)}-${randomBytes(4).toString('hex')}`;
  const tableName = `qualtag-${suffix}`;
  const bucketName = `qualtag-${suffix}`;
  const clientOptions: ClientOptions = { region: e.region, dynamodbEndpoint: e.dynamodbEndpoint, s3Endpoint: e.s3Endpoint };
  await Promise.all([ensureTable(rawDynamoClient(clientOptions), tableName), ensureBucket(s3Client(clientOptions), bucketName)]);
  process.env.TABLE_NAME = tableName;
  process.env.BUCKET_NAME = bucketName;
  return { tableName, bucketName, dynamodbEndpoint: e.dynamodbEndpoint, s3Endpoint: e.s3Endpoint, clientOptions };
}

/** A fresh table and bucket with the DynamoDB store and S3 blob store bound to them. */
export async function testStore(label = 'it', clients: Partial<ClientOptions> = {}): Promise<TestServices & Adapters> {
  const svc = await freshServices(label);
  const adapters = createAdapters({ tableName: svc.tableName, bucketName: svc.bucketName }, { ...svc.clientOptions, ...clients });
  return { ...svc, ...adapters };
}
