// The use cases on the storage ports, as one suite run against every adapter: the in-memory store
// (tests/unit/coding/use-cases.test.ts) and DynamoDB Local (tests/integration/store/use-cases.test.ts).
// Each adapter must keep the same conditions: optimistic versions, conflicts that carry the current
// coding, the per-document write lock, claims written only over the record they were decided on.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Codebook, Segment } from '../../lib/model.js';
import { ConflictError, type Coding, type Store } from '../../lib/coding/index.js';
import { decide } from '../../lib/review/decide.js';
import { bulkAccept, undoBulkAccept } from '../../lib/review/bulk-accept.js';
import { BULK_CHUNK } from '../../lib/review/bulk.js';
import { uncertainFirst } from '../../lib/review/order.js';
import { reviewQueue } from '../../lib/review/queue.js';
import { deleteDocument } from '../../lib/review/delete-document.js';
import { claimUpload } from '../../lib/pipeline/claim.js';
import { documentAggregate, trailEntry } from '../../lib/report/aggregate.js';
import { beforeDeletionsLeftOut } from '../../lib/report/input.js';

const P = 'proj-store';
const codebook = (title: string): Codebook => ({
  id: 'cb',
  title,
  language: 'nl',
  version: `v-${title}`,
  categories: [{ id: 'cat', name: 'Cat', codes: [] }],
});

function segments(n: number): Segment[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    index: i,
    start: i * 10,
    end: i * 10 + 9,
    text: `segment ${i}`,
    speaker: i % 2 ? 'R1' : 'I',
    respondent: i % 2 ? 'Respondent 1' : null,
    page: null,
  }));
}

function proposal(documentId: string, seg: Segment, code: string, score: number, categoryId = 'cat'): Coding {
  return {
    projectId: P,
    documentId,
    segmentIndex: seg.index,
    segmentId: seg.id,
    segmentStart: seg.start,
    segmentEnd: seg.end,
    segmentText: seg.text,
    code,
    categoryId,
    respondent: seg.respondent,
    origin: 'rule',
    status: 'proposed',
    score,
    evidence: [{ start: 0, end: 7, rule: 'segment' }],
    codebookVersion: 'v1',
    version: 1,
    createdAt: new Date().toISOString(),
  };
}

/** Makes a fresh, empty store (its own table on DynamoDB Local). */
export type MakeStore = () => Promise<Store>;

