// A document whose text reads as another language than the project's codebook gets a warning on its record
// (and in the log); a matching one does not, and a re-tag with a matching codebook clears it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { documentIdFor, requestRetag } from '../../../lib/pipeline/index.js';
import { toDocumentSummary } from '../../../lib/api/mappers.js';
import { projectRoot } from '../../helpers/shared.js';
import { drainTags, exampleFile, exampleProject, testPipeline, type TestPipeline } from '../helpers/pipeline.js';

describe('codebook language against the document text, on DynamoDB Local + s3rver', () => {
  let pipeline: TestPipeline;
  const warnings: Array<{ message: string; extra: Array<Record<string, unknown>> }> = [];

  beforeAll(async () => {
    pipeline = await testPipeline('language-warning');
    pipeline.deps.log = { info() {}, error() {}, warn: (message, ...extra) => warnings.push({ message, extra }) };
    await exampleProject(pipeline.svc.store, 'p-lang'); // the example codebook is Dutch
  });

  it('warns on the English interview, not on the Dutch one', async () => {
    const { store } = pipeline.svc;
    await pipeline.ingest('p-lang', 'nl.txt', exampleFile('interview-01-beleidsmedewerker.txt').toString('utf8'));
    await pipeline.ingest('p-lang', 'en.md', exampleFile('interview-04-caseworker.md').toString('utf8'));
    const nl = await store.getDocument(documentIdFor('p-lang', 'nl.txt'));
    const en = await store.getDocument(documentIdFor('p-lang', 'en.md'));
    expect(nl).toMatchObject({ status: 'TAGGED' });
    expect(nl!.languageWarning).toBeUndefined();
    expect(en).toMatchObject({ status: 'TAGGED' });
    expect(en!.languageWarning).toMatch(/codebook's language is Dutch \(nl\) but the texts read as English/);
    expect(toDocumentSummary(en!).languageWarning).toBe(en!.languageWarning);
    expect(toDocumentSummary(nl!)).not.toHaveProperty('languageWarning');
    expect(warnings.map((w) => w.extra[0]?.documentId)).toEqual([documentIdFor('p-lang', 'en.md')]);
  });

  it('clears the warning when the project gets a codebook in the document language', async () => {
    const { store } = pipeline.svc;
    const text = readFileSync(path.join(projectRoot, 'tests/fixtures/codebook/small-en.yaml'), 'utf8');
    const codebook = parseCodebook(text, 'small-en.yaml');
    await store.putCodebookVersion({
      projectId: 'p-lang',
      version: codebook.version,
      codebook,
      sourceText: text,
      fileName: 'small-en.yaml',
      createdBy: 'tester',
    });
    await requestRetag(pipeline.deps, 'p-lang');
    await drainTags(pipeline.deps, pipeline.queue);
    expect((await store.getDocument(documentIdFor('p-lang', 'en.md')))!.languageWarning).toBeUndefined();
    expect((await store.getDocument(documentIdFor('p-lang', 'nl.txt')))!.languageWarning).toMatch(
      /codebook's language is English \(en\) but the texts read as Dutch/,
    );
  });
});
