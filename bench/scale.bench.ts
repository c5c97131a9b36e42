// `npm run bench -- scale`: reports, agreement and exports as a project grows. Three projects of about
// 1k, 10k and 100k codings (documents of 175 turns, ~3 codes a turn, written through the store — not
// through ingest — with a mix of proposed, accepted and rejected codings and two reviewers' decisions),
// on DynamoDB Local + s3rver with the API's route handlers (read cache off). Per size: p50/p95 of the
// report bundle, co-occurrence, κ (agreement), GET project, the review queue and a decision, the .qdpx
// export, and beside them the full recomputation (every coding + the whole audit trail) in the same run.
// Each report request follows a decision, so one document's aggregate has changed since the last one.
// Targets (issue 17): bundle / co-occurrence / κ p95 ≤ 300 ms at 100k and 100k/1k ≤ 2; a decision
// p95 ≤ 50 ms; the 100k .qdpx export ≤ 60 s. QUALTAG_BENCH_SCALE=1000,10000 runs fewer sizes.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { routes, type DecisionBody } from '../lib/api/contract.js';
import { createHandlers } from '../lib/api/handlers.js';
import type { ApiEvent } from '../lib/api/http.js';
import { parseCodebook } from '../lib/codebook/index.js';
import { startDynamoLocal } from '../lib/local/dynamodb-local.js';
import { startS3Local } from '../lib/local/s3-local.js';
import type { Segment } from '../lib/model.js';
import { allReports } from '../lib/report/registry.js';
import { agreement, coOccurrence } from '../lib/report/reports.js';
import { recomputedReportInput } from '../lib/report/input.js';
import { mapLimit } from '../lib/review/reviewed-codings.js';
import { ensureBucket, ensureTable } from '../lib/store/admin.js';
import { newLocalCredentials, rawDynamoClient, s3Client } from '../lib/store/clients.js';
import { createAdapters, type Adapters } from '../lib/store/index.js';
import { codingId, onSegment, type Coding } from '../lib/coding/index.js';
import { peakRssMb, type BenchReport, type BenchTarget } from './report.js';
import { decide } from '../lib/review/decide.js';
import { claimUpload } from '../lib/pipeline/claim.js';

const SIZES = (process.env.QUALTAG_BENCH_SCALE ?? '1000,10000,100000').split(',').map(Number);
const SEGMENTS = 175;
const PER_DOC = 525; // ~3 codings a turn
const ROUNDS = Number(process.env.QUALTAG_BENCH_ROUNDS ?? 20);
const CATEGORIES = ['voorwaarden', 'effecten', 'knelpunten'];
const codes = CATEGORIES.flatMap((cat) => [1, 2, 3, 4, 5].map((i) => `${cat}/c${i}`));
const codebookYaml = `id: scale\nlanguage: nl\ncategories:\n${CATEGORIES.map((cat) => `  - id: ${cat}\n    name: ${cat}\n    codes:\n${[1, 2, 3, 4, 5].map((i) => `      - id: ${cat}/c${i}\n        name: ${cat} ${i}\n        rules: [${cat}${i}]\n`).join('')}`).join('')}`;

