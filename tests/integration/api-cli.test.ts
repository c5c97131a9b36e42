// The CLI's query / review / report / export commands against the local API (real DynamoDB Local +
// s3rver), run as a person runs them: `node bin/qualtag.mjs ...`, finding the API through .qualtag/.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttpServer } from '../../lib/local/http.js';
import type { Adapters } from '../../lib/store/index.js';
import { seedProject } from './helpers/api-seed.js';
import { cliWorkspace, startCliApi } from './helpers/cli.js';
import { testStore } from './helpers/services.js';

const { dir, stateDir, qualtag } = cliWorkspace('qualtag-cli-');
let server: RunningHttpServer;
let adapters: Adapters;
let token: string;

beforeAll(async () => {
  adapters = await testStore('cli');
  await seedProject(
    adapters.store,
    adapters.blobs,
    'proj-cli',
    ['local'],
    [{ id: 'doc-1', name: 'interview-1.txt', text: 'Interviewer: Vraag?\nR1: Vertrouwen en samenwerking.\nR2: Geen tijd.\n' }],
  );
  ({ server, token } = await startCliApi(adapters, stateDir));
});
afterAll(async () => server?.close());

describe('qualtag query / review / report / export', () => {
  it('reviews from the terminal: queue, accept, add a span, a stale write, undo', async () => {
    const queue = await qualtag('review', '--order', 'score');
    expect(queue.code).toBe(0);
    expect(queue.stdout).toContain('Review queue (3 undecided)');
    // The uncertain order is offered too (these seeded proposals carry no confidence: all in reading order, column empty).
    const uncertain = await qualtag('review', '--order', 'uncertain');
    expect(uncertain.code).toBe(0);
    expect(uncertain.stdout).toMatch(/coding\s+document\s+respondent\s+code\s+score\s+confidence\s+text/);
    const ids = (out: string) => [...out.matchAll(/^(doc-1~\d+~\S+)\s/gm)].map((m) => m[1]);
    expect(ids(uncertain.stdout)).toHaveLength(3);
    expect(ids(uncertain.stdout)).toEqual(ids((await qualtag('review')).stdout));
    const id = /^(doc-1~\d+~voorwaarden%2Fvertrouwen)\s/m.exec(queue.stdout)![1]!;
    const accepted = await qualtag('review', '--accept', id);
    expect(accepted.stdout).toContain('accept: voorwaarden/vertrouwen on doc-1 segment #2: accepted (version 2, by local)');
    const stale = await qualtag('review', '--reject', id, '--version', '1');
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/not applied: .*\n\s+now: voorwaarden\/vertrouwen .*accepted \(version 2/);
    const add = await qualtag('review', '--add', 'voorwaarden/tijd', '--document', 'doc-1', '--segment', 'doc-1:t0002', '--span', '4-14');
    expect(add.code).toBe(0);
    const undo = await qualtag('review', '--undo', id);
    expect(undo.stdout).toContain('proposed (version 3');
    const bad = await qualtag('review', '--add', 'voorwaarden/tijd', '--document', 'doc-1', '--segment', 'doc-1:t0002', '--span', '9-2');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not a span/);
  }, 120_000);

  it('queries coded segments as a table and as JSON lines', async () => {
    const table = await qualtag('query', '--code', 'voorwaarden/tijd');
    expect(table.stdout).toContain('1 coded segment (accepted)');
    expect(table.stdout).toContain('Vertrouwen');
    const jsonl = await qualtag('query', '--document', 'doc-1', '--status', 'all', '--format', 'jsonl');
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; coding: { status: string } });
    expect(rows).toHaveLength(4);
    const missing = await qualtag('query');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/say which coded segments/);
  }, 120_000);

  it('reports as table, CSV and JSON', async () => {
    const table = await qualtag('report', '--status', 'all');
    expect(table.stdout).toContain('# Code frequency');
    expect(table.stdout).toMatch(/Respondent share \(2 respondents/);
    const csv = await qualtag('report', '--kind', 'respondent-share', '--format', 'csv', '--high', '1/2');
    expect(csv.stdout.split('\r\n')[0]).toBe('category,code,respondents,share_%,label');
    expect(csv.stdout).toContain('voorwaarden/tijd,1,50,hoge mate');
    const json = JSON.parse((await qualtag('report', '--format', 'json', '--kind', 'frequency')).stdout) as { total: number };
    expect(json.total).toBe(1);
    expect((await qualtag('report', '--high', '3')).stderr).toMatch(/--high must be a share/);
  }, 120_000);

  it('exports qdpx, qdc, csv and xlsx files', async () => {
    for (const format of ['qdpx', 'qdc', 'csv', 'xlsx']) {
      const out = path.join(dir, `export.${format}`);
      const r = await qualtag('export', '--format', format, '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`wrote ${out}`);
    }
    expect(strFromU8(unzipSync(readFileSync(path.join(dir, 'export.qdpx')))['project.qde']!)).toContain('<Project xmlns="urn:QDA-XML:project:1.0"');
    expect(readFileSync(path.join(dir, 'export.qdc'), 'utf8')).toContain('<CodeBook');
    const noApi = await qualtag('export', '--format', 'csv', '--out', 'x.csv', '--api', 'http://127.0.0.1:9');
    expect(noApi.stderr).toMatch(/needs a token/);
  }, 120_000);
});

// Last: it gives the local user a second project, which the commands above would have to choose between.
describe('qualtag ingest --api', () => {
  it('creates a missing project through the API with the caller as its first member, then uploads', async () => {
    const file = path.join(dir, 'nieuw interview.txt');
    writeFileSync(file, 'R1: Vertrouwen groeit.\n');
    const args = ['ingest', '--api', `${server.url}/api`, '--token', token, '--project', 'cli-new', '--timeout', '1', file];
    const first = await qualtag(...args);
    expect(first.stdout).toContain('created project "cli-new"');
    // nothing tags in this test, so the document stays in progress: exit code 1 after the timeout
    expect(first.stdout).toMatch(/1 still in progress \(project cli-new\)/);
    expect((await adapters.store.getProject('cli-new'))?.members).toEqual(['local']);
    expect(new TextDecoder().decode(await adapters.blobs.getBytes('uploads/cli-new/nieuw interview.txt'))).toBe('R1: Vertrouwen groeit.\n');
    const second = await qualtag(...args);
    expect(second.stdout).not.toContain('created project');
    const bad = await qualtag('ingest', '--api', `${server.url}/api`, '--token', token, '--project', 'Not Valid', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a valid project id/);
  }, 120_000);
});
