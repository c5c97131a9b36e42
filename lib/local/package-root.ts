// The qualtag folder (package.json, examples/, web/) from any module: the CLI runs either as TypeScript
// from lib/ or bundled into dist/ (scripts/build.mjs), so paths relative to a module's own file differ.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function packageRoot(): string {
  if (found) return found;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'qualtag') return (found = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the qualtag folder above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