export function describeUseCases(name: string, makeStore: MakeStore): void {
  describe(`use cases on ${name}`, () => {
    let store: Store;
    const segs = segments(6);

    beforeAll(async () => {
      store = await makeStore();
      await store.createProject({ id: P, name: 'Store test', members: ['alice', 'bob'], createdBy: 'alice' });
      await claimUpload(store, { projectId: P, documentId: 'docA', fileName: 'a.txt', s3Key: 'uploads/p/a.txt', sourceVersion: 'e1' });
      await store.putSegments(P, 'docA', segs);
      const changes = segs.flatMap((s) => [
        { kind: 'put' as const, coding: proposal('docA', s, 'c/one', 0.2 + s.index / 10), expectedVersion: null },
        ...(s.index % 2 ? [{ kind: 'put' as const, coding: proposal('docA', s, 'd/two', 0.9, 'dcat'), expectedVersion: null }] : []),
      ]);
      const res = await store.applyCodingChanges(changes);
      expect(res).toEqual({ written: 9, conflicts: [] });
    });

    it('creates projects once and lists them per member', async () => {
      await expect(store.createProject({ id: P, name: 'again', members: ['x'], createdBy: 'x' })).rejects.toMatchObject({ kind: 'CONFLICT' });
      await store.createProject({ id: 'proj-other', name: 'Other', members: ['bob'], createdBy: 'bob' });
      expect((await store.listProjectsForUser('alice')).items.map((p) => p.id)).toEqual([P]);
      expect((await store.listProjectsForUser('bob')).items.map((p) => p.id).sort()).toEqual(['proj-other', P].sort());
      await store.addMember('proj-other', 'carol');
      await store.removeMember('proj-other', 'bob');
      expect((await store.getProject('proj-other'))?.members).toEqual(['carol']);
      expect((await store.listProjectsForUser('bob')).items.map((p) => p.id)).toEqual([P]);
    });

    it('keeps codebook versions and the current one', async () => {
      await store.putCodebookVersion({
        projectId: P,
        version: 'v-a',
        codebook: codebook('a'),
        sourceText: 'a',
        fileName: 'a.yaml',
        createdBy: 'alice',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await store.putCodebookVersion({
        projectId: P,
        version: 'v-b',
        codebook: codebook('b'),
        sourceText: 'b',
        fileName: 'b.yaml',
        createdBy: 'alice',
        createdAt: '2026-01-02T00:00:00.000Z',
      });
      expect((await store.getCurrentCodebook(P))?.codebook.title).toBe('b');
      expect((await store.listCodebookVersions(P)).items.map((v) => v.version)).toEqual(['v-b', 'v-a']);
    });

    it('switches the current codebook only from the expected version when asked to', async () => {
      const Q = 'proj-store-cb';
      await store.createProject({ id: Q, name: Q, members: ['alice'], createdBy: 'alice' });
      const v = (id: string) => ({ projectId: Q, version: `v-${id}`, codebook: codebook(id), sourceText: id, fileName: `${id}.yaml`, createdBy: 'alice' });
      await store.putCodebookVersion(v('c'));
      // Two changes made on v-c: the first wins, the second finds v-c no longer current.
      await store.putCodebookVersion(v('d'), { expectedCurrent: 'v-c' });
      await expect(store.putCodebookVersion(v('e'), { expectedCurrent: 'v-c' })).rejects.toMatchObject({ kind: 'CONFLICT' });
      expect((await store.getProject(Q))?.currentCodebookVersion).toBe('v-d');
      expect((await store.getCurrentCodebook(Q))?.codebook.title).toBe('d');
    });

    it('pages through the review queue by position without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.reviewQueue({ projectId: P, limit: 4, cursor });
        expect(page.items.length).toBeLessThanOrEqual(4);
        seen.push(...page.items.map((c) => `${c.segmentIndex}:${c.code}`));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['0:c/one', '1:c/one', '1:d/two', '2:c/one', '3:c/one', '3:d/two', '4:c/one', '5:c/one', '5:d/two']);
    });

    it('orders the queue by score and filters it by code, category, respondent and document', async () => {
      const byScore = await store.reviewQueue({ projectId: P, order: 'score', limit: 3 });
      expect(byScore.items.map((c) => c.score)).toEqual([0.9, 0.9, 0.9]);
      const code = await store.reviewQueue({ projectId: P, code: 'c/one', order: 'score', limit: 2 });
      expect(code.items.map((c) => c.segmentIndex)).toEqual([5, 4]);
      expect((await store.reviewQueue({ projectId: P, categoryId: 'dcat' })).items.map((c) => c.segmentIndex)).toEqual([1, 3, 5]);
      expect((await store.reviewQueue({ projectId: P, respondent: 'Respondent 1', code: 'c/one' })).items.map((c) => c.segmentIndex)).toEqual([1, 3, 5]);
      expect((await store.reviewQueue({ projectId: P, documentId: 'nope' })).items).toEqual([]);
      await expect(store.reviewQueue({ projectId: P, cursor: 'garbage' })).rejects.toMatchObject({ kind: 'BAD_REQUEST' });
    });

    it('lets exactly one of two concurrent decisions win; the other gets the current coding', async () => {
      const ref = { projectId: P, documentId: 'docA', segmentIndex: 0, code: 'c/one' };
      const results = await Promise.allSettled([
        decide(store, { ...ref, action: 'accept', expectedVersion: 1, userId: 'alice' }),
        decide(store, { ...ref, action: 'reject', expectedVersion: 1, userId: 'bob' }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
      const current = await store.getCoding(ref);
      expect((lost[0]!.reason as ConflictError).current).toEqual(current);
      expect(current?.version).toBe(2);
      // Decided: out of the sparse queue, in the by-code query under its new status.
      expect((await store.reviewQueue({ projectId: P, documentId: 'docA' })).items.some((c) => c.segmentIndex === 0 && c.code === 'c/one')).toBe(false);
      const st = current!.status;
      expect((await store.queryCodings({ projectId: P, by: { code: 'c/one' }, status: st })).items.map((c) => c.segmentIndex)).toEqual([0]);
    });

    it('undoes a decision back into the queue and records every step in the audit trail', async () => {
      const ref = { projectId: P, documentId: 'docA', segmentIndex: 2, code: 'c/one' };
      const a = await decide(store, { ...ref, action: 'accept', expectedVersion: 1, userId: 'alice' });
      expect(a.coding?.status).toBe('accepted');
      await expect(decide(store, { ...ref, action: 'undo', expectedVersion: 1, userId: 'alice' })).rejects.toBeInstanceOf(ConflictError);
      // accepting again on the current version changes nothing: refused, so no second audit event
      await expect(decide(store, { ...ref, action: 'accept', expectedVersion: 2, userId: 'bob' })).rejects.toMatchObject({
        kind: 'CONFLICT',
        current: { version: 2, decidedBy: 'alice' },
      });
      const u = await decide(store, { ...ref, action: 'undo', expectedVersion: 2, userId: 'alice' });
      expect(u.coding).toMatchObject({ status: 'proposed', version: 3 });
      expect(u.coding?.decidedBy).toBeUndefined();
      expect((await store.reviewQueue({ projectId: P, code: 'c/one' })).items.map((c) => c.segmentIndex)).toContain(2);
      await expect(decide(store, { ...ref, action: 'undo', expectedVersion: 3, userId: 'alice' })).rejects.toMatchObject({ kind: 'BAD_REQUEST' });
      const trail = await store.auditTrail({ projectId: P, documentId: 'docA' });
      const mine = trail.items.filter((e) => e.segmentIndex === 2);
      expect(mine.map((e) => [e.action, e.before?.status, e.after?.status])).toEqual([
        ['accept', 'proposed', 'accepted'],
        ['undo', 'accepted', 'proposed'],
      ]);
    });

    it('adds a human coding for part of a segment, refuses a second add, and undo removes it', async () => {
      const ref = { projectId: P, documentId: 'docA', segmentIndex: 4, code: 'h/new' };
      const added = await decide(store, { ...ref, action: 'add', expectedVersion: null, userId: 'bob', categoryId: 'hcat', span: { start: 0, end: 7 } });
      expect(added.coding).toMatchObject({ origin: 'human', status: 'accepted', span: { start: 0, end: 7 }, segmentText: 'segment 4', codebookVersion: 'v-b' });
      await expect(decide(store, { ...ref, action: 'add', expectedVersion: null, userId: 'alice', categoryId: 'hcat' })).rejects.toBeInstanceOf(ConflictError);
      await expect(
        decide(store, {
          ...ref,
          action: 'add',
          expectedVersion: null,
          userId: 'x',
          categoryId: 'hcat',
          span: { start: 3, end: 99 },
          segmentIndex: 5,
          code: 'h/other',
        }),
      ).rejects.toMatchObject({ kind: 'BAD_REQUEST' });
      const undone = await decide(store, { ...ref, action: 'undo', expectedVersion: 1, userId: 'bob' });
      expect(undone.coding).toBeNull();
      expect(await store.getCoding(ref)).toBeNull();
      const events = (await store.auditTrail({ projectId: P })).items.filter((e) => e.code === 'h/new');
      expect(events.map((e) => [e.action, e.before, e.after?.status ?? null])).toEqual([
        ['add', null, 'accepted'],
        ['undo', expect.objectContaining({ status: 'accepted' }), null],
      ]);
    });

    it('reports tagger writes that met a changed coding as conflicts and writes the rest', async () => {
      const s = segs[1]!;
      const res = await store.applyCodingChanges([
        { kind: 'put', coding: { ...proposal('docA', s, 'c/one', 0.5), version: 2 }, expectedVersion: 7 },
        { kind: 'put', coding: proposal('docA', s, 'e/three', 0.4), expectedVersion: null },
        { kind: 'delete', ref: { documentId: 'docA', segmentIndex: 3, code: 'd/two' }, expectedVersion: 1 },
      ]);
      expect(res.conflicts).toEqual([{ documentId: 'docA', segmentIndex: 1, code: 'c/one' }]);
      expect(res.written).toBe(2);
      expect(await store.getCoding({ documentId: 'docA', segmentIndex: 3, code: 'd/two' })).toBeNull();
      expect((await store.getCoding({ documentId: 'docA', segmentIndex: 1, code: 'e/three' }))?.score).toBe(0.4);
    });

    it('lists documents by status in full pages, however the states are spread', async () => {
      const L = 'proj-list';
      await store.createProject({ id: L, name: 'List', members: ['alice'], createdBy: 'alice' });
      // 30 documents; only every fifth FAILED, so an unfiltered page of 4 holds at most one of them
      for (let i = 0; i < 30; i++) {
        const id = `list${String(i).padStart(2, '0')}`;
        await claimUpload(store, { projectId: L, documentId: id, fileName: `${id}.txt`, s3Key: `uploads/${L}/${id}.txt`, sourceVersion: 'e1' });
        await store.updateDocument(L, id, i % 5 === 0 ? { status: 'FAILED', reason: 'bad' } : { status: 'TAGGED' });
      }
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listDocuments(L, { limit: 4, ...(cursor ? { cursor } : {}) }, { status: 'FAILED' });
        pages.push(page.items.map((d) => d.id));
        expect(page.items.every((d) => d.status === 'FAILED')).toBe(true);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(pages).toEqual([
        ['list00', 'list05', 'list10', 'list15'],
        ['list20', 'list25'],
      ]);
      const tagged = await store.listDocuments(L, { limit: 10 }, { status: 'TAGGED' });
      expect(tagged.items).toHaveLength(10);
      expect(tagged.nextCursor).toEqual(expect.any(String));
      expect((await store.listDocuments(L, { limit: 5 }, { status: 'EXTRACTED' })).items).toEqual([]);
    });

    it('claims an upload version once', async () => {
      const u = { projectId: P, documentId: 'docB', fileName: 'b.txt', s3Key: 'uploads/p/b.txt', sourceVersion: 'e1' };
      expect((await claimUpload(store, u)).kind).toBe('claimed');
      await store.updateDocument(P, 'docB', { status: 'TAGGED' });
      expect((await claimUpload(store, u)).kind).toBe('done');
      const again = await claimUpload(store, { ...u, sourceVersion: 'e2' });
      expect(again.kind).toBe('claimed');
      expect(again.document.status).toBe('UPLOADED');
      expect((await store.listDocuments(P)).items.map((d) => d.fileName)).toEqual(['a.txt', 'b.txt']);
    });
  });

  describe(`use cases under concurrency on ${name}`, () => {
    let store: Store;
    const segs = segments(4);
    const Q = 'proj-concurrent';
    const ref = (documentId: string, segmentIndex: number, code: string) => ({ projectId: Q, documentId, segmentIndex, code });
    const seed = async (documentId: string, confidence?: number): Promise<void> => {
      await claimUpload(store, { projectId: Q, documentId, fileName: `${documentId}.txt`, s3Key: `uploads/${Q}/${documentId}.txt`, sourceVersion: 'e1' });
      await store.putSegments(Q, documentId, segs);
      const changes = segs.map((s) => ({
        kind: 'put' as const,
        coding: { ...proposal(documentId, s, 'c/one', 0.5), projectId: Q, ...(confidence !== undefined ? { confidence } : {}) },
        expectedVersion: null,
      }));
      expect(await store.applyCodingChanges(changes)).toEqual({ written: segs.length, conflicts: [] });
    };

    beforeAll(async () => {
      store = await makeStore();
      await store.createProject({ id: Q, name: 'Concurrency', members: ['alice', 'bob'], createdBy: 'alice' });
      await store.putCodebookVersion({ projectId: Q, version: 'v-q', codebook: codebook('q'), sourceText: 'q', fileName: 'q.yaml', createdBy: 'alice' });
    });

    it('claims an upload once under concurrent deliveries, hands a duplicate what is left, ignores an older event', async () => {
      const u = { projectId: Q, documentId: 'claimed', fileName: 'claimed.txt', s3Key: `uploads/${Q}/claimed.txt`, sourceVersion: 'e1', sequencer: '0B' };
      const both = await Promise.all([claimUpload(store, u), claimUpload(store, u)]);
      expect(both.map((c) => c.kind)).toEqual(['claimed', 'claimed']);
      expect(await store.documentCounts(Q)).toEqual({ total: 1, byStatus: { UPLOADED: 1 } });
      await store.updateDocument(Q, 'claimed', { status: 'EXTRACTED', segmentCount: 3 });
      expect((await claimUpload(store, u)).kind).toBe('extracted');
      expect((await claimUpload(store, { ...u, sourceVersion: 'e0', sequencer: '0A' })).kind).toBe('stale');
      const newer = await claimUpload(store, { ...u, sourceVersion: 'e2', sequencer: '0C' });
      // The new version starts over, keeping the old segment count so its extra segments can be deleted.
      expect(newer).toMatchObject({ kind: 'claimed', document: { status: 'UPLOADED', sourceVersion: 'e2', segmentCount: 3 } });
      expect(await store.documentCounts(Q)).toEqual({ total: 1, byStatus: { UPLOADED: 1 } });
    });

    it('lets a decision and a re-tag write on one coding race: exactly one is written, the other learns of it', async () => {
      await seed('race');
      for (const i of [0, 1, 2, 3]) {
        const r = ref('race', i, 'c/one');
        const retagged = { ...(await store.getCoding(r))!, score: 0.7, version: 2 };
        const [decision, retag] = await Promise.allSettled([
          decide(store, { ...r, action: 'accept', expectedVersion: 1, userId: 'alice' }),
          store.applyCodingChanges([{ kind: 'put', coding: retagged, expectedVersion: 1 }]),
        ]);
        expect(retag.status).toBe('fulfilled');
        const tagger = retag.status === 'fulfilled' ? retag.value : { written: 0, conflicts: [] };
        const now = (await store.getCoding(r))!;
        expect(now.version).toBe(2);
        if (decision.status === 'fulfilled') {
          // The decision won: the tagger's write is a conflict, never written over the decision.
          expect(tagger).toEqual({ written: 0, conflicts: [{ documentId: 'race', segmentIndex: i, code: 'c/one' }] });
          expect(now).toMatchObject({ status: 'accepted', decidedBy: 'alice' });
        } else {
          // The re-tag won: the decision is refused with the coding as it is now, to decide again.
          expect(tagger.written).toBe(1);
          expect(decision.reason).toBeInstanceOf(ConflictError);
          expect((decision.reason as ConflictError).current).toEqual(now);
          expect(now).toMatchObject({ status: 'proposed', score: 0.7 });
        }
      }
    });

    it('serialises many decisions on one document: each wins once, none is lost, the trail has every one', async () => {
      await seed('many');
      const results = await Promise.allSettled(
        segs.flatMap((s) =>
          ['alice', 'bob'].map((userId) =>
            decide(store, { ...ref('many', s.index, 'c/one'), action: userId === 'alice' ? 'accept' : 'reject', expectedVersion: 1, userId }),
          ),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(segs.length);
      expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
      const codings = await store.listDocumentCodings('many');
      expect(codings.map((c) => c.version)).toEqual(segs.map(() => 2));
      const trail = (await store.auditTrail({ projectId: Q, documentId: 'many' })).items;
      expect(trail.map((e) => `${e.segmentIndex}:${e.userId}:${e.after?.status}`).sort()).toEqual(
        codings.map((c) => `${c.segmentIndex}:${c.decidedBy}:${c.status}`).sort(),
      );
    });

    it("turns a rejected proposal into the reviewer's coding on an add without a version, and refuses it on an accepted one", async () => {
      await seed('adds');
      const r = ref('adds', 1, 'c/one');
      await decide(store, { ...r, action: 'reject', expectedVersion: 1, userId: 'bob' });
      const segment = (await store.getSegment('adds', 1))!;
      const ctx = { segment, codebookVersion: 'v-q', versionFromCurrent: true };
      const added = await decide(store, { ...r, action: 'add', expectedVersion: null, userId: 'alice', categoryId: 'cat' }, ctx);
      expect(added.coding).toMatchObject({ origin: 'human', status: 'accepted', version: 3, decidedBy: 'alice' });
      await expect(decide(store, { ...r, action: 'add', expectedVersion: null, userId: 'bob', categoryId: 'cat' }, ctx)).rejects.toMatchObject({
        kind: 'CONFLICT',
        current: { version: 3 },
      });
      const fresh = await decide(
        store,
        { ...ref('adds', 2, 'h/new'), action: 'add', expectedVersion: null, userId: 'alice', categoryId: 'hcat' },
        { versionFromCurrent: true },
      );
      expect(fresh.coding).toMatchObject({ origin: 'human', status: 'accepted', version: 1, codebookVersion: 'v-q', segmentText: 'segment 2' });
    });

    it('undoes a bulk accept except the codings decided since, while decisions run alongside', async () => {
      await seed('bulk', 0.9);
      const [batch] = await Promise.all([
        bulkAccept(store, { projectId: Q, batchId: 'b-one', userId: 'alice', minConfidence: 0.8, documentIds: ['bulk'] }),
        // A reviewer decides meanwhile: either before the batch (the batch leaves it out) or after (a conflict for one of them).
        decide(store, { ...ref('bulk', 3, 'c/one'), action: 'reject', expectedVersion: 1, userId: 'bob' }).catch((e: unknown) => e),
      ]);
      const afterBatch = await store.listDocumentCodings('bulk');
      expect(batch.count).toBe(afterBatch.filter((c) => c.decidedBy === 'alice').length);
      const own = afterBatch.find((c) => c.decidedBy === 'alice' && c.segmentIndex !== 3)!;
      await decide(store, { ...ref('bulk', own.segmentIndex, 'c/one'), action: 'reject', expectedVersion: own.version, userId: 'bob' });
      const undo = await undoBulkAccept(store, Q, 'b-one', 'alice');
      expect(undo.undone).toBe(batch.count - 1);
      expect(undo.changed.map((c) => c.ref.segmentIndex)).toEqual([own.segmentIndex]);
      const final = await store.listDocumentCodings('bulk');
      expect(final.find((c) => c.segmentIndex === own.segmentIndex)).toMatchObject({ status: 'rejected', decidedBy: 'bob' });
      expect(final.filter((c) => c.decidedBy === 'alice')).toEqual([]);
      await expect(undoBulkAccept(store, Q, 'b-one', 'alice')).rejects.toMatchObject({ kind: 'CONFLICT' });
    });

    it('bulk accepts in chunks exactly the proposals that qualify, each its own decision in the trail, and records the batch', async () => {
      const many = segments(60);
      await claimUpload(store, { projectId: Q, documentId: 'chunks', fileName: 'chunks.txt', s3Key: `uploads/${Q}/chunks.txt`, sourceVersion: 'e1' });
      await store.putSegments(Q, 'chunks', many);
      const confidence = (i: number): number => (i % 5 === 0 ? 0.6 : 0.9);
      const changes = many.flatMap((s) => [
        { kind: 'put' as const, coding: { ...proposal('chunks', s, 'c/one', 1), projectId: Q, confidence: confidence(s.index) }, expectedVersion: null },
        ...(s.index < 10
          ? [{ kind: 'put' as const, coding: { ...proposal('chunks', s, 'd/two', 1), projectId: Q, confidence: 0.95 }, expectedVersion: null }]
          : []),
      ]);
      expect(await store.applyCodingChanges(changes)).toEqual({ written: 70, conflicts: [] });
      const eligible = many.filter((s) => confidence(s.index) >= 0.8).map((s) => s.index);
      expect(eligible.length).toBeGreaterThan(BULK_CHUNK);

      const batch = await bulkAccept(store, { projectId: Q, batchId: 'b-chunks', userId: 'carol', minConfidence: 0.8, code: 'c/one', documentIds: ['chunks'] });
      expect(batch).toMatchObject({ id: 'b-chunks', state: 'applied', count: eligible.length, documents: ['chunks'], code: 'c/one', userId: 'carol' });
      expect(batch.confidenceSum).toBeCloseTo(eligible.length * 0.9, 9);
      expect(await store.getBulkBatch(Q, 'b-chunks')).toEqual(batch);
      const codings = await store.listDocumentCodings('chunks');
      expect(codings.filter((c) => c.status === 'accepted').map((c) => c.segmentIndex)).toEqual(eligible);
      expect(codings.filter((c) => c.status === 'accepted').every((c) => c.code === 'c/one' && c.decidedBy === 'carol' && c.version === 2)).toBe(true);
      expect(codings.filter((c) => c.status !== 'accepted').every((c) => c.status === 'proposed' && c.version === 1)).toBe(true);
      expect((await store.bulkBatchEntries('chunks', 'b-chunks')).map((e) => e.segmentIndex)).toEqual(eligible);
      const trail = (await store.auditTrail({ projectId: Q, documentId: 'chunks', limit: 500 })).items.filter((e) => e.batchId === 'b-chunks');
      expect(trail.map((e) => e.segmentIndex).sort((a, b) => a - b)).toEqual(eligible);
      expect(
        trail.every(
          (e) =>
            e.action === 'accept' && e.note === 'bulk accept b-chunks: confidence ≥ 80 %' && e.before?.status === 'proposed' && e.after?.status === 'accepted',
        ),
      ).toBe(true);
      await expect(
        bulkAccept(store, { projectId: Q, batchId: 'b-chunks', userId: 'carol', minConfidence: 0.8, documentIds: ['chunks'] }),
      ).rejects.toMatchObject({ kind: 'CONFLICT' });
    });

    it('lets one of two concurrent undos of a batch run and refuses the other; an unknown batch is not found', async () => {
      const results = await Promise.allSettled([undoBulkAccept(store, Q, 'b-chunks', 'carol'), undoBulkAccept(store, Q, 'b-chunks', 'dave')]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const n = (await store.bulkBatchEntries('chunks', 'b-chunks')).length;
      expect(won[0]!.value).toMatchObject({ undone: n, changed: [], batch: { state: 'undone', undone: n, changedSince: 0 } });
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { kind: 'CONFLICT' } });
      const codings = await store.listDocumentCodings('chunks');
      expect(codings.every((c) => c.status === 'proposed')).toBe(true);
      expect(codings.filter((c) => c.version === 3)).toHaveLength(n);
      expect(
        (await store.auditTrail({ projectId: Q, documentId: 'chunks', limit: 500 })).items.filter((e) => e.batchId === 'b-chunks' && e.action === 'undo'),
      ).toHaveLength(n);
      await expect(undoBulkAccept(store, Q, 'b0000000000000000', 'carol')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    });

    it('pages the queue in uncertain order without gaps: every code in turn, closest to 0.5 first, unscored last', async () => {
      await claimUpload(store, { projectId: Q, documentId: 'unsure', fileName: 'unsure.txt', s3Key: `uploads/${Q}/unsure.txt`, sourceVersion: 'e1' });
      await store.putSegments(Q, 'unsure', segs);
      const conf: Record<string, Array<number | undefined>> = { 'c/one': [0.95, 0.55, 0.3, undefined], 'd/two': [0.5, 0.8, undefined, 0.1] };
      const changes = Object.entries(conf).flatMap(([code, cs]) =>
        segs.map((s) => ({
          kind: 'put' as const,
          coding: { ...proposal('unsure', s, code, 1), projectId: Q, ...(cs[s.index] !== undefined ? { confidence: cs[s.index] } : {}) },
          expectedVersion: null,
        })),
      );
      expect(await store.applyCodingChanges(changes)).toEqual({ written: 8, conflicts: [] });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await reviewQueue(store, { projectId: Q, documentId: 'unsure', order: 'uncertain', limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((c) => `${c.segmentIndex}:${c.code}`));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['0:d/two', '1:c/one', '2:c/one', '1:d/two', '3:d/two', '0:c/one', '2:d/two', '3:c/one']);
      expect(seen).toEqual(uncertainFirst(await store.listDocumentCodings('unsure')).map((c) => `${c.segmentIndex}:${c.code}`));
      expect((await reviewQueue(store, { projectId: Q, documentId: 'unsure', code: 'd/two', order: 'uncertain' })).items.map((c) => c.segmentIndex)).toEqual([
        0, 1, 3, 2,
      ]);
      await expect(reviewQueue(store, { projectId: Q, order: 'uncertain', cursor: 'eyJpIjoicXVldWUiLCJrIjp7fX0' })).rejects.toMatchObject({
        kind: 'BAD_REQUEST',
      });
      await expect(reviewQueue(store, { projectId: Q, order: 'uncertain', limit: 501 })).rejects.toMatchObject({ kind: 'BAD_REQUEST' });
    });

    it('keeps report aggregates equal to a full recomputation from the codings and the trail', async () => {
      const ids = ['race', 'many', 'adds', 'bulk', 'chunks', 'unsure'];
      const kept = await store.documentAggregates(ids);
      for (const id of ids) {
        const trail = (await store.auditTrail({ projectId: Q, documentId: id, limit: 500 })).items;
        const full = documentAggregate(await store.listDocumentCodings(id), beforeDeletionsLeftOut(trail).map(trailEntry));
        expect(kept.get(id)!.counts, id).toEqual(full.counts);
        expect(kept.get(id)!.pairs, id).toEqual(full.pairs);
        expect(
          kept
            .get(id)!
            .trail.map((e) => e.slice(1))
            .sort(),
          id,
        ).toEqual(full.trail.map((e) => e.slice(1)).sort());
      }
    });

    it('deletes a document only once the pipeline is done with it, keeping the decisions in the trail', async () => {
      await expect(deleteDocument(store, Q, 'adds', 'alice')).rejects.toMatchObject({ kind: 'CONFLICT' });
      await store.updateDocument(Q, 'adds', { status: 'TAGGED' });
      const gone = await deleteDocument(store, Q, 'adds', 'alice');
      expect(gone).toMatchObject({ segments: 4, codings: { proposed: 3, accepted: 2, rejected: 0 }, event: { action: 'delete', code: '' } });
      expect(await store.getDocument('adds')).toBeNull();
      expect(await store.listDocumentCodings('adds')).toEqual([]);
      const trail = (await store.auditTrail({ projectId: Q, documentId: 'adds', limit: 500 })).items.filter((e) => e.action === 'delete');
      expect(trail.map((e) => `${e.segmentIndex}:${e.code}:${e.before?.status ?? null}`).sort()).toEqual(['0::null', '1:c/one:accepted', '2:h/new:accepted']);
      await expect(deleteDocument(store, Q, 'adds', 'alice')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    });
  });
}
