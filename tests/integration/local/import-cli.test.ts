// `qualtag import` as a person runs it, against a whole local stack (DynamoDB Local, s3rver and its
// events, the in-process pipeline) and the local API: the report, the codings, a refused file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToken, startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';
import { startLocalStack, type LocalStack } from '../../../lib/local/stack.js';
import { projectCodings } from '../../../lib/review/reviewed-codings.js';
import { zipFixture } from '../../helpers/qdpx-fixture.js';
import { cliWorkspace } from '../helpers/cli.js';

const { dir, stateDir, qualtag } = cliWorkspace('qualtag-import-');
let stack: LocalStack;
let server: RunningHttpServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'qualtag-import-stack-'));
  stack = await startLocalStack({ dataDir });
  const token = await localToken(stateDir);
  server = await startHttpServer({ port: 0, token, stateDir, deps: { store: stack.store, blobs: stack.blobs, tagQueue: stack.tagQueue } });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('qualtag import', () => {
  it('imports a .qdpx into a new project and prints what came in and what was skipped', async () => {
    await writeFile(path.join(dir, 'Buurtonderzoek.qdpx'), zipFixture('selection-not-slicing'));
    const r = await qualtag('import', 'Buurtonderzoek.qdpx');
    expect(r.stderr).toContain('created project "buurtonderzoek"');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Imported Buurtonderzoek.qdpx into project buurtonderzoek:');
    expect(r.stdout).toContain('codings: 2 imported as accepted codings (2 read)');
    expect(r.stdout).toMatch(
      /Skipped \(1\):\n {2}source "Interview 1" \(6e5d4c3b-[0-9a-f-]+\), selection \d+\.\.\d+: the text at .* does not match the selection's name "de burgemeester"/,
    );
    const { codings } = await projectCodings(stack.store, 'buurtonderzoek');
    expect(codings.filter((c) => c.origin === 'human' && c.status === 'accepted').map((c) => c.decidedBy)).toEqual(['Anna', 'Anna']);
  }, 180_000);

  it('refuses an unsafe file with the reason and exit code 1', async () => {
    await writeFile(path.join(dir, 'evil.qdpx'), new TextEncoder().encode('PK\u0003\u0004 not really a zip'));
    const r = await qualtag('import', 'evil.qdpx', '--project', 'evil');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/evil\.qdpx: the zip archive is damaged|evil\.qdpx: not a zip/);
  }, 60_000);
});
