// `qualtag rules learn --project`: the decisions of a project, read through the local API (real DynamoDB
// Local + s3rver), run as a person runs it: `node bin/qualtag.mjs ...`, finding the API through .qualtag/.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToken, startHttpServer, type RunningHttpServer } from '../../lib/local/http.js';
import { createAdapters, type Adapters } from '../../lib/store/index.js';
import type { Coding } from '../../lib/store/ports.js';
import { projectRoot } from '../helpers/shared.js';
import { seedProject } from './helpers/api-seed.js';
import { freshServices } from './helpers/services.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-learn-it-'));
const stateDir = path.join(dir, '.qualtag');
let server: RunningHttpServer;
let adapters: Adapters;

async function qualtag(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('node', [path.join(projectRoot, 'bin/qualtag.mjs'), ...args], { cwd: dir, env: { ...process.env, QUALTAG_STATE_DIR: stateDir } });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

// "wijkagent" goes with accepted vertrouwen codings (two accepted proposals, one added by hand); a
// vertrouwen proposal is rejected; eight accepted "tijd" turns are the other reviewed segments; the
// last turn's proposal stays undecided and is not read.
const lines = [
  'R1: Vertrouwen in de wijkagent is groot.',
  'R2: De wijkagent geeft vertrouwen.',
  'R3: Vertrouwen is er niet.',
  'R4: De wijkagent kent iedereen.',
  ...Array.from({ length: 8 }, (_, i) => `R${i + 5}: Geen tijd voor overleg nummer ${i + 1}.`),
  'R13: Samenwerking blijft lastig.',
];

beforeAll(async () => {
  const services = await freshServices('learn');
  adapters = createAdapters({ tableName: services.tableName, bucketName: services.bucketName }, services.clientOptions);
  const { proposals } = await seedProject(adapters.store, adapters.blobs, 'proj-learn', ['local'], [{ id: 'doc-1', name: 'interview-1.txt', text: `${lines.join('\n')}\n` }]);
  const decide = (p: Coding, action: 'accept' | 'reject') =>
    adapters.store.decide({ projectId: 'proj-learn', documentId: p.documentId, segmentIndex: p.segmentIndex, code: p.code, action, expectedVersion: p.version, userId: 'local' });
  for (const p of proposals) {
    if (p.code === 'voorwaarden/vertrouwen') await decide(p, p.segmentIndex === 2 ? 'reject' : 'accept');
    if (p.code === 'voorwaarden/tijd') await decide(p, 'accept');
  }
  await adapters.store.decide({ projectId: 'proj-learn', documentId: 'doc-1', segmentIndex: 3, code: 'voorwaarden/vertrouwen', categoryId: 'voorwaarden', action: 'add', expectedVersion: null, userId: 'local' });
  const token = await localToken(stateDir);
  server = await startHttpServer({ port: 0, token, stateDir, deps: { store: adapters.store, blobs: adapters.blobs, tagQueue: { send: async () => {} } } });
});
afterAll(async () => server?.close());

describe('qualtag rules learn --project', () => {
  it("learns from the project's accepted, added and rejected codings with its current codebook", async () => {
    const r = await qualtag('rules', 'learn', '--project', 'proj-learn', '--format', 'table');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/voorwaarden\/vertrouwen\s+wijkagent\s+3\s+1\s+1\s+0\s+1\.00\s+doc-1:t0004/);
    const yaml = await qualtag('rules', 'learn', '--project', 'proj-learn', '--out', path.join(dir, 'learnt.yaml'));
    // 12 reviewed turns: the undecided Samenwerking turn is not one of them.
    expect(yaml.stderr).toMatch(/from 12 reviewed segments/);
  }, 120_000);
});
