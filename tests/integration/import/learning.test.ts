// What imported codings teach the tagger, measured like `qualtag eval` on the gold passages (../shared):
// a third of each code's passages, coded elsewhere, arrive as a .qdpx (sources + codings); the other
// passages are then uploaded (one row each) to that project and to one without the import, and their
// proposals are scored (hit@1 / hit@3: the gold code or one in `also` among the top 1 / 3). Everything
// runs through the real import, pipeline and store (DynamoDB Local + s3rver); the figures are printed
// and written to $QUALTAG_LEARNING_OUT when set.
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { buildQdpx } from '../../../lib/export/qdpx.js';
import { clearProposerCache } from '../../../lib/pipeline/tag.js';
import { projectCodings, reviewedPassages } from '../../../lib/review/reviewed-codings.js';
import { s3Client } from '../../../lib/store/clients.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';
import { importApi, runImport, type Api } from '../helpers/import.js';
import { drainTags, runIngest, testPipeline, upload, type TestPipeline } from '../helpers/pipeline.js';

interface Gold {
  id: string;
  code: string;
  also?: string[];
  text: string;
}

/** Every third passage of each code (in file order) is "coded elsewhere"; the rest is measured. */
function split(items: Gold[]): { train: Gold[]; test: Gold[] } {
  const seen = new Map<string, number>();
  const train: Gold[] = [];
  const test: Gold[] = [];
  for (const g of items) {
    const n = seen.get(g.code) ?? 0;
    seen.set(g.code, n + 1);
    (n % 3 === 0 ? train : test).push(g);
  }
  return { train, test };
}

/** A .qdpx as a colleague's tool would send it: the training passages as sources of ten paragraphs, each coded. */
function coldQdpx(name: string, codebookYaml: string, train: Gold[]): Uint8Array {
  const codebook = parseCodebook(codebookYaml, `${name}.yaml`);
  const documents = [];
  const codings = [];
  for (let i = 0; i < train.length; i += 10) {
    const part = train.slice(i, i + 10);
    const id = `src-${i / 10 + 1}`;
    let text = '';
    for (const g of part) {
      const passage = g.text.replace(/\s*\n\s*/g, ' ').trim();
      const start = text.length;
      text += passage;
      for (const code of [g.code, ...(g.also ?? [])])
        codings.push({ documentId: id, id: `${g.id}:${code}`, code, start, end: text.length, user: 'colleague', at: '2025-05-01T09:00:00Z' });
      text += '\n\n';
    }
    documents.push({ id, name: `${name} coded ${i / 10 + 1}`, text, createdAt: '2025-05-01T09:00:00Z', respondents: [] });
  }
  return buildQdpx({ projectName: `${name} (coded elsewhere)`, codebook, documents, codings, now: '2025-05-02T09:00:00Z', user: 'colleague' });
}

interface Figures {
  passages: number;
  hitAt1: number;
  hitAt3: number;
  /** Proposals in the top 3 that show an imported passage as their most similar example. */
  exampleProposals: number;
}

/** Proposals of the uploaded rows, scored against the gold codes. */
async function measure(p: TestPipeline, projectId: string, test: Gold[]): Promise<Figures> {
  const docs = (await p.svc.store.listDocuments(projectId)).items.filter((d) => d.fileName === 'rest.jsonl');
  const codings = await p.svc.store.listDocumentCodings(docs[0]!.id);
  const bySegment = new Map<string, typeof codings>();
  for (const c of codings) if (c.origin === 'rule') (bySegment.get(c.segmentId) ?? bySegment.set(c.segmentId, []).get(c.segmentId)!).push(c);
  let hit1 = 0;
  let hit3 = 0;
  let fromExamples = 0;
  for (const g of test) {
    const ranked = (bySegment.get(g.id) ?? []).sort((a, b) => b.score - a.score || a.code.localeCompare(b.code)).slice(0, 3);
    const ok = new Set([g.code, ...(g.also ?? [])]);
    if (ranked[0] && ok.has(ranked[0].code)) hit1++;
    if (ranked.some((c) => ok.has(c.code))) hit3++;
    fromExamples += ranked.filter((c) => c.evidence.some((e) => e.source === 'example')).length;
  }
  const r3 = (x: number) => Math.round((x / test.length) * 1000) / 1000;
  return { passages: test.length, hitAt1: r3(hit1), hitAt3: r3(hit3), exampleProposals: fromExamples };
}

