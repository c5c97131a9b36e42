// Reviewed decisions teach the tagger: a classifier of the project's reviewed passages fills the slots
// the rules leave empty, as ordinary proposals; decisions stay as they were.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { documentIdFor, tagDocument } from '../../../lib/pipeline/index.js';
import { clearClassifierCache } from '../../../lib/pipeline/tag.js';
import type { Coding } from '../../../lib/store/index.js';
import { compileTagger, interviewerContexts } from '../../../lib/tag/index.js';
import { exampleFile, exampleProject, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../helpers/shared.js';

const NAME = 'interview-01.txt';
const TEXT = exampleFile('interview-01-beleidsmedewerker.txt').toString('utf8');
const codebook = parseCodebook(readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8'), 'codebook.yaml');
const fromClassifier = (c: Coding) => c.evidence.some((e) => e.source === 'classifier');

describe('classifier-filled proposals on DynamoDB Local + s3rver', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await testPipeline('classifier');
  });

  it('a project without decisions gets exactly the rule proposals', async () => {
    const { svc } = pipeline;
    await exampleProject(svc.store, 'p-plain');
    await pipeline.ingest('p-plain', NAME, TEXT);
    const documentId = documentIdFor('p-plain', NAME);
    const segments = (await svc.store.listSegments(documentId, { limit: 500 })).items;
    const contexts = interviewerContexts(segments);
    const tagger = compileTagger(codebook);
    const expected = segments.flatMap((s, i) =>
      s.speaker !== null && s.respondent === null ? [] : tagger.tag(s.text, { context: contexts[i] }).map((p) => ({ segmentIndex: s.index, ...p })),
    );
    const codings = await svc.store.listDocumentCodings(documentId);
    expect(expected.length).toBeGreaterThan(0);
    const key = (c: { segmentIndex: number; code: string }) => `${c.segmentIndex}:${c.code}`;
    const stored = codings.map((c) => ({ segmentIndex: c.segmentIndex, code: c.code, score: c.score, evidence: c.evidence })).sort((a, b) => key(a).localeCompare(key(b)));
    expect(stored).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
    expect(codings.some(fromClassifier)).toBe(false);
  });

  it('fills the slots the rules leave empty once the project has enough decisions, and leaves the decisions alone', async () => {
    const { svc, deps } = pipeline;
    const projectId = 'p-clf';
    await exampleProject(svc.store, projectId);
    await pipeline.ingest(projectId, NAME, TEXT);
    const documentId = documentIdFor(projectId, NAME);
    const before = await svc.store.listDocumentCodings(documentId);
    expect(before.some(fromClassifier)).toBe(false);

    // Accept two proposals each of the two codes proposed most often: enough to train on.
    const byCode = new Map<string, Coding[]>();
    for (const c of before) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c]);
    const chosen = [...byCode].filter(([, cs]) => cs.length >= 2).sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1)).slice(0, 2);
    expect(chosen).toHaveLength(2);
    for (const [, cs] of chosen) for (const c of cs.slice(0, 2)) await svc.store.decide({ ...c, action: 'accept', expectedVersion: c.version, userId: 'ann' });
    const decided = (await svc.store.listDocumentCodings(documentId)).filter((c) => c.status !== 'proposed');
    expect(decided).toHaveLength(4);

    clearClassifierCache();
    await tagDocument(deps, { projectId, documentId, reason: 'retag' });
    const after = await svc.store.listDocumentCodings(documentId);

    // The decisions are untouched.
    for (const d of decided) expect(after.find((c) => c.segmentIndex === d.segmentIndex && c.code === d.code)).toEqual(d);
    // Filled proposals: undecided, after fewer than three rule codes on their segment, scoring below them.
    const filled = after.filter(fromClassifier);
    expect(filled.length).toBeGreaterThan(0);
    for (const f of filled) {
      expect(f).toMatchObject({ status: 'proposed', origin: 'rule' });
      expect(f.evidence).toEqual([{ start: 0, end: 0, rule: expect.stringMatching(/^classifier: \d\.\d\d \(from \d+ reviewed passages\)$/), source: 'classifier' }]);
      const onSegment = after.filter((c) => c.segmentIndex === f.segmentIndex);
      const byRules = onSegment.filter((c) => !fromClassifier(c));
      expect(byRules.length).toBeLessThan(3);
      expect(onSegment.length).toBeLessThanOrEqual(3);
      for (const r of byRules.filter((c) => c.status === 'proposed')) expect(f.score).toBeLessThan(r.score);
      expect(f.score).toBeGreaterThan(0);
    }
    // Every rule proposal made before is still there.
    for (const b of before.filter((c) => c.status === 'proposed' && !decided.some((d) => d.segmentIndex === c.segmentIndex && d.code === c.code))) {
      expect(after.find((c) => c.segmentIndex === b.segmentIndex && c.code === b.code)).toMatchObject({ status: 'proposed', score: b.score, evidence: b.evidence });
    }
  });
});
