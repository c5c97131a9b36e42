// Keeps web/dist (the review UI bundle) in step with web/src, so `npm ci && npm start` on a fresh clone
// serves the UI with nothing else to run. A content hash, not mtimes: a git checkout or clone gives every
// file a new mtime, and an edit that keeps the mtime order would otherwise go unnoticed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Written into web/dist after a build: the hash of the sources it was built from. */
export const STAMP_FILE = '.source-hash';

function sourceFiles(webRoot: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(path.join(webRoot, 'src'));
  for (const f of ['index.html', 'vite.config.ts']) if (existsSync(path.join(webRoot, f))) out.push(path.join(webRoot, f));
  return out;
}

/** Hash over the UI's source files (paths relative to web/, and contents). */
export function webSourceHash(webRoot: string): string {
  const h = createHash('sha256');
  for (const f of sourceFiles(webRoot)) {
    h.update(path.relative(webRoot, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

export type WebBuildState = { fresh: true } | { fresh: false; reason: 'missing' | 'stale'; hash: string };

/** Whether web/dist was built from the current sources. */
export function webBuildState(webRoot: string): WebBuildState {
  const dist = path.join(webRoot, 'dist');
  const hash = webSourceHash(webRoot);
  if (!existsSync(path.join(dist, 'index.html'))) return { fresh: false, reason: 'missing', hash };
  const stamp = path.join(dist, STAMP_FILE);
  const built = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  return built === hash ? { fresh: true } : { fresh: false, reason: 'stale', hash };
}

export function writeBuildStamp(webRoot: string, hash: string): void {
  writeFileSync(path.join(webRoot, 'dist', STAMP_FILE), `${hash}\n`);
}

/**
 * Builds web/dist with Vite when it is missing or older than its sources; `say` gets one line saying so.
 * Returns false (after saying why) when it cannot build, e.g. Vite is not installed (`npm ci --omit=dev`).
 */
export async function ensureWebUi(webRoot: string, say: (line: string) => void): Promise<boolean> {
  const state = webBuildState(webRoot);
  if (state.fresh) return true;
  const started = Date.now();
  const why = state.reason === 'missing' ? 'web/dist is missing' : 'web/src changed since web/dist was built';
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    say(`qualtag: ${why}, and Vite is not installed to build it: run \`npm ci\` (with dev dependencies), then \`npm start\` again`);
    return false;
  }
  await vite.build({ root: webRoot, configFile: path.join(webRoot, 'vite.config.ts'), logLevel: 'error' });
  writeBuildStamp(webRoot, state.hash);
  say(`qualtag: ${why}: built the review UI into web/dist (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return true;
}
