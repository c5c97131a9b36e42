// Where the local API listens and its bearer token, both under the state folder (`.qualtag/`):
// `qualtag up` creates the token and startHttpServer writes api.json; the CLI reads both.
// Kept apart from the server so the CLI does not load the server's dependencies.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The local bearer token under `stateDir` (created on first use, readable only by its owner). */
export async function localToken(stateDir: string): Promise<string> {
  const file = path.join(stateDir, 'token');
  try {
    const t = (await readFile(file, 'utf8')).trim();
    if (t.length >= 32) return t;
  } catch {
    // first start
  }
  await mkdir(stateDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** What the CLI needs to reach the local API: the URL written by startHttpServer and the token. */
export async function readLocalConnection(stateDir: string): Promise<{ url: string; token: string } | null> {
  try {
    const { url } = JSON.parse(await readFile(path.join(stateDir, 'api.json'), 'utf8')) as { url?: unknown };
    const token = (await readFile(path.join(stateDir, 'token'), 'utf8')).trim();
    return typeof url === 'string' && token ? { url, token } : null;
  } catch {
    return null;
  }
}