describeShared('imported codings teach the tagger', () => {
  let p: TestPipeline;
  let api: Api;
  const results: Record<string, { train: number; imported: number; without: Figures; withImport: Figures }> = {};

  beforeAll(async () => {
    p = await testPipeline('learning');
    api = importApi(p);
  }, 60_000);

  for (const name of ['zoetermeer-2021', 'wodc-versterking-2021']) {
    it(`${name}: a third of the passages imported as coded sources, the rest measured with and without them`, async () => {
      const yaml = readFileSync(sharedPath(`corpus/codebooks/${name}.yaml`), 'utf8');
      const items = readFileSync(sharedPath(`corpus/gold/${name}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Gold);
      const { train, test } = split(items);
      const codebook = parseCodebook(yaml, `${name}.yaml`);
      const base = `${name.slice(0, 10)}-base`;
      const withImport = `${name.slice(0, 10)}-import`;
      for (const id of [base, withImport]) {
        await p.svc.store.createProject({ id, name: id, members: ['tester'], createdBy: 'tester' });
        await p.svc.store.putCodebookVersion({
          projectId: id,
          version: codebook.version,
          codebook,
          sourceText: yaml,
          fileName: `${name}.yaml`,
          createdBy: 'tester',
        });
      }
      const run = await runImport(p, api, withImport, coldQdpx(name, yaml, train), `${name}-coded.qdpx`);
      expect(run.started.codebook.added).toBe(0); // same codebook: codes matched by name
      const imported = run.applied.reduce((n, a) => n + a.imported, 0);
      expect(run.applied.flatMap((a) => a.skipped)).toEqual([]);
      const { examples } = reviewedPassages((await projectCodings(p.svc.store, withImport)).codings);
      expect(examples.length).toBeGreaterThanOrEqual(train.length);

      // The rest, uploaded afterwards to both projects (the tagger trains again: no decision is cached).
      clearProposerCache();
      const rows = test.map((g) => JSON.stringify({ id: g.id, text: g.text })).join('\n');
      const s3 = s3Client(p.svc.clientOptions);
      await runIngest(p.deps, [
        await upload(s3, p.svc.bucketName, base, 'rest.jsonl', rows),
        await upload(s3, p.svc.bucketName, withImport, 'rest.jsonl', rows),
      ]);
      await drainTags(p.deps, p.queue);
      const without = await measure(p, base, test);
      const withIt = await measure(p, withImport, test);
      results[name] = { train: train.length, imported, without, withImport: withIt };
      console.log(
        `[learning] ${name}: ${train.length} passages imported (${imported} codings), ${test.length} measured: without import hit@1 ${without.hitAt1} hit@3 ${without.hitAt3}; with import hit@1 ${withIt.hitAt1} hit@3 ${withIt.hitAt3} (${withIt.exampleProposals} proposals in the top 3 show an imported passage as their example)`,
      );
      // Without reviewed passages nothing is learnt; the imported ones teach the ranker at once.
      expect(without.exampleProposals).toBe(0);
      expect(withIt.exampleProposals).toBeGreaterThan(0);
      expect(withIt.hitAt3).toBeGreaterThan(without.hitAt3);
      if (process.env.QUALTAG_LEARNING_OUT) writeFileSync(process.env.QUALTAG_LEARNING_OUT, `${JSON.stringify(results, null, 2)}\n`);
    }, 300_000);
  }
});
