// Zips a folder of tests/fixtures/qdpx (project.qde + sources/) into a .qdpx, as a QDA tool would,
// with extra entries (PDF/DOCX made by the extract fixtures' writers) when a test needs them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { projectRoot } from './shared.js';

export const qdpxFixtureDir = path.join(projectRoot, 'tests/fixtures/qdpx');

function walk(dir: string, prefix: string, out: Record<string, Uint8Array>): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`, out);
    else out[`${prefix}${name}`] = new Uint8Array(readFileSync(full));
  }
}

export function zipFixture(name: string, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  walk(path.join(qdpxFixtureDir, name), '', files);
  return zipSync({ ...files, ...extra }, { level: 6 });
}
