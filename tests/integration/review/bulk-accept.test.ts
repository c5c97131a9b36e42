// Bulk accept with one undo, through the HTTP API on DynamoDB Local + s3rver: two interviews tagged by
// the pipeline, their proposals given calibrated confidences through the store (as the learned ranker
// writes them); a dry run counts and estimates, the apply accepts exactly those proposals (each its own
// decision in the audit trail, with the batch id), a coding decided again afterwards survives the batch's
// undo and is reported, every other coding goes back to proposed, and reports follow each step. The
// queue in `uncertain` order gives every code a turn, closest to 0.5 first, paged without gaps.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuditEventView,
  BulkAcceptResult,
  BulkUndoResultView,
  CodingView,
  DocumentDetail,
  ErrorBody,
  FrequencyReport,
  Page,
} from '../../../lib/api/contract.js';
import { startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';
import { documentIdFor } from '../../../lib/pipeline/index.js';
import type { Coding as StoredCoding } from '../../../lib/coding/index.js';
import { exampleProject, testPipeline, type TestPipeline } from '../helpers/pipeline.js';

const TOKEN = 'tester-token-bulk-0123456789abcdef0123';
const root = path.resolve(import.meta.dirname, '../../..');
const NAMES = ['interview-01-beleidsmedewerker.txt', 'interview-04-caseworker.md'];
/** Confidences handed out in turn to the proposals, so both documents get some on either side of 0.9. */
const LADDER = [0.97, 0.62, 0.91, 0.45, 0.9, 0.88];

describe('the uncertain review order, bulk accept and its undo through the API', () => {
  let pipeline: TestPipeline;
  let server: RunningHttpServer;
  const projectId = 'p-bulk';
  const P = `/projects/${projectId}`;
  const docIds = NAMES.map((n) => documentIdFor(projectId, n));

  async function call<T>(method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${server.url}/api${p}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as T };
  }
  const codingsOf = async (): Promise<CodingView[]> => {
    const out: CodingView[] = [];
    for (const id of docIds) out.push(...(await call<DocumentDetail>('GET', `${P}/documents/${id}`)).json.segments.flatMap((s) => s.codings));
    return out;
  };
  const accepted = async (): Promise<number> => (await call<FrequencyReport>('GET', `${P}/reports/frequency`)).json.total;

  beforeAll(async () => {
    pipeline = await testPipeline('bulk');
    await exampleProject(pipeline.svc.store, projectId);
    server = await startHttpServer({ port: 0, token: TOKEN, userId: 'tester', deps: { ...pipeline.deps, cacheTtlMs: 0 } });
    for (const name of NAMES) await pipeline.ingest(projectId, name, readFileSync(path.join(root, 'examples', name), 'utf8'));
    // The ranker's confidences, written the way the tagger writes proposals (conditional on the version read).
    const store = pipeline.svc.store;
    let i = 0;
    for (const id of docIds) {
      const proposals = (await store.listDocumentCodings(id)).filter((c) => c.status === 'proposed');
      const changes = proposals.map((c): { kind: 'put'; coding: StoredCoding; expectedVersion: number } => {
        const confidence = LADDER[i++ % LADDER.length]!;
        return { kind: 'put', coding: { ...c, confidence, score: confidence, version: c.version + 1 }, expectedVersion: c.version };
      });
      expect((await store.applyCodingChanges(changes)).conflicts).toEqual([]);
    }
  });
  afterAll(async () => server?.close());

  it('orders the queue by what a decision teaches the ranker: every code in turn, closest to 0.5 first, paged without gaps', async () => {
    type QueuePage = Page<{ coding: CodingView }>;
    const all: CodingView[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `${P}/review-queue?order=uncertain&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { status: number; json: QueuePage } = await call<QueuePage>('GET', q);
      expect(page.status).toBe(200);
      all.push(...page.json.items.map((i) => i.coding));
      cursor = page.json.nextCursor;
    } while (cursor);
    const byPosition = (await call<QueuePage>('GET', `${P}/review-queue?limit=500`)).json.items.map((i) => i.coding.id);
    expect(all.map((c) => c.id).sort()).toEqual([...byPosition].sort());
    const codes = new Set(all.map((c) => c.code));
    const firstTurn = all.slice(0, codes.size);
    expect(new Set(firstTurn.map((c) => c.code)).size).toBe(codes.size);
    const distance = firstTurn.map((c) => Math.abs(c.confidence! - 0.5));
    expect(distance).toEqual([...distance].sort((a, b) => a - b));
    // each code's own proposals come from most to least uncertain
    for (const code of codes) {
      const d = all.filter((c) => c.code === code).map((c) => Math.abs(c.confidence! - 0.5));
      expect(d).toEqual([...d].sort((a, b) => a - b));
    }
    const bad = await call<ErrorBody>('GET', `${P}/review-queue?order=uncertain&cursor=${encodeURIComponent('eyJpIjoicXVldWUiLCJrIjp7fX0')}`);
    expect(bad.status).toBe(400);
  });

  it('counts first, accepts exactly those, undoes the batch but not what was decided since, and keeps every decision in the trail', async () => {
    const before = await codingsOf();
    const high = before.filter((c) => c.status === 'proposed' && (c.confidence ?? 0) >= 0.9);
    expect(high.length).toBeGreaterThan(3);
    expect(new Set(high.map((c) => c.documentId)).size).toBe(2);
    const mean = high.reduce((s, c) => s + c.confidence!, 0) / high.length;

    // A dry run for one document, then for the project: nothing changes.
    const inFirst = high.filter((c) => c.documentId === docIds[0]);
    const dryOne = await call<BulkAcceptResult>('POST', `${P}/bulk-accept`, { minConfidence: 0.9, documentId: docIds[0], dryRun: true });
    expect(dryOne.json).toMatchObject({ batchId: null, dryRun: true, count: inFirst.length, documents: 1 });
    const dry = await call<BulkAcceptResult>('POST', `${P}/bulk-accept`, { minConfidence: 0.9, dryRun: true });
    expect(dry.json).toMatchObject({ batchId: null, count: high.length, documents: 2 });
    expect(dry.json.estimatedPrecision).toBeCloseTo(mean, 10);
    // The queue's filters narrow it (a reviewer looking at one code accepts only that code).
    const code = high[0]!.code;
    const ofCode = await call<BulkAcceptResult>('POST', `${P}/bulk-accept`, { minConfidence: 0.9, code, dryRun: true });
    expect(ofCode.json.count).toBe(high.filter((c) => c.code === code).length);
    const ofCategory = await call<BulkAcceptResult>('POST', `${P}/bulk-accept`, { minConfidence: 0.9, category: high[0]!.categoryId, dryRun: true });
    expect(ofCategory.json.count).toBe(high.filter((c) => c.categoryId === high[0]!.categoryId).length);
    expect(await accepted()).toBe(0);

    // Apply.
    const applied = await call<BulkAcceptResult>('POST', `${P}/bulk-accept`, { minConfidence: 0.9 });
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({ dryRun: false, count: high.length, documents: 2 });
    expect(applied.json.estimatedPrecision).toBeCloseTo(mean, 10);
    const batchId = applied.json.batchId!;
    const after = await codingsOf();
    const byId = new Map(after.map((c) => [c.id, c]));
    for (const c of high) expect(byId.get(c.id)).toMatchObject({ status: 'accepted', decidedBy: 'tester', version: c.version + 1 });
    for (const c of before.filter((x) => !high.some((h) => h.id === x.id))) expect(byId.get(c.id)).toMatchObject({ status: c.status, version: c.version });
    expect(await accepted()).toBe(high.length);
    // Nothing left above the threshold.
    expect((await call<BulkAcceptResult>('POST', `${P}/bulk-accept`, { minConfidence: 0.9, dryRun: true })).json).toMatchObject({
      count: 0,
      estimatedPrecision: null,
    });

    // Someone rejects one of the batch's codings afterwards.
    const later = byId.get(high[1]!.id)!;
    expect((await call('POST', `${P}/decisions`, { action: 'reject', documentId: later.documentId, codingId: later.id, version: later.version })).status).toBe(
      200,
    );

    const undo = await call<BulkUndoResultView>('POST', `${P}/bulk-accept/${batchId}/undo`);
    expect(undo.status).toBe(200);
    expect(undo.json.undone).toBe(high.length - 1);
    expect(undo.json.changed).toEqual([
      expect.objectContaining({ codingId: later.id, current: expect.objectContaining({ status: 'rejected', version: later.version + 1 }) }),
    ]);
    const undone = new Map((await codingsOf()).map((c) => [c.id, c]));
    for (const c of high) {
      if (c.id === later.id) expect(undone.get(c.id)).toMatchObject({ status: 'rejected', decidedBy: 'tester' });
      else expect(undone.get(c.id)).toMatchObject({ status: 'proposed', decidedBy: null, version: c.version + 2, confidence: c.confidence });
    }
    expect(await accepted()).toBe(0);

    // The trail: an accept per coding and an undo per undone coding, all naming the batch; the reject stays.
    const trail: AuditEventView[] = [];
    for (const id of docIds) trail.push(...(await call<Page<AuditEventView>>('GET', `${P}/audit?document=${id}&limit=500`)).json.items);
    const ofBatch = trail.filter((e) => e.batchId === batchId);
    expect(ofBatch.filter((e) => e.action === 'accept')).toHaveLength(high.length);
    expect(ofBatch.filter((e) => e.action === 'undo')).toHaveLength(high.length - 1);
    expect(ofBatch.find((e) => e.action === 'accept')?.note).toBe(`bulk accept ${batchId}: confidence ≥ 90 %`);
    expect(
      trail
        .filter((e) => e.codingId === later.id)
        .map((e) => e.action)
        .sort(),
    ).toEqual(['accept', 'reject']);
    // The rejected coding keeps its own history: its undo brings back the batch's accept.
    const back = await call<{ coding: CodingView }>('POST', `${P}/decisions`, {
      action: 'undo',
      documentId: later.documentId,
      codingId: later.id,
      version: later.version + 1,
    });
    expect(back.json.coding).toMatchObject({ status: 'accepted' });

    // Once only.
    const again = await call<ErrorBody>('POST', `${P}/bulk-accept/${batchId}/undo`);
    expect(again.status).toBe(409);
    expect(again.json.message).toContain('already undone');
  });

  it('refuses bad input with the field and what to do', async () => {
    const low = await call<ErrorBody>('POST', `${P}/bulk-accept`, { minConfidence: 0.3 });
    expect(low.status).toBe(400);
    expect(low.json.where).toContain('minConfidence');
    const extra = await call<ErrorBody>('POST', `${P}/bulk-accept`, { minConfidence: 0.9, min: 1 });
    expect(extra.status).toBe(400);
    expect((await call<ErrorBody>('POST', `${P}/bulk-accept`, { minConfidence: 0.9, documentId: 'nope' })).status).toBe(404);
    expect((await call<ErrorBody>('POST', `${P}/bulk-accept/b0000000000000000/undo`)).status).toBe(404);
    const bad = await call<ErrorBody>('POST', `${P}/bulk-accept/x..y/undo`);
    expect(bad.status).toBe(400);
    expect(bad.json.where).toBe('path.batchId');
  });

  it('loses no decision when reviewers decide on the same documents while a bulk accept runs', async () => {
    const proposals = (await codingsOf()).filter((c) => c.status === 'proposed' && (c.confidence ?? 0) >= 0.6);
    expect(proposals.length).toBeGreaterThan(4);
    const contested = proposals.filter((_, i) => i % 3 === 0);
    const [bulk, ...rejects] = await Promise.all([
      call<BulkAcceptResult>('POST', `${P}/bulk-accept`, { minConfidence: 0.6 }),
      ...contested.map((c) =>
        call<{ coding: CodingView; current?: CodingView }>('POST', `${P}/decisions`, {
          action: 'reject',
          documentId: c.documentId,
          codingId: c.id,
          version: c.version,
        }),
      ),
    ]);
    expect(bulk.status).toBe(200);
    const now = new Map((await codingsOf()).map((c) => [c.id, c]));
    const rejectedByReviewer = new Set(contested.filter((_, i) => rejects[i]!.status === 200).map((c) => c.id));
    // A reject either won (the coding stays rejected) or met the batch's accept first (409, current accepted).
    rejects.forEach((r, i) => {
      if (r.status !== 200) expect(r).toMatchObject({ status: 409, json: { current: { status: 'accepted' } } });
      else expect(now.get(contested[i]!.id)).toMatchObject({ status: 'rejected' });
    });
    for (const c of proposals) expect(now.get(c.id)!.status).toBe(rejectedByReviewer.has(c.id) ? 'rejected' : 'accepted');
    expect(bulk.json.count).toBe(proposals.length - rejectedByReviewer.size);
    expect(await accepted()).toBe((await codingsOf()).filter((c) => c.status === 'accepted').length);

    // The undo takes back exactly the batch's accepts; the reviewer's rejects stay.
    const undo = await call<BulkUndoResultView>('POST', `${P}/bulk-accept/${bulk.json.batchId}/undo`);
    expect(undo.json).toMatchObject({ undone: bulk.json.count, changed: [] });
    const end = new Map((await codingsOf()).map((c) => [c.id, c]));
    for (const c of proposals) expect(end.get(c.id)!.status).toBe(rejectedByReviewer.has(c.id) ? 'rejected' : 'proposed');
    expect(await accepted()).toBe((await codingsOf()).filter((c) => c.status === 'accepted').length);
  });
});
