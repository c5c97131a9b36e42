import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_PROJECT, loadExampleProject } from '../../../lib/local/examples.js';
import { readDeadLetters, startLocalStack, type LocalStack } from '../../../lib/local/stack.js';
import { uploadKey } from '../../../lib/pipeline/index.js';
import { s3Client } from '../../../lib/store/clients.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// These tests start their own stacks (persisted in temp dirs), apart from the global test services.
describe('local stack (DynamoDB Local + s3rver + in-process queues)', () => {
  const dirs: string[] = [];
  const stacks: LocalStack[] = [];
  afterAll(async () => {
    await Promise.allSettled(stacks.map((s) => s.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  const tempDir = async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'qualtag-stack-'));
    dirs.push(d);
    return d;
  };

  it('loads the example project through s3rver events, and keeps everything across a stop and restart', async () => {
    const dataDir = await tempDir();
    const first = await startLocalStack({ dataDir });
    stacks.push(first);
    const files = await loadExampleProject(first);
    expect(files.length).toBeGreaterThanOrEqual(3);
    await first.idle();
    const docs = (await first.store.listDocuments(EXAMPLE_PROJECT)).items;
    expect(docs.map((d) => d.status)).toEqual(files.map(() => 'TAGGED'));
    const queue = await first.store.reviewQueue({ projectId: EXAMPLE_PROJECT, limit: 500 });
    expect(queue.items.length).toBeGreaterThan(5);
    const decided = queue.items[0]!;
    await first.store.decide({ ...decided, action: 'accept', expectedVersion: decided.version, userId: 'local' });
    const text = await first.blobs.getText(docs[0]!.textKey!);
    await first.stop();

    const second = await startLocalStack({ dataDir });
    stacks.push(second);
    expect((await second.store.listDocuments(EXAMPLE_PROJECT)).items).toEqual(docs);
    expect(await second.store.getCoding(decided)).toMatchObject({ status: 'accepted', version: decided.version + 1 });
    expect((await second.store.reviewQueue({ projectId: EXAMPLE_PROJECT, limit: 500 })).items).toHaveLength(queue.items.length - 1);
    expect(await second.blobs.getText(docs[0]!.textKey!)).toBe(text);
    expect(await loadExampleProject(second)).toEqual([]);
    await second.stop();
  });

  it('retries throttled DynamoDB batch writes and loses nothing', async () => {
    let refused = 0;
    const stack = await startLocalStack({
      clients: {
        dynamodb: { maxAttempts: 1 }, // no SDK retries: our own batch writer has to cope
        instrument: (client) => {
          if (!('middlewareStack' in client) || client.constructor.name !== 'DynamoDBClient') return;
          (client as DynamoDBClient).middlewareStack.add(
            (next, context) => async (args) => {
              if (context.commandName !== 'BatchWriteItemCommand') return next(args);
              refused++;
              // Every other call: throttled outright, or half of the items come back unprocessed.
              if (refused <= 6 && refused % 2 === 1) {
                throw new ProvisionedThroughputExceededException({ message: 'injected throttling', $metadata: {} });
              }
              if (refused <= 6) {
                const input = args.input as { RequestItems: Record<string, unknown[]> };
                const [table, reqs] = Object.entries(input.RequestItems)[0]!;
                const keep = reqs.slice(0, Math.ceil(reqs.length / 2));
                const out = await next({ ...args, input: { ...input, RequestItems: { [table]: keep } } });
                (out.output as { UnprocessedItems?: unknown }).UnprocessedItems = { [table]: reqs.slice(keep.length) };
                return out;
              }
              return next(args);
            },
            { step: 'initialize', name: 'injectThrottling' },
          );
        },
      },
    });
    stacks.push(stack);
    await loadExampleProject(stack);
    await stack.idle();
    expect(refused).toBeGreaterThan(6);
    const docs = (await stack.store.listDocuments(EXAMPLE_PROJECT)).items;
    for (const d of docs) {
      expect(d.status).toBe('TAGGED');
      const segs = await stack.store.listSegments(d.id, { limit: 500 });
      expect(segs.items.map((s) => s.index)).toEqual(Array.from({ length: d.segmentCount! }, (_, i) => i));
    }
    expect(stack.deadLetters()).toEqual([]);
    await stack.stop();
  });

  it('moves a message that keeps failing to the persisted dead-letter list after its retries', async () => {
    const dataDir = await tempDir();
    const stack = await startLocalStack({ dataDir, maxReceiveCount: 2, retryDelayMs: 10 });
    stacks.push(stack);
    // An upload for a project id S3 accepts but whose project row is unreadable: simulate with a broken store read.
    const original = stack.store.claimUpload.bind(stack.store);
    let calls = 0;
    stack.store.claimUpload = async (u) => {
      calls++;
      if (u.fileName === 'poison.txt') throw new Error('database unavailable');
      return original(u);
    };
    await s3Client(stack.clientOptions).send(new PutObjectCommand({ Bucket: stack.bucketName, Key: uploadKey('p-dlq', 'poison.txt'), Body: 'Interviewer: hallo' }));
    await stack.idle();
    expect(calls).toBe(2);
    const dead = stack.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ queue: 'ingest', receiveCount: 2 });
    expect(dead[0]!.body).toContain('poison.txt');
    await stack.stop();
    expect(readDeadLetters(dataDir)).toEqual(dead);
  });
});
