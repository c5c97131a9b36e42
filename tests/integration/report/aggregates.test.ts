// The reports the API serves come from per-document aggregates kept up to date in every coding write.
// On DynamoDB Local + s3rver they must equal the full recomputation from every coding and the whole
// audit trail after random decisions (also two at once on one document), re-tags with a changed
// codebook, and re-uploads that move and detach decided codings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { documentIdFor, requestRetag } from '../../../lib/pipeline/index.js';
import { isDetached } from '../../../lib/coding/index.js';
import { documentAggregate, trailEntry } from '../../../lib/report/aggregate.js';
import { allReports, reportsFromAggregates } from '../../../lib/report/registry.js';
import { aggregatedReportInput, beforeDeletionsLeftOut, recomputedReportInput } from '../../../lib/report/input.js';
import type { ReportOptions } from '../../../lib/report/reports.js';
import { all } from '../../../lib/paging.js';
import { ConflictError, type Coding, type Decision } from '../../../lib/coding/index.js';
import { projectRoot } from '../../helpers/shared.js';
import { correctedInterview, drainTags, exampleFile, exampleNames, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { QualtagError } from '../../../lib/errors.js';
import { decide as decideUseCase } from '../../../lib/review/decide.js';
import { deleteDocument } from '../../../lib/review/delete-document.js';

const projectId = 'p-aggregates';
const codebookA = readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8');
// A second version: one rule of a code gone, so a re-tag removes and adds proposals.
const codebookB = codebookA.replace(`    - gezin OR kinderen OR "privé"\n`, '');

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const optionSets: ReportOptions[] = [
  {},
  { status: 'all' },
  { status: 'proposed', category: 'samenwerking' },
  { status: 'rejected' },
  { reviewerA: 'bob' },
  { reviewerA: 'cas', reviewerB: 'ann' },
];

describe('aggregated reports on DynamoDB Local', () => {
  let pipeline: TestPipeline;
  const { v1, v2 } = correctedInterview();
  const reuploaded = documentIdFor(projectId, 'interview-01.txt');

  async function useCodebook(text: string): Promise<void> {
    const codebook = parseCodebook(text, 'codebook.yaml');
    await pipeline.svc.store.putCodebookVersion({
      projectId,
      version: codebook.version,
      codebook,
      sourceText: text,
      fileName: 'codebook.yaml',
      createdBy: 'ann',
    });
  }

  async function expectReportsEqual(step: string): Promise<void> {
    const store = pipeline.svc.store;
    const [aggregated, recomputed] = await Promise.all([aggregatedReportInput(store, projectId), recomputedReportInput(store, projectId)]);
    for (const opts of optionSets) expect(reportsFromAggregates(aggregated, opts), `${step} ${JSON.stringify(opts)}`).toEqual(allReports(recomputed, opts));
    // Each stored aggregate is what its codings and trail give when built from scratch.
    const docs = await all((p) => store.listDocuments(projectId, p));
    const stored = await store.documentAggregates(docs.map((d) => d.id));
    for (const d of docs) {
      const events = await all((p) => store.auditTrail({ projectId, documentId: d.id, ...p }));
      expect(stored.get(d.id), `${step} ${d.fileName}`).toEqual(
        documentAggregate(await store.listDocumentCodings(d.id), beforeDeletionsLeftOut(events).map(trailEntry)),
      );
    }
  }

  beforeAll(async () => {
    pipeline = await testPipeline('aggregates');
    await pipeline.svc.store.createProject({ id: projectId, name: projectId, members: ['ann'], createdBy: 'ann' });
    await useCodebook(codebookA);
  });

  it('equal the full recomputation after random decisions, re-tags and re-uploads', async () => {
    const store = pipeline.svc.store;
    await pipeline.ingest(projectId, 'interview-01.txt', v1);
    for (const name of exampleNames.slice(1, 3)) await pipeline.ingest(projectId, name, exampleFile(name).toString('utf8'));
    await expectReportsEqual('after ingest');

    const r = rng(17);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const codebook = parseCodebook(codebookA, 'codebook.yaml');
    const codes = codebook.categories.flatMap((c) => c.codes.map((k) => ({ code: k.id, categoryId: c.id })));
    const docs = await all((p) => store.listDocuments(projectId, p));
    const decide = async (d: Decision): Promise<void> => {
      try {
        await decideUseCase(store, d);
      } catch (e) {
        // Stale, no-op and impossible decisions are refused and change nothing; the reports must still agree.
        if (!(e instanceof ConflictError) && !(e instanceof QualtagError)) throw e;
      }
    };
    const randomDecision = async (documentId: string): Promise<void> => {
      const codings = await store.listDocumentCodings(documentId);
      const user = pick(['ann', 'bob', 'cas']);
      const detached = codings.filter(isDetached);
      if (detached.length && r() < 0.5) {
        const c = pick(detached);
        if (r() < 0.5) return decide({ ...c, projectId, action: 'drop', expectedVersion: c.version, userId: user });
        const doc = await store.getDocument(documentId);
        return decide({
          ...c,
          projectId,
          action: 'place',
          expectedVersion: c.version,
          userId: user,
          to: { segmentIndex: Math.floor(r() * (doc?.segmentCount ?? 1)) },
        });
      }
      if (r() < 0.2 || codings.length === 0) {
        const doc = await store.getDocument(documentId);
        const { code, categoryId } = pick(codes);
        const segmentIndex = Math.floor(r() * (doc?.segmentCount ?? 1));
        const existing = codings.find((c) => c.segmentIndex === segmentIndex && c.code === code);
        return decide({
          projectId,
          documentId,
          segmentIndex,
          code,
          categoryId,
          action: 'add',
          expectedVersion: existing ? existing.version : null,
          userId: user,
        });
      }
      const c: Coding = pick(codings);
      return decide({ ...c, projectId, action: pick(['accept', 'accept', 'reject', 'undo'] as const), expectedVersion: c.version, userId: user });
    };

    for (let step = 0; step < 36; step++) {
      const roll = r();
      if (step % 12 === 11) {
        // Re-upload the first interview, alternating the corrected and the original text.
        await pipeline.ingest(projectId, 'interview-01.txt', step % 24 === 11 ? v2 : v1);
        await expectReportsEqual(`step ${step}: re-upload`);
      } else if (step % 12 === 5) {
        await useCodebook(step % 24 === 5 ? codebookB : codebookA);
        await requestRetag(pipeline.deps, projectId);
        await drainTags(pipeline.deps, pipeline.queue);
        await expectReportsEqual(`step ${step}: re-tag`);
      } else if (roll < 0.3) {
        // Two reviewers at once on one document: both go through the document's aggregate lock.
        const doc = pick(docs).id;
        await Promise.all([randomDecision(doc), randomDecision(doc)]);
      } else {
        for (let i = 0; i < 4; i++) await randomDecision(pick([...docs.map((d) => d.id), reuploaded]));
      }
      if (step % 3 === 2) await expectReportsEqual(`step ${step}`);
    }
    // A document deleted and uploaded again under its name starts afresh: its earlier life is left out.
    const again = exampleNames[1]!;
    const againId = documentIdFor(projectId, again);
    await deleteDocument(store, projectId, againId, 'ann');
    await expectReportsEqual('after a delete');
    await pipeline.ingest(projectId, again, exampleFile(again).toString('utf8'));
    for (let i = 0; i < 6; i++) await randomDecision(againId);
    await expectReportsEqual('after the same file came back');

    // Something was decided, moved and detached along the way, so the comparison covered those paths.
    const events = await all((p) => store.auditTrail({ projectId, ...p }));
    for (const action of ['accept', 'reject', 'add', 'undo', 'move'])
      expect(
        events.some((e) => e.action === action),
        action,
      ).toBe(true);
  }, 600_000);
});
