// The stack the UI tests drive: exactly what `qualtag up` runs (lib/cli/commands/up.ts) — the
// one-machine stack from startLocalStack (DynamoDB Local in memory, s3rver in a temp dir, the same
// ingest/tag handlers behind in-process queues) plus startHttpServer with the API and web/dist —
// without the example project, so the one project is the test's own and its member is the token's user.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_USER } from '../../lib/local/examples.js';
import { localToken, startHttpServer } from '../../lib/local/http.js';
import { startLocalStack, type LocalStackOptions } from '../../lib/local/stack.js';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DocumentSummary, UploadUrl } from '../../lib/api/contract.js';
import type { DynamoStore } from '../../lib/store/index.js';
import { distDir, ensureWebBuilt, openBrowser, requireChromium, until, type BrowserSession } from './ui-harness.js';

export interface UiStack {
  /** Where the UI is served (no token in it). */
  webUrl: string;
  /** Base of the API routes (`…/api`). */
  apiUrl: string;
  token: string;
  projectId: string;
  /** The API called from the test itself (to check what the UI did, and to act behind its back); a non-2xx answer throws. */
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  /** Uploads a text file to the project the way the CLI does: a presigned PUT; the S3 event starts the pipeline. */
  upload(fileName: string, text: string): Promise<void>;
  /** Waits until the project's document of that name is TAGGED and returns its id. */
  tagged(fileName: string): Promise<string>;
  stop(): Promise<void>;
  /** Token of a second local user, "newcomer", who is a member of no project (a new user's first visit). */
  newcomerToken: string;
  /** The stack's store, for writing what the UI must show that the pipeline does not make (yet). */
  store: DynamoStore;
}

export async function startUiStack(stackOptions: LocalStackOptions = {}): Promise<UiStack> {
  // Token and api.json live here, as under .qualtag/ for `qualtag up`; the data itself is throwaway.
  const stateDir = mkdtempSync(join(tmpdir(), 'qualtag-ui-'));
  const stack = await startLocalStack(stackOptions);
  try {
    const projectId = `ui-${randomBytes(3).toString('hex')}`;
    await stack.store.createProject({ id: projectId, name: 'UI test project', members: [LOCAL_USER], createdBy: LOCAL_USER });
    const token = await localToken(stateDir);
    const newcomerToken = randomBytes(32).toString('base64url');
    const http = await startHttpServer({
      port: 0,
      token,
      extraTokens: [{ token: newcomerToken, userId: 'newcomer' }],
      webDir: distDir,
      deps: {
        store: stack.store,
        blobs: stack.blobs,
        tagQueue: stack.tagQueue,
        exportQueue: stack.exportQueue,
        deadLetters: { list: () => stack.deadLetters(), retry: (m) => stack.retryDeadLetters(m) },
      },
      stateDir,
      s3Endpoint: stack.s3Endpoint,
    });
    const apiUrl = `${http.url}/api`;
    const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const P = `/projects/${projectId}`;
    return {
      webUrl: `${http.url}/`,
      apiUrl,
      token,
      newcomerToken,
      projectId,
      store: stack.store,
      api,
      async upload(fileName, text) {
        const up = await api<UploadUrl>('POST', `${P}/uploads`, { fileName, contentType: 'text/plain' });
        const res = await fetch(up.url, { method: 'PUT', headers: up.headers, body: text });
        expect(res.ok, `PUT ${fileName}`).toBe(true);
      },
      tagged: (fileName) =>
        until(`${fileName} to be TAGGED`, async () => {
          const docs = await api<{ items: DocumentSummary[] }>('GET', `${P}/documents`);
          return docs.items.find((d) => d.name === fileName && d.status === 'TAGGED')?.id;
        }),
      async stop() {
        await http.close();
        await stack.stop();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
    throw e;
  }
}

export interface UiRun {
  stack: UiStack;
  session: BrowserSession;
  page: Page;
}

/** What a UI test file starts in beforeAll: Chromium present, web/dist fresh, the stack, then a browser. */
export async function startUi(stackOptions: LocalStackOptions = {}): Promise<UiRun> {
  requireChromium();
  ensureWebBuilt();
  const stack = await startUiStack(stackOptions);
  try {
    const session = await openBrowser();
    return { stack, session, page: session.page };
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/** afterAll: closes what startUi opened (either may be missing when beforeAll failed). */
export async function stopUi(stack: UiStack | undefined, session: BrowserSession | undefined): Promise<void> {
  await session?.close();
  await stack?.stop();
}
