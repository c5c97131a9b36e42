import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_PROJECT, loadExampleProject } from '../../../lib/local/examples.js';
import { readDeadLetters, startLocalStack, type LocalStack } from '../../../lib/local/stack.js';
import { documentIdFor, uploadKey } from '../../../lib/coding/upload-key.js';
import { s3Client } from '../../../lib/store/clients.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { decide } from '../../../lib/review/decide.js';

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
    await decide(first.store, { ...decided, action: 'accept', expectedVersion: decided.version, userId: 'local' });
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

  it('dead-letters a message that keeps failing with its reason, then retries it by itself once the cause is gone', async () => {
    const dataDir = await tempDir();
    const stack = await startLocalStack({ dataDir, maxReceiveCount: 2, retryDelayMs: 10, redriveDelaysMs: [1500] });
    stacks.push(stack);
    // An upload whose claim fails (the database is "unavailable") until it is repaired.
    const original = stack.store.putClaim.bind(stack.store);
    let calls = 0;
    stack.store.putClaim = async (u, seen) => {
      calls++;
      if (u.fileName === 'poison.txt') throw new Error('database unavailable');
      return original(u, seen);
    };
    await s3Client(stack.clientOptions).send(
      new PutObjectCommand({ Bucket: stack.bucketName, Key: uploadKey('p-dlq', 'poison.txt'), Body: 'Interviewer: hallo' }),
    );
    await stack.idle();
    expect(calls).toBe(2);
    const dead = stack.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ queue: 'ingest', receiveCount: 2, redrives: 0 });
    expect(dead[0]!.error).toContain('database unavailable');
    expect(dead[0]!.nextRetryAt).toBeDefined();
    expect(dead[0]!.body).toContain('poison.txt');
    expect(readDeadLetters(dataDir)).toEqual(dead);

    stack.store.putClaim = original;
    const deadline = Date.now() + 60_000;
    while (stack.deadLetters().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await stack.idle();
    expect(stack.deadLetters()).toEqual([]);
    expect(readDeadLetters(dataDir)).toEqual([]);
    // The project does not exist: the document is FAILED with that reason, not lost.
    const doc = await stack.store.getDocument(documentIdFor('p-dlq', 'poison.txt'));
    expect(doc).toMatchObject({ status: 'FAILED' });
    expect(doc!.reason).toContain('does not exist');
    await stack.stop();
  });

  it('re-delivers at start an acknowledged upload whose event never reached ingest', async () => {
    const dataDir = await tempDir();
    const first = await startLocalStack({ dataDir, maxReceiveCount: 1, redriveDelaysMs: [] });
    stacks.push(first);
    await first.store.createProject({ id: 'p-lost', name: 'Lost', members: ['local'], createdBy: 'local' });
    // The event is "lost": its only delivery fails and the dead letter is dropped, as when node died.
    const original = first.store.putClaim.bind(first.store);
    first.store.putClaim = async () => {
      throw new Error('killed');
    };
    await s3Client(first.clientOptions).send(
      new PutObjectCommand({ Bucket: first.bucketName, Key: uploadKey('p-lost', 'lost.txt'), Body: 'Interviewer: Hoe gaat het?\nRespondent: Goed, dank je.' }),
    );
    await first.idle();
    first.store.putClaim = original;
    await first.stop();
    await rm(path.join(dataDir, 'dead-letters.jsonl'));

    const second = await startLocalStack({ dataDir });
    stacks.push(second);
    expect(second.recovery).toMatchObject({ objects: 1, redelivered: 1 });
    await second.idle();
    expect(await second.store.getDocument(documentIdFor('p-lost', 'lost.txt'))).toMatchObject({ status: 'TAGGED' });
    await second.stop();
  });
});
