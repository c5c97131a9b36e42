// The dead-letter routes on the local server in front of a real local stack (DynamoDB Local + the local
// S3 behind their guards, in-process queues): a file whose ingest keeps failing is listed for its
// project's owner with the reason and time, hidden from other projects and refused to other members,
// and a retry by hand puts it back on its queue until the document is TAGGED.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetters, DocumentSummary, RetryDeadLettersResult, UploadUrl } from '../../../lib/api/contract.js';
import { startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';
import { startLocalStack, type LocalStack } from '../../../lib/local/stack.js';
import { documentIdFor } from '../../../lib/coding/upload-key.js';

const tokens = { ann: randomBytes(24).toString('hex'), bob: randomBytes(24).toString('hex'), eve: randomBytes(24).toString('hex') };
type User = keyof typeof tokens;

let stack: LocalStack;
let server: RunningHttpServer;

async function call<T>(user: User, method: 'GET' | 'POST', p: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${server.url}/api${p}`, {
    method,
    headers: { authorization: `Bearer ${tokens[user]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as T };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // Two deliveries, then the list; no automatic redrive within the test: only the retry route brings it back.
  stack = await startLocalStack({ maxReceiveCount: 2, retryDelayMs: 10, redriveDelaysMs: [] });
  await stack.store.createProject({ id: 'dl-ann', name: 'Ann', members: ['ann', 'bob'], createdBy: 'ann' });
  await stack.store.createProject({ id: 'dl-eve', name: 'Eve', members: ['eve'], createdBy: 'eve' });
  server = await startHttpServer({
    port: 0,
    token: tokens.ann,
    userId: 'ann',
    extraTokens: [
      { token: tokens.bob, userId: 'bob' },
      { token: tokens.eve, userId: 'eve' },
    ],
    deps: {
      store: stack.store,
      blobs: stack.blobs,
      tagQueue: stack.tagQueue,
      deadLetters: { list: () => stack.deadLetters(), retry: (m) => stack.retryDeadLetters(m) },
    },
  });
});

afterAll(async () => {
  await server?.close();
  await stack?.stop();
});

async function upload(user: User, projectId: string, fileName: string, text: string): Promise<void> {
  const up = await call<UploadUrl>(user, 'POST', `/projects/${projectId}/uploads`, { fileName, contentType: 'text/plain' });
  expect(up.status).toBe(200);
  const res = await fetch(up.json.url, { method: 'PUT', headers: up.json.headers, body: text });
  expect(res.status).toBe(200);
}

describe('dead letters over the API', () => {
  it('lists a failing ingest for the owner with reason and time, and the retry route brings it to TAGGED', async () => {
    // The database "fails" for this one file until it is repaired.
    const original = stack.store.putClaim.bind(stack.store);
    let broken = true;
    stack.store.putClaim = async (u, seen) => {
      if (broken && u.fileName === 'poison.txt') throw new Error('database unavailable (injected)');
      return original(u, seen);
    };
    await upload('ann', 'dl-ann', 'poison.txt', 'Interviewer: Hoe ging het?\nRespondent: Wij vertrouwen elkaar.\n');
    await upload('eve', 'dl-eve', 'other.txt', 'Interviewer: En hier?\nRespondent: Ook goed.\n');
    const before = Date.now();
    await stack.idle();

    const listed = await until('the dead letter', async () => {
      const r = await call<DeadLetters>('ann', 'GET', '/projects/dl-ann/dead-letters');
      return r.json.items.length ? r : undefined;
    });
    expect(listed.status).toBe(200);
    expect(listed.json.source).toBe('local');
    expect(listed.json.items).toEqual([
      {
        id: expect.any(String),
        queue: 'ingest',
        subject: 'poison.txt',
        documentId: documentIdFor('dl-ann', 'poison.txt'),
        reason: expect.stringContaining('database unavailable (injected)'),
        failedAt: expect.any(String),
        receiveCount: 2,
        redrives: 0,
        nextRetryAt: null,
      },
    ]);
    expect(Math.abs(Date.parse(listed.json.items[0]!.failedAt) - before)).toBeLessThan(60_000);

    // Not shown to another project's owner, refused to a member who is not the owner and to a non-member.
    expect((await call<DeadLetters>('eve', 'GET', '/projects/dl-eve/dead-letters')).json.items).toEqual([]);
    expect((await call('bob', 'GET', '/projects/dl-ann/dead-letters')).status).toBe(403);
    expect((await call('bob', 'POST', '/projects/dl-ann/dead-letters/retry', {})).status).toBe(403);
    expect((await call('eve', 'GET', '/projects/dl-ann/dead-letters')).status).toBe(403);
    // Eve's retry-all touches only her project's letters (none).
    expect((await call<RetryDeadLettersResult>('eve', 'POST', '/projects/dl-eve/dead-letters/retry', {})).json).toEqual({ retried: 0 });
    expect(stack.deadLetters()).toHaveLength(1);
    // Bad bodies are 400s that name the field.
    const bad = await call<{ where?: string }>('ann', 'POST', '/projects/dl-ann/dead-letters/retry', { ids: [] });
    expect(bad.status).toBe(400);
    expect(bad.json.where).toContain('ids');

    // Still broken: a retry fails again and the letter comes back, one redrive further.
    expect((await call<RetryDeadLettersResult>('ann', 'POST', '/projects/dl-ann/dead-letters/retry', { ids: [listed.json.items[0]!.id] })).json).toEqual({
      retried: 1,
    });
    const again = await until('the letter back in the list', async () => {
      await stack.idle();
      const r = await call<DeadLetters>('ann', 'GET', '/projects/dl-ann/dead-letters');
      return r.json.items.length ? r.json.items[0] : undefined;
    });
    expect(again).toMatchObject({ subject: 'poison.txt', redrives: 1 });

    // Repaired: retry all of the project's letters.
    broken = false;
    expect((await call<RetryDeadLettersResult>('ann', 'POST', '/projects/dl-ann/dead-letters/retry', {})).json).toEqual({ retried: 1 });
    await stack.idle();
    const doc = await until('poison.txt TAGGED', async () => {
      const r = await call<{ items: DocumentSummary[] }>('ann', 'GET', '/projects/dl-ann/documents');
      return r.json.items.find((d) => d.name === 'poison.txt' && d.status === 'TAGGED');
    });
    expect(doc.segmentCount).toBeGreaterThan(0);
    expect((await call<DeadLetters>('ann', 'GET', '/projects/dl-ann/dead-letters')).json.items).toEqual([]);
    expect(stack.deadLetters()).toEqual([]);
    stack.store.putClaim = original;
  });

  it('answers `unavailable` where the deployment keeps no list (AWS), and refuses a retry with the reason', async () => {
    const bare = await startHttpServer({
      port: 0,
      token: tokens.ann,
      userId: 'ann',
      deps: { store: stack.store, blobs: stack.blobs, tagQueue: stack.tagQueue },
    });
    try {
      const headers = { authorization: `Bearer ${tokens.ann}`, 'content-type': 'application/json' };
      const list = (await (await fetch(`${bare.url}/api/projects/dl-ann/dead-letters`, { headers })).json()) as DeadLetters;
      expect(list).toMatchObject({ source: 'unavailable', items: [], hint: expect.stringContaining('SQS') });
      const retry = await fetch(`${bare.url}/api/projects/dl-ann/dead-letters/retry`, { method: 'POST', headers, body: '{}' });
      expect(retry.status).toBe(400);
    } finally {
      await bare.close();
    }
  });
});
