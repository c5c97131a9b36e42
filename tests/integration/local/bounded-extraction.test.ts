// A flate bomb uploaded to the running local stack (DynamoDB Local + s3rver + the in-process queues + the
// HTTP API): its document ends FAILED with the reason, a small upload beside it is TAGGED, and /health
// keeps answering all the while, because extraction runs in worker processes, not on the server's loop.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localToken, startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';
import { startLocalStack, type LocalStack } from '../../../lib/local/stack.js';
import { documentIdFor, uploadKey } from '../../../lib/pipeline/index.js';
import { s3Client } from '../../../lib/store/clients.js';
import { makeFlateBomb } from '../../fixtures/extract/make-bomb.js';
import { exampleFile, exampleNames, exampleProject } from '../helpers/pipeline.js';

describe('a flate bomb in the local stack', () => {
  let stack: LocalStack | undefined;
  let server: RunningHttpServer | undefined;
  let dir = '';
  afterAll(async () => {
    await server?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ends FAILED with TOO_LARGE while another upload is TAGGED and /health answers', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'qualtag-bomb-'));
    stack = await startLocalStack({});
    server = await startHttpServer({
      port: 0,
      token: await localToken(dir),
      stateDir: dir,
      deps: { store: stack.store, blobs: stack.blobs, tagQueue: stack.tagQueue },
    });
    await exampleProject(stack.store, 'p-bomb');
    const s3 = s3Client(stack.clientOptions);
    const put = (name: string, body: Uint8Array) => s3.send(new PutObjectCommand({ Bucket: stack!.bucketName, Key: uploadKey('p-bomb', name), Body: body }));

    // A first upload warms the tagger (its first run loads a Dutch dictionary on this loop, once).
    await put('warm.txt', exampleFile(exampleNames[0]!));
    await stack.idle();
    expect((await stack.store.getDocument(documentIdFor('p-bomb', 'warm.txt')))?.status).toBe('TAGGED');

    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t = performance.now();
        const res = await fetch(`${server!.url}/health`);
        expect(res.status).toBe(200);
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    await put('bomb.pdf', makeFlateBomb());
    await put('small.txt', exampleFile(exampleNames[0]!));
    await stack.idle();
    polling = false;
    await poller;

    const bomb = await stack.store.getDocument(documentIdFor('p-bomb', 'bomb.pdf'));
    expect(bomb?.status).toBe('FAILED');
    expect(bomb?.reason).toMatch(/^bomb\.pdf: the PDF's compressed content expands to more than 256 MB/);
    expect((await stack.store.getDocument(documentIdFor('p-bomb', 'small.txt')))?.status).toBe('TAGGED');
    expect(stack.deadLetters()).toEqual([]);
    expect(latencies.length).toBeGreaterThan(3);
    // Each /health answered within a second (a bomb on the server's own loop held it for minutes).
    expect(Math.max(...latencies)).toBeLessThan(1000);
  }, 120_000);
});
