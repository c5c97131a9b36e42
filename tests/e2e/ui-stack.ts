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
import { startLocalStack } from '../../lib/local/stack.js';
import { distDir } from './ui-harness.js';

export interface UiStack {
  /** Where the UI is served (no token in it). */
  webUrl: string;
  /** Base of the API routes (`…/api`). */
  apiUrl: string;
  token: string;
  projectId: string;
  stop(): Promise<void>;
}

export async function startUiStack(): Promise<UiStack> {
  // Token and api.json live here, as under .qualtag/ for `qualtag up`; the data itself is throwaway.
  const stateDir = mkdtempSync(join(tmpdir(), 'qualtag-ui-'));
  const stack = await startLocalStack();
  try {
    const projectId = `ui-${randomBytes(3).toString('hex')}`;
    await stack.store.createProject({ id: projectId, name: 'UI test project', members: [LOCAL_USER], createdBy: LOCAL_USER });
    const token = await localToken(stateDir);
    const http = await startHttpServer({
      port: 0,
      token,
      webDir: distDir,
      deps: { store: stack.store, blobs: stack.blobs, tagQueue: stack.tagQueue },
      stateDir,
    });
    return {
      webUrl: `${http.url}/`,
      apiUrl: `${http.url}/api`,
      token,
      projectId,
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
