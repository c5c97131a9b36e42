// The CLI run as a person runs it (`node bin/qualtag.mjs ...`) in a temp folder whose .qualtag/ names the
// local API started beside it, so the commands find the API and its token as they do after `qualtag up`.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { localToken, startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';
import type { Adapters } from '../../../lib/store/index.js';
import { projectRoot } from '../../helpers/shared.js';

const run = promisify(execFile);

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface CliWorkspace {
  /** The working folder the commands run in. */
  dir: string;
  /** Its .qualtag/ (QUALTAG_STATE_DIR of every command). */
  stateDir: string;
  /** Runs one command; a non-zero exit is returned, not thrown. */
  qualtag(...args: string[]): Promise<CliResult>;
}

export function cliWorkspace(prefix: string): CliWorkspace {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const stateDir = path.join(dir, '.qualtag');
  return {
    dir,
    stateDir,
    async qualtag(...args) {
      try {
        const { stdout, stderr } = await run('node', [path.join(projectRoot, 'bin/qualtag.mjs'), ...args], {
          cwd: dir,
          env: { ...process.env, QUALTAG_STATE_DIR: stateDir },
        });
        return { stdout, stderr, code: 0 };
      } catch (e) {
        const err = e as CliResult;
        return { stdout: err.stdout, stderr: err.stderr, code: err.code };
      }
    },
  };
}

/** The local HTTP API over the adapters (tag requests go nowhere), with the token and api.json in stateDir. */
export async function startCliApi(adapters: Adapters, stateDir: string): Promise<{ server: RunningHttpServer; token: string }> {
  const token = await localToken(stateDir);
  const server = await startHttpServer({
    port: 0,
    token,
    stateDir,
    deps: { store: adapters.store, blobs: adapters.blobs, tagQueue: { send: async () => {} } },
  });
  return { server, token };
}
