// The research corpus lives in ../shared beside the project; users who clone qualtag alone do not have it.
// Tests that use it call `describeShared(...)`, which skips with a message when it is absent.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of ../shared, or undefined when it is not beside the project. */
export const sharedDir: string | undefined = [process.env.QUALTAG_SHARED, path.resolve(root, '../shared')]
  .filter((p): p is string => Boolean(p))
  .find((p) => existsSync(path.join(p, 'corpus')));

export function sharedPath(...parts: string[]): string {
  if (!sharedDir) throw new Error('../shared is not available');
  return path.join(sharedDir, ...parts);
}

let warned = false;
/** describe() that runs only when ../shared/corpus exists, and says so once when it does not. */
export function describeShared(name: string, fn: () => void): void {
  if (!sharedDir && !warned) {
    warned = true;
    console.warn('[qualtag tests] ../shared/corpus not found: skipping the corpus tests (clone the shared material beside the project to run them)');
  }
  describe.skipIf(!sharedDir)(`${name} (../shared corpus)`, fn);
}

export const projectRoot = root;