/** Writes one project of about `codings` codings through the store; returns its undecided proposals. */
async function seed(a: Adapters, projectId: string, codings: number): Promise<Coding[]> {
  const { store, blobs } = a;
  const cb = parseCodebook(codebookYaml, 'scale.yaml');
  await store.createProject({ id: projectId, name: projectId, members: ['local', 'ann', 'bob'], createdBy: 'local' });
  await store.putCodebookVersion({ projectId, version: cb.version, codebook: cb, sourceText: codebookYaml, fileName: 'scale.yaml', createdBy: 'local' });
  const docs = Math.max(1, Math.round(codings / PER_DOC));
  const proposals: Coding[][] = await mapLimit(
    Array.from({ length: docs }, (_, d) => d),
    4,
    async (d) => {
      const documentId = `${projectId}-d${String(d).padStart(4, '0')}`;
      const fileName = `interview-${d}.txt`;
      await claimUpload(store, { projectId, documentId, fileName, s3Key: `uploads/${projectId}/${fileName}`, sourceVersion: 'v1' });
      const respondents = [`D${d}-R1`, `D${d}-R2`];
      const segments: Segment[] = [];
      let text = '';
      for (let i = 0; i < SEGMENTS; i++) {
        const respondent = i % 2 === 0 ? null : respondents[(i >> 1) % 2]!;
        const t = `${respondent ?? 'Interviewer'}: over de samenwerking in de wijk: het vertrouwen groeit, de tijd is krap (${d}.${i}).`;
        segments.push({
          id: `t${i}`,
          index: i,
          start: text.length,
          end: text.length + t.length,
          text: t,
          speaker: respondent ?? 'Interviewer',
          respondent,
          page: null,
        });
        text += `${t}\n`;
      }
      const textKey = `text/${projectId}/${documentId}.txt`;
      await Promise.all([store.putSegments(projectId, documentId, segments), blobs.putObject(textKey, text, 'text/plain; charset=utf-8')]);
      const list: Coding[] = [];
      for (const s of segments) {
        for (let k = 0; k < 3 && list.length < PER_DOC; k++) {
          const code = codes[(d * 7 + s.index * 3 + k * 5) % codes.length]!;
          const roll = (d * 13 + s.index * 7 + k * 3) % 10;
          const status = roll < 3 ? 'accepted' : roll < 4 ? 'rejected' : 'proposed';
          list.push({
            projectId,
            documentId,
            ...onSegment(s),
            code,
            categoryId: code.split('/')[0]!,
            origin: roll === 9 ? 'human' : 'rule',
            status,
            score: ((d * 31 + s.index * 17 + k) % 100) / 100,
            evidence: roll === 9 ? [] : [{ start: 5, end: 16, rule: 'samenwerk*' }],
            codebookVersion: cb.version,
            version: 1,
            createdAt: new Date().toISOString(),
            ...(status !== 'proposed' ? { decidedBy: 'ann', decidedAt: new Date().toISOString() } : {}),
          });
        }
      }
      const unique = [...new Map(list.map((c) => [`${c.segmentIndex}|${c.code}`, c])).values()];
      await store.applyCodingChanges(unique.map((coding) => ({ kind: 'put' as const, coding, expectedVersion: null })));
      await store.updateDocument(projectId, documentId, { status: 'TAGGED', segmentCount: SEGMENTS, respondents, textKey, codebookVersion: cb.version });
      // Two reviewers judge the same three proposals of each document (reviewer-vs-reviewer κ has units).
      const open = unique.filter((c) => c.status === 'proposed');
      for (const [n, c] of open.slice(0, 3).entries()) {
        const a1 = await decide(store, { ...c, action: n % 2 ? 'reject' : 'accept', expectedVersion: 1, userId: 'ann' });
        await decide(store, { ...c, action: n === 2 ? 'reject' : 'undo', expectedVersion: a1.coding!.version, userId: 'bob' });
      }
      return open.slice(3);
    },
  );
  return proposals.flat();
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const event = {} as ApiEvent;

export default async function scaleBench(): Promise<BenchReport> {
  const s3Dir = await mkdtemp(path.join(tmpdir(), 'qualtag-bench-scale-'));
  const credentials = newLocalCredentials();
  const [ddb, s3] = await Promise.all([startDynamoLocal({ credentials }), startS3Local({ directory: s3Dir, credentials })]);
  const clients = { region: 'eu-west-1', dynamodbEndpoint: ddb.endpoint, s3Endpoint: s3.endpoint };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
  const settings = { tableName: 'qualtag-bench-scale', bucketName: 'qualtag-bench-scale' };
  await Promise.all([ensureTable(rawDynamoClient(clients), settings.tableName), ensureBucket(s3Client(clients), settings.bucketName)]);
  const adapters = createAdapters(settings, clients);
  const h = createHandlers({ store: adapters.store, blobs: adapters.blobs, tagQueue: { send: async () => {} }, cacheTtlMs: 0 });
  const rows: BenchReport['rows'] = [];
  const notes: string[] = [];
  const p95 = new Map<string, number>();
  try {
    for (const size of SIZES) {
      const projectId = `scale-${size}`;
      const t0 = performance.now();
      const open = await seed(adapters, projectId, size);
      const seedSeconds = (performance.now() - t0) / 1000;
      const ctx = { userId: 'local', params: { projectId }, event, body: undefined };
      const reportQuery = routes.reports.query.parse({});
      const decideOne = async (i: number): Promise<number> => {
        const c = open[(i * 7919) % open.length]!;
        const current = (await adapters.store.getCoding(c))!;
        const action = current.status === 'accepted' ? 'reject' : 'accept';
        const body: DecisionBody = { action, documentId: c.documentId, codingId: codingId(c), version: current.version };
        return timed(() => h.decide({ ...ctx, userId: i % 2 ? 'ann' : 'bob', query: undefined, body }));
      };
      // Warm-up: the first report reads every aggregate once; later ones re-read only the changed ones.
      const cold = await timed(() => h.reports({ ...ctx, query: reportQuery }));
      const series: Record<string, number[]> = { bundle: [], co: [], kappa: [], project: [], queue: [], decision: [] };
      const WARM = 3; // rounds not recorded: JIT and DynamoDB Local's caches warm up on the first size
      for (let i = 0; i < ROUNDS + WARM; i++) {
        if (i === WARM) for (const xs of Object.values(series)) xs.length = 0;
        series.decision!.push(await decideOne(i));
        series.bundle!.push(await timed(() => h.reports({ ...ctx, query: reportQuery })));
        series.co!.push(await timed(() => h.report({ ...ctx, params: { projectId, kind: 'co-occurrence' }, query: reportQuery })));
        series.kappa!.push(await timed(() => h.report({ ...ctx, params: { projectId, kind: 'agreement' }, query: reportQuery })));
        series.project!.push(await timed(() => h.getProject({ ...ctx, query: undefined })));
        series.queue!.push(await timed(() => h.reviewQueue({ ...ctx, query: routes.reviewQueue.query.parse({ limit: '50' }) })));
      }
      // The full recomputation, as every report request did before the aggregates.
      const full: Record<string, number[]> = { bundle: [], co: [], kappa: [] };
      for (let i = 0; i < (size >= 100_000 ? 2 : 4); i++) {
        let input!: Awaited<ReturnType<typeof recomputedReportInput>>;
        const read = await timed(async () => (input = await recomputedReportInput(adapters.store, projectId)));
        full.bundle!.push(read + (await timed(async () => allReports(input, {}))));
        full.co!.push(read + (await timed(async () => coOccurrence(input, {}))));
        full.kappa!.push(read + (await timed(async () => agreement(input, {}))));
      }
      const exportMs = await timed(() => h.exportFile({ ...ctx, params: { projectId, format: 'qdpx' }, query: routes.exportFile.query.parse({}) }));
      const row = (what: string, xs: number[], ref?: number[]) => {
        p95.set(`${what}@${size}`, pct(xs, 95));
        rows.push({
          codings: size,
          what,
          'p50 ms': Math.round(pct(xs, 50)),
          'p95 ms': Math.round(pct(xs, 95)),
          'full recompute p50 ms': ref ? Math.round(pct(ref, 50)) : '',
          'speed-up': ref ? `${(pct(ref, 50) / pct(xs, 50)).toFixed(0)}x` : '',
        });
      };
      row('report bundle', series.bundle!, full.bundle);
      row('co-occurrence', series.co!, full.co);
      row('kappa (agreement)', series.kappa!, full.kappa);
      row('GET project', series.project!);
      row('review queue (50)', series.queue!);
      row('decision', series.decision!);
      row('.qdpx export (direct)', [exportMs]);
      notes.push(
        `${size} codings: ${Math.round(size / PER_DOC) || 1} documents × ${SEGMENTS} turns seeded in ${seedSeconds.toFixed(0)} s; first (cold) report bundle ${Math.round(cold)} ms`,
      );
    }
  } finally {
    await Promise.all([ddb.stop(), s3.stop()]);
    await rm(s3Dir, { recursive: true, force: true });
  }
  const [small, large] = [Math.min(...SIZES), Math.max(...SIZES)];
  const targets: BenchTarget[] = [];
  for (const what of ['report bundle', 'co-occurrence', 'kappa (agreement)']) {
    const big = p95.get(`${what}@${large}`)!;
    const ratio = big / p95.get(`${what}@${small}`)!;
    targets.push({ name: `${what} p95 at ${large}`, want: '≤ 300 ms', actual: `${Math.round(big)} ms`, met: big <= 300 });
    targets.push({ name: `${what} p95 ${large}/${small}`, want: '≤ 2', actual: ratio.toFixed(2), met: ratio <= 2 });
  }
  const decision = p95.get(`decision@${large}`)!;
  targets.push({ name: `decision p95 at ${large}`, want: '≤ 50 ms', actual: `${Math.round(decision)} ms`, met: decision <= 50 });
  const exp = p95.get(`.qdpx export (direct)@${large}`)!;
  targets.push({ name: `.qdpx export at ${large}`, want: '≤ 60 s', actual: `${(exp / 1000).toFixed(1)} s`, met: exp <= 60_000 });
  notes.push(
    `${ROUNDS} rounds per size (each: a decision, then every read); full recomputation = every coding + the whole audit trail read and computed in memory, as before the aggregates`,
  );
  notes.push(
    `peak RSS ${peakRssMb()} MB; machine load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (2 cores shared)`,
  );
  return { rows, targets, notes };
}
