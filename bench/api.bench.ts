// API load test on the local stack: the review queue and a query by code, each at 50 concurrent
// connections for 20 s (QUALTAG_BENCH_SECONDS to change), against the real DynamoDB Local + s3rver and
// the same route code as the api Lambda. Reports p50/p95/p99 latency and errors.
// Target: no errors, p95 < 100 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { parseCodebook } from '../lib/codebook/index.js';
import { startHttpServer } from '../lib/local/http.js';
import { startDynamoLocal } from '../lib/local/dynamodb-local.js';
import { startS3Local } from '../lib/local/s3-local.js';
import type { Segment } from '../lib/model.js';
import { ensureBucket, ensureTable } from '../lib/store/admin.js';
import { newLocalCredentials, rawDynamoClient, s3Client } from '../lib/store/clients.js';
import { createAdapters } from '../lib/store/index.js';
import type { Coding, Store } from '../lib/coding/index.js';
import { peakRssMb, type BenchReport } from './report.js';
import { decide } from '../lib/review/decide.js';
import { claimUpload } from '../lib/pipeline/claim.js';

const DOCS = Number(process.env.QUALTAG_BENCH_DOCS ?? 40);
const SEGMENTS = 60;
const CONNECTIONS = Number(process.env.QUALTAG_BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.QUALTAG_BENCH_SECONDS ?? 20);

const codebookYaml = `id: bench\nlanguage: nl\ncategories:\n${['voorwaarden', 'effecten', 'knelpunten']
  .map(
    (cat) =>
      `  - id: ${cat}\n    name: ${cat}\n    codes:\n${[1, 2, 3, 4].map((i) => `      - id: ${cat}/c${i}\n        name: ${cat} ${i}\n        rules: [${cat}${i}]\n`).join('')}`,
  )
  .join('')}`;
const codes = ['voorwaarden', 'effecten', 'knelpunten'].flatMap((cat) => [1, 2, 3, 4].map((i) => `${cat}/c${i}`));

