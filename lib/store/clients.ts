// AWS SDK clients for the adapters. Endpoints come from the standard variables
// (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_SQS) or explicit options, so the
// same handler code talks to AWS or to DynamoDB Local + s3rver.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface ClientOptions {
  region?: string;
  dynamodbEndpoint?: string;
  s3Endpoint?: string;
  /** Extra DynamoDB client settings (tests inject middleware or retry settings). */
  dynamodb?: Partial<DynamoDBClientConfig>;
}

const region = (o: ClientOptions): string => o.region ?? process.env.AWS_REGION ?? 'eu-west-1';

/** The plain client (table administration); items go through dynamoClient. */
export function rawDynamoClient(o: ClientOptions = {}): DynamoDBClient {
  const endpoint = o.dynamodbEndpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  return new DynamoDBClient({ region: region(o), ...(endpoint ? { endpoint } : {}), maxAttempts: 6, ...o.dynamodb });
}

export function dynamoClient(o: ClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(rawDynamoClient(o), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function s3Client(o: ClientOptions = {}): S3Client {
  const endpoint = o.s3Endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  return new S3Client({
    region: region(o),
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
}

export function sqsClient(o: ClientOptions = {}): SQSClient {
  return new SQSClient({ region: region(o) });
}
