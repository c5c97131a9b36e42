import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, s3Client } from '../../lib/store/clients.js';
import { freshServices, type TestServices } from './helpers/services.js';

describe('test services from global-setup', () => {
  let svc: TestServices;
  beforeAll(async () => {
    svc = await freshServices('services');
  });

  it('gives each file its own table on DynamoDB Local', async () => {
    const db = dynamoClient(svc.clientOptions);
    await db.send(new PutCommand({ TableName: svc.tableName, Item: { PK: 'x', SK: 'y', n: 1 } }));
    const got = await db.send(new GetCommand({ TableName: svc.tableName, Key: { PK: 'x', SK: 'y' } }));
    expect(got.Item?.n).toBe(1);
  });

  it('stores a streamed-size UTF-8 body in s3rver byte for byte', async () => {
    const s3 = s3Client(svc.clientOptions);
    const body = 'Héél goed — ideeën\n'.repeat(1000);
    await s3.send(new PutObjectCommand({ Bucket: svc.bucketName, Key: 'uploads/p/ä b+c.txt', Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: svc.bucketName, Key: 'uploads/p/ä b+c.txt' }));
    expect(await got.Body?.transformToString('utf8')).toBe(body);
  });
});
