// The pipeline tags with the learned ranker trained on the project's codebook and reviewed decisions:
// the stored proposals are what the proposer gives (as `qualtag code` computes them), a decision
// changes the next proposals, and re-tagging never changes a human decision.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { documentIdFor, tagDocument } from '../../../lib/pipeline/index.js';
import { requestLearningRetag } from '../../../lib/pipeline/retag.js';
import { clearProposerCache } from '../../../lib/pipeline/tag.js';
import type { Coding } from '../../../lib/coding/index.js';
import { buildProposer } from '../../../lib/tag/propose.js';
import { tagSegments } from '../../../lib/tag/structure.js';
import { projectRoot } from '../../helpers/shared.js';
import { exampleFile, exampleProject, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { decide } from '../../../lib/review/decide.js';

const TEXT = exampleFile('interview-01-beleidsmedewerker.txt').toString('utf8');
const codebook = parseCodebook(readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8'), 'codebook.yaml');
const key = (c: { segmentIndex: number; code: string }) => `${c.segmentIndex}:${c.code}`;

/** Polls until `f` returns a non-empty list (the re-tag request is sent in the background). */
async function until<T>(f: () => T[]): Promise<T[]> {
  for (let i = 0; i < 100; i++) {
    const v = f();
    if (v.length) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

describe('learned proposals on DynamoDB Local + s3rver', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await testPipeline('learned');
  });

  it('a project without decisions gets exactly what the proposer gives for the codebook (as qualtag code does)', async () => {
    const { svc } = pipeline;
    await exampleProject(svc.store, 'p-plain');
    await pipeline.ingest('p-plain', 'a.txt', TEXT);
    const documentId = documentIdFor('p-plain', 'a.txt');
    const segments = (await svc.store.listSegments(documentId, { limit: 500 })).items;
    const expected = tagSegments(buildProposer(codebook), segments, { format: 'txt' }).flatMap(({ segment, proposals }) =>
      proposals.map((p) => ({ segmentIndex: segment.index, ...p })),
    );
    const codings = await svc.store.listDocumentCodings(documentId);
    expect(expected.length).toBeGreaterThan(0);
    const stored = codings.map((c) => ({ segmentIndex: c.segmentIndex, code: c.code, score: c.score, confidence: c.confidence, evidence: c.evidence }));
    expect(stored.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
    for (const c of codings) expect(c.confidence).toBeGreaterThan(0);
  });

  it('codes a reviewer added are proposed on the same passages of the next document; decisions stay as they were', async () => {
    const { svc, deps } = pipeline;
    const projectId = 'p-learn';
    await exampleProject(svc.store, projectId);
    await pipeline.ingest(projectId, 'first.txt', TEXT);
    await pipeline.ingest(projectId, 'second.txt', TEXT);
    const first = documentIdFor(projectId, 'first.txt');
    const second = documentIdFor(projectId, 'second.txt');
    const before = await svc.store.listDocumentCodings(second);
    const segments = (await svc.store.listSegments(first, { limit: 500 })).items;
    const proposedOn = (codings: Coding[], index: number) => codings.filter((c) => c.segmentIndex === index).map((c) => c.code);

    // The reviewer adds, on three respondent turns of the first document, a code the tagger did not propose there.
    const answers = segments.filter((s) => s.respondent !== null);
    const target = [...new Set(codebook.categories.flatMap((c) => c.codes.map((k) => k.id)))].find(
      (code) => answers.filter((s) => !proposedOn(before, s.index).includes(code)).length >= 3,
    )!;
    expect(target).toBeDefined();
    const chosen = answers.filter((s) => !proposedOn(before, s.index).includes(target)).slice(0, 3);
    const categoryId = codebook.categories.find((c) => c.codes.some((k) => k.id === target))!.id;
    for (const s of chosen)
      await decide(svc.store, {
        projectId,
        documentId: first,
        segmentIndex: s.index,
        code: target,
        action: 'add',
        expectedVersion: null,
        userId: 'ann',
        categoryId,
      });
    const decided = (await svc.store.listDocumentCodings(first)).filter((c) => c.status !== 'proposed');
    expect(decided).toHaveLength(3);

    // The decisions ask for a re-tag of the project's other documents (the decided one is left alone).
    clearProposerCache();
    pipeline.queue.take();
    requestLearningRetag(deps, projectId, first, (e) => {
      throw e;
    });
    const requested = await until(() => pipeline.queue.take());
    expect(requested).toEqual([{ projectId, documentId: second, reason: 'retag' }]);
    await tagDocument(deps, requested[0]!);
    await tagDocument(deps, { projectId, documentId: first, reason: 'retag' });
    const after = await svc.store.listDocumentCodings(second);
    // The same passages in the next document now get the added code proposed.
    for (const s of chosen) expect(proposedOn(after, s.index)).toContain(target);
    // Re-tagging left every decision exactly as it was.
    const firstAfter = await svc.store.listDocumentCodings(first);
    for (const d of decided) expect(firstAfter.find((c) => key(c) === key(d))).toEqual(d);
  });
});