/** 40 documents × 60 turns; each turn gets 1–3 rule proposals (about 4,800 codings). */
async function seed(store: Store, projectId: string): Promise<void> {
  const cb = parseCodebook(codebookYaml, 'bench.yaml');
  await store.createProject({ id: projectId, name: 'Bench', members: ['local'], createdBy: 'local' });
  await store.putCodebookVersion({ projectId, version: cb.version, codebook: cb, sourceText: codebookYaml, fileName: 'bench.yaml', createdBy: 'local' });
  await Promise.all(
    Array.from({ length: DOCS }, async (_, d) => {
      const documentId = `bench-doc-${String(d).padStart(3, '0')}`;
      await claimUpload(store, {
        projectId,
        documentId,
        fileName: `interview-${d}.txt`,
        s3Key: `uploads/${projectId}/interview-${d}.txt`,
        sourceVersion: 'v1',
      });
      const segments: Segment[] = [];
      const codings: Coding[] = [];
      let offset = 0;
      for (let i = 0; i < SEGMENTS; i++) {
        const respondent = `R${(d % 12) + 1}`;
        const text = `${respondent}: Over de samenwerking in de wijk zeg ik dit: het vertrouwen groeit, maar de tijd is krap en de informatie-uitwisseling blijft lastig (${i}).`;
        const s: Segment = { id: `${documentId}:t${i}`, index: i, start: offset, end: offset + text.length, text, speaker: respondent, respondent, page: null };
        segments.push(s);
        offset += text.length + 1;
        for (let k = 0; k < 1 + ((d + i) % 3); k++) {
          const code = codes[(d * 7 + i * 3 + k * 5) % codes.length]!;
          codings.push({
            projectId,
            documentId,
            segmentIndex: i,
            segmentId: s.id,
            segmentStart: s.start,
            segmentEnd: s.end,
            segmentText: s.text,
            code,
            categoryId: code.split('/')[0]!,
            respondent,
            origin: 'rule',
            status: 'proposed',
            score: ((d * 31 + i * 17 + k) % 100) / 100,
            evidence: [{ start: 20, end: 31, rule: 'samenwerk*' }],
            codebookVersion: cb.version,
            version: 1,
            createdAt: new Date().toISOString(),
          });
        }
      }
      await store.putSegments(projectId, documentId, segments);
      const unique = [...new Map(codings.map((c) => [`${c.segmentIndex}|${c.code}`, c])).values()];
      await store.applyCodingChanges(unique.map((coding) => ({ kind: 'put' as const, coding, expectedVersion: null })));
      // a quarter of each document already accepted, so the by-code query has accepted rows
      await store.updateDocument(projectId, documentId, {
        status: 'TAGGED',
        segmentCount: SEGMENTS,
        respondents: [`R${(d % 12) + 1}`],
        codebookVersion: cb.version,
      });
      const accept = unique.filter((_, n) => n % 4 === 0);
      for (const c of accept) await decide(store, { ...c, projectId, action: 'accept', expectedVersion: 1, userId: 'local' });
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs one route at `connections` for `seconds`, cycling through `paths` (distinct queries, so not every read is the same cache entry). */
async function load(
  name: string,
  origin: string,
  paths: string[],
  token: string,
  connections = CONNECTIONS,
  seconds = SECONDS,
): Promise<Record<string, string | number>> {
  const times: number[] = [];
  const statuses = new Map<number, number>();
  const inst = autocannon({
    url: origin,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  inst.on('response', (_c, status, _b, ms) => {
    times.push(ms);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const r = await inst;
  times.sort((a, b) => a - b);
  return {
    route: name,
    requests: r.requests.total,
    'req/s': Math.round(r.requests.average),
    'p50 ms': Math.round(percentile(times, 50)),
    'p95 ms': Math.round(percentile(times, 95)),
    'p99 ms': Math.round(percentile(times, 99)),
    'max ms': Math.round(r.latency.max),
    errors: r.errors + r.timeouts + r.non2xx,
    connections,
  };
}

export default async function apiBench(): Promise<BenchReport> {
  const s3Dir = await mkdtemp(path.join(tmpdir(), 'qualtag-bench-api-'));
  const credentials = newLocalCredentials();
  const [ddb, s3] = await Promise.all([startDynamoLocal({ credentials }), startS3Local({ directory: s3Dir, credentials })]);
  const clients = { region: 'eu-west-1', dynamodbEndpoint: ddb.endpoint, s3Endpoint: s3.endpoint };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
  const settings = { tableName: 'qualtag-bench-api', bucketName: 'qualtag-bench-api' };
  await Promise.all([ensureTable(rawDynamoClient(clients), settings.tableName), ensureBucket(s3Client(clients), settings.bucketName)]);
  const adapters = createAdapters(settings, clients);
  const token = 'bench-token-0123456789abcdef0123456789abcdef';
  try {
    const t0 = performance.now();
    await seed(adapters.store, 'bench');
    const seedSeconds = (performance.now() - t0) / 1000;
    const deps = { store: adapters.store, blobs: adapters.blobs, tagQueue: { send: async () => {} } };
    const server = await startHttpServer({ port: 0, token, deps });
    const uncached = await startHttpServer({ port: 0, token, deps: { ...deps, cacheTtlMs: 0 } });
    try {
      const base = '/api/projects/bench';
      const docIds = Array.from({ length: DOCS }, (_, d) => `bench-doc-${String(d).padStart(3, '0')}`);
      const queuePaths = ['', ...docIds.map((d) => `&document=${d}`)].map((q) => `${base}/review-queue?limit=50${q}`);
      const codePaths = codes.map((c) => `${base}/codings?code=${encodeURIComponent(c)}&status=accepted&limit=50`);
      // warm up connections, JIT and DynamoDB Local's caches
      for (const p of [...queuePaths.slice(0, 5), ...codePaths.slice(0, 5)])
        await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
      const rows = [
        await load(`GET review-queue (50 items; ${queuePaths.length} distinct queries)`, server.url, queuePaths, token),
        await load(`GET codings by code (50 items; ${codePaths.length} distinct codes)`, server.url, codePaths, token),
        await load('GET review-queue, read cache off', uncached.url, queuePaths, token, 1, Math.min(SECONDS, 5)),
        await load('GET codings by code, read cache off', uncached.url, codePaths, token, 1, Math.min(SECONDS, 5)),
      ];
      const loaded = rows.slice(0, 2);
      const worstP95 = Math.max(...loaded.map((r) => Number(r['p95 ms'])));
      const errors = rows.reduce((n, r) => n + Number(r.errors), 0);
      return {
        rows,
        targets: [
          { name: 'errors', want: '0', actual: String(errors), met: errors === 0 },
          { name: `p95 latency at ${CONNECTIONS} connections`, want: '< 100 ms', actual: `${worstP95} ms`, met: worstP95 < 100 },
        ],
        notes: [
          `${CONNECTIONS} connections × ${SECONDS} s per route; local HTTP server → same router as the api Lambda → DynamoDB Local (Java) on 127.0.0.1`,
          'the API keeps a 1 s read cache (single flight; a write through the API drops the project at once); the "read cache off" rows show the per-request cost of the store at 1 connection',
          `seeded ${DOCS} documents × ${SEGMENTS} segments with rule proposals in ${seedSeconds.toFixed(1)} s; peak RSS ${peakRssMb()} MB`,
          `machine load average at the end: ${loadavg()
            .map((x) => x.toFixed(1))
            .join(' ')} (2 cores shared)`,
        ],
      };
    } finally {
      await Promise.all([server.close(), uncached.close()]);
    }
  } finally {
    await Promise.all([ddb.stop(), s3.stop()]);
    await rm(s3Dir, { recursive: true, force: true });
  }
}
