// A Windows-1252 transcript through the real pipeline (DynamoDB Local + s3rver): the stored text and
// segments keep their euro signs, curly quotes and dashes.
import { beforeAll, describe, expect, it } from 'vitest';
import { documentIdFor } from '../../../lib/pipeline/index.js';
import { s3Client } from '../../../lib/store/clients.js';
import { drainTags, exampleProject, runIngest, testPipeline, upload, type TestPipeline } from '../helpers/pipeline.js';

describe('text encodings in the pipeline', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await testPipeline('encoding');
    await exampleProject(p.svc.store, 'p-enc');
  });

  it('stores a cp1252 transcript as €, “ ” and –, with segment offsets into that text', async () => {
    const bytes = Buffer.from('Interviewer: Wat kost thuiswerken?\n\nRespondent 1: Zo\x92n \x8050 per maand \x96 \x93te veel\x94, vind ik.\n', 'latin1');
    const res = await runIngest(p.deps, [await upload(s3Client(p.svc.clientOptions), p.svc.bucketName, 'p-enc', 'oud.txt', bytes)]);
    expect(res.batchItemFailures).toEqual([]);
    await drainTags(p.deps, p.queue);
    const doc = await p.svc.store.getDocument(documentIdFor('p-enc', 'oud.txt'));
    expect(doc?.status).toBe('TAGGED');
    const text = await p.svc.blobs.getText(doc!.textKey!);
    expect(text).toContain('Zo’n €50 per maand – “te veel”, vind ik.');
    const segments = (await p.svc.store.listSegments(doc!.id, {})).items;
    expect(segments.map((s) => s.text)).toEqual(['Wat kost thuiswerken?', 'Zo’n €50 per maand – “te veel”, vind ik.']);
    for (const s of segments) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});
