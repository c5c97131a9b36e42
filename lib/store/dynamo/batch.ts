// BatchWriteItem in chunks of 25; UnprocessedItems and throttling errors are retried with backoff.
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffMs, isRetryable, MAX_ATTEMPTS, sleep } from './retry.js';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

export const put = (Item: Record<string, unknown>): WriteRequest => ({ PutRequest: { Item } });
export const del = (Key: Record<string, unknown>): WriteRequest => ({ DeleteRequest: { Key } });

const CHUNK = 25;
/** Chunks in flight at once: enough to hide latency, few enough not to provoke throttling. */
const PARALLEL = 4;

export async function batchWriteAll(db: DynamoDBDocumentClient, table: string, requests: WriteRequest[]): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += CHUNK) chunks.push(requests.slice(i, i + CHUNK));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) await writeChunk(db, table, chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, chunks.length) }, worker));
}

async function writeChunk(db: DynamoDBDocumentClient, table: string, chunk: WriteRequest[]): Promise<void> {
  let pending = chunk;
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      const left = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      if (left.length === 0) return;
      pending = left;
    } catch (e) {
      if (!isRetryable(e)) throw e;
    }
    if (attempt + 1 >= MAX_ATTEMPTS) {
      throw new Error(`DynamoDB kept refusing ${pending.length} writes after ${MAX_ATTEMPTS} attempts (throttled)`);
    }
    await sleep(backoffMs(attempt));
  }
}

/** BatchGetItem over any number of keys (100 per call, a few calls in flight); unprocessed keys retried with backoff. */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  table: string,
  keys: Array<Record<string, unknown>>,
  opts: { consistent?: boolean; projection?: string; names?: Record<string, string> } = {},
): Promise<Array<Record<string, unknown>>> {
  const chunks: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const out: Array<Record<string, unknown>> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      let pending = chunks[next++]!;
      for (let attempt = 0; pending.length > 0; attempt++) {
        const res = await db.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: {
                Keys: pending,
                ...(opts.consistent ? { ConsistentRead: true } : {}),
                ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
                ...(opts.names ? { ExpressionAttributeNames: opts.names } : {}),
              },
            },
          }),
        );
        out.push(...(res.Responses?.[table] ?? []));
        pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Array<Record<string, unknown>>;
        if (pending.length && attempt + 1 >= MAX_ATTEMPTS)
          throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${MAX_ATTEMPTS} attempts`);
        if (pending.length) await sleep(backoffMs(attempt));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, chunks.length) }, worker));
  return out;
}
