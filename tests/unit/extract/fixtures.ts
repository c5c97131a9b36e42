import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../helpers/shared.js';

export const fixtureDir = path.join(projectRoot, 'tests/fixtures/extract');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(fixtureDir, name)));
}

export const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
