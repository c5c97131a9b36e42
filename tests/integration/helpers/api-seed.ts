// Seeds a project for the API tests straight through the store ports (no pipeline): a codebook,
// documents whose text lives in the bucket, one segment per "Speaker: text" line, and rule proposals
// wherever a code's keyword occurs (with the keyword as evidence).
import { parseCodebook } from '../../../lib/codebook/index.js';
import type { Codebook, Segment } from '../../../lib/model.js';
import type { BlobStore, Coding, Store } from '../../../lib/coding/index.js';
import { decide } from '../../../lib/review/decide.js';
import { claimUpload } from '../../../lib/pipeline/claim.js';

export const seedCodebookYaml = `id: api-test
title: API test codebook
language: nl
categories:
  - id: voorwaarden
    name: Voorwaarden
    codes:
      - id: voorwaarden/vertrouwen
        name: Vertrouwen
        rules: [vertrouwen]
      - id: voorwaarden/tijd
        name: Tijd
        rules: [tijd]
  - id: effecten
    name: Effecten
    codes:
      - id: effecten/samenwerking
        name: Samenwerking
        rules: [samenwerking]
`;

/** keyword → code, and the score each gets (so ordering by score is testable). */
const keywords: Array<[string, string, number]> = [
  ['vertrouwen', 'voorwaarden/vertrouwen', 0.9],
  ['tijd', 'voorwaarden/tijd', 0.5],
  ['samenwerking', 'effecten/samenwerking', 0.7],
];

export interface SeedDocument {
  id: string;
  name: string;
  text: string;
}

export function segmentsOf(documentId: string, text: string): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    const end = start + line.length;
    if (line.trim()) {
      const speaker = /^([^:]{1,40}):/.exec(line)?.[1] ?? null;
      const index = out.length;
      out.push({
        id: `${documentId}:t${String(index + 1).padStart(4, '0')}`,
        index,
        start,
        end,
        text: line,
        speaker,
        respondent: speaker && speaker !== 'Interviewer' ? speaker : null,
        page: null,
      });
    }
    start = end + 1;
  }
  return out;
}

export async function seedProject(
  store: Store,
  blobs: BlobStore,
  projectId: string,
  members: string[],
  docs: SeedDocument[],
): Promise<{ codebook: Codebook; proposals: Coding[] }> {
  await store.createProject({ id: projectId, name: `Project ${projectId}`, members, createdBy: members[0]! });
  const codebook = parseCodebook(seedCodebookYaml, 'api-test.yaml');
  await store.putCodebookVersion({
    projectId,
    version: codebook.version,
    codebook,
    sourceText: seedCodebookYaml,
    fileName: 'api-test.yaml',
    createdBy: members[0]!,
  });
  const proposals: Coding[] = [];
  for (const d of docs) {
    await claimUpload(store, { projectId, documentId: d.id, fileName: d.name, s3Key: `uploads/${projectId}/${d.name}`, sourceVersion: 'v1' });
    const textKey = `text/${projectId}/${d.id}.txt`;
    await blobs.putObject(textKey, d.text, 'text/plain; charset=utf-8');
    const segments = segmentsOf(d.id, d.text);
    await store.putSegments(projectId, d.id, segments);
    const respondents = [...new Set(segments.flatMap((s) => (s.respondent ? [s.respondent] : [])))];
    const codings: Coding[] = [];
    for (const s of segments) {
      for (const [word, code, score] of keywords) {
        const at = s.text.toLowerCase().indexOf(word);
        if (at < 0) continue;
        codings.push({
          projectId,
          documentId: d.id,
          segmentIndex: s.index,
          segmentId: s.id,
          segmentStart: s.start,
          segmentEnd: s.end,
          segmentText: s.text,
          code,
          categoryId: code.split('/')[0]!,
          respondent: s.respondent,
          speaker: s.speaker,
          page: s.page,
          origin: 'rule',
          status: 'proposed',
          score,
          evidence: [{ start: at, end: at + word.length, rule: word }],
          codebookVersion: codebook.version,
          version: 1,
          createdAt: new Date().toISOString(),
        });
      }
    }
    const r = await store.applyCodingChanges(codings.map((coding) => ({ kind: 'put' as const, coding, expectedVersion: null })));
    if (r.conflicts.length) throw new Error(`seeding ${d.id}: ${r.conflicts.length} conflicts`);
    await store.updateDocument(projectId, d.id, {
      status: 'TAGGED',
      format: 'txt',
      textKey,
      segmentCount: segments.length,
      respondents,
      codebookVersion: codebook.version,
      proposalCount: codings.length,
    });
    proposals.push(...codings);
  }
  return { codebook, proposals };
}

/**
 * Turns for the rule-learning tests, one a line. "wijkagent" goes with vertrouwen; eight "tijd" turns are the
 * other reviewed passages; the Samenwerking turn (R13) gets a proposal that stays undecided.
 */
export const reviewedTurns = [
  'R1: Vertrouwen in de wijkagent is groot.',
  'R2: De wijkagent geeft vertrouwen.',
  'R3: Vertrouwen is er niet.',
  'R4: De wijkagent kent iedereen.',
  ...Array.from({ length: 8 }, (_, i) => `R${i + 5}: Geen tijd voor overleg nummer ${i + 1}.`),
  'R13: Samenwerking blijft lastig.',
];

/**
 * Seeds doc-1 (interview-1.txt) with reviewedTurns and then extraTurns, and decides as `userId`: the
 * vertrouwen proposals on R1 and R2 accepted, the one on R3 rejected, vertrouwen added by hand on R4 (no
 * rule matches it), every tijd proposal accepted; the rest stays undecided.
 */
export async function seedReviewedProject(
  store: Store,
  blobs: BlobStore,
  projectId: string,
  userId: string,
  extraTurns: string[] = [],
): Promise<{ codebook: Codebook; proposals: Coding[] }> {
  const text = `${[...reviewedTurns, ...extraTurns].join('\n')}\n`;
  const seeded = await seedProject(store, blobs, projectId, [userId], [{ id: 'doc-1', name: 'interview-1.txt', text }]);
  const decideOn = (p: Coding, action: 'accept' | 'reject') =>
    decide(store, { projectId, documentId: p.documentId, segmentIndex: p.segmentIndex, code: p.code, action, expectedVersion: p.version, userId });
  for (const p of seeded.proposals) {
    if (p.code === 'voorwaarden/vertrouwen') await decideOn(p, p.segmentIndex === 2 ? 'reject' : 'accept');
    if (p.code === 'voorwaarden/tijd') await decideOn(p, 'accept');
  }
  await decide(store, {
    projectId,
    documentId: 'doc-1',
    segmentIndex: 3,
    code: 'voorwaarden/vertrouwen',
    categoryId: 'voorwaarden',
    action: 'add',
    expectedVersion: null,
    userId,
  });
  return seeded;
}
