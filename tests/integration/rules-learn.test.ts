// `qualtag rules learn --project`: the decisions of a project, read through the local API (real DynamoDB
// Local + s3rver), run as a person runs it: `node bin/qualtag.mjs ...`, finding the API through .qualtag/.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttpServer } from '../../lib/local/http.js';
import { seedReviewedProject } from './helpers/api-seed.js';
import { cliWorkspace, startCliApi } from './helpers/cli.js';
import { testStore } from './helpers/services.js';

const { dir, stateDir, qualtag } = cliWorkspace('qualtag-learn-it-');
let server: RunningHttpServer;

beforeAll(async () => {
  const adapters = await testStore('learn');
  // The last (Samenwerking) turn's proposal stays undecided and is not read.
  await seedReviewedProject(adapters.store, adapters.blobs, 'proj-learn', 'local');
  ({ server } = await startCliApi(adapters, stateDir));
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
