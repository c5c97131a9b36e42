// AWS SDK clients for the adapters. Endpoints come from the standard variables
// (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_SQS) or explicit options, so the
// same handler code talks to AWS or to DynamoDB Local + s3rver.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface ClientOptions {
  region?: string;
  /** Fixed credentials (the local stack's per-start key pair); default: the SDK's chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  dynamodbEndpoint?: string;
  s3Endpoint?: string;
  /** Extra DynamoDB client settings (retry settings). */
  dynamodb?: Partial<DynamoDBClientConfig>;
  /** Called once per client created: benchmarks count requests, tests inject throttling as middleware. */
  instrument?: (client: DynamoDBClient | S3Client | SQSClient) => void;
}

const region = (o: ClientOptions): string => o.region ?? process.env.AWS_REGION ?? 'eu-west-1';

/** The plain client (table administration); items go through dynamoClient. */
export function rawDynamoClient(o: ClientOptions = {}): DynamoDBClient {
  const endpoint = o.dynamodbEndpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const client = new DynamoDBClient({
    region: region(o),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 6,
    ...o.dynamodb,
  });
  o.instrument?.(client);
  return client;
}

export function dynamoClient(o: ClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(rawDynamoClient(o), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function s3Client(o: ClientOptions = {}): S3Client {
  const endpoint = o.s3Endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  const client = new S3Client({
    region: region(o),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          // s3rver stores aws-chunked framing inside streamed bodies unless checksums are only sent when required.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
  o.instrument?.(client);
  return client;
}

export function sqsClient(o: ClientOptions = {}): SQSClient {
  const client = new SQSClient({ region: region(o), ...(o.credentials ? { credentials: o.credentials } : {}) });
  o.instrument?.(client);
  return client;
}

/** A fresh random key pair: the local stack's services accept only the one made at their start. */
export function newLocalCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: `QTLOCAL${randomBytes(10).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
}
