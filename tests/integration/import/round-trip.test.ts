// export → import → export on the corpus transcripts (../shared): a project ingested from DOCX, PDF, VTT,
// SRT, Otter and a CRLF text with emoji, with accepted and rejected rule proposals, span codings and added
// codings by two reviewers; its .qdpx imported into a second project must export to the same file.
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { s3Client } from '../../../lib/store/clients.js';
import { readQdpx } from '../../../lib/import/qdpx.js';
import { projectCodings } from '../../../lib/review/reviewed-codings.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';
import { exportQdpx, importApi, runImport, type Api } from '../helpers/import.js';
import { drainTags, exampleProject, runIngest, testPipeline, upload, type TestPipeline } from '../helpers/pipeline.js';
import { decide } from '../../../lib/review/decide.js';

const FILES = ['respondent-01.docx', 'respondent-02.pdf', 'respondent-03.vtt', 'respondent-04.srt', 'respondent-05.otter.txt'];

describeShared('round trip on the corpus transcripts', () => {
  let p: TestPipeline;
  let api: Api;

  beforeAll(async () => {
    p = await testPipeline('round-trip');
    api = importApi(p);
    const codebook = readFileSync(sharedPath('corpus/codebooks/zoetermeer-2021.yaml'), 'utf8');
    await exampleProject(p.svc.store, 'corpus-a', codebook);
    await p.svc.store.createProject({ id: 'corpus-b', name: 'corpus-a', members: ['tester'], createdBy: 'tester' });
    const dir = 'corpus/transcripts/zoetermeer-2021';
    const bodies: string[] = [];
    const s3 = s3Client(p.svc.clientOptions);
    for (const f of FILES) bodies.push(await upload(s3, p.svc.bucketName, 'corpus-a', f, readFileSync(sharedPath(dir, f))));
    // A Windows transcript with emoji: CRLF line ends and characters outside the BMP before the codings.
    const crlf = readFileSync(sharedPath(dir, 'respondent-08.txt'), 'utf8')
      .replace(/\n/g, '\r\n')
      .replace('Respondent 8:', 'Respondent 8: 👍🏽')
      .replace(/\. /, '. 😀 ');
    bodies.push(await upload(s3, p.svc.bucketName, 'corpus-a', 'respondent-08-windows.txt', crlf));
    await runIngest(p.deps, bodies);
    await drainTags(p.deps, p.queue);
  }, 240_000);

  it('gives the same .qdpx: sources, codes, codings and positions, users, GUIDs', async () => {
    const { store } = p.svc;
    const docs = (await store.listDocuments('corpus-a')).items;
    expect(docs.map((d) => d.status)).toEqual(FILES.map(() => 'TAGGED').concat('TAGGED'));
    // Decisions: accept and reject rule proposals, add whole-segment and span codings, by two reviewers.
    const queue = (await store.reviewQueue({ projectId: 'corpus-a', limit: 500, order: 'score' })).items;
    expect(queue.length).toBeGreaterThan(20);
    for (const [i, c] of queue.slice(0, 24).entries()) {
      await decide(store, {
        ...c,
        projectId: 'corpus-a',
        action: i % 4 === 3 ? 'reject' : 'accept',
        expectedVersion: c.version,
        userId: i % 2 ? 'tester' : 'second',
      });
    }
    const windows = docs.find((d) => d.fileName === 'respondent-08-windows.txt')!;
    const segs = (await store.listSegments(windows.id, { limit: 500 })).items.filter((s) => s.respondent);
    const emoji = segs.find((s) => s.text.includes('👍🏽'))!;
    const at = emoji.text.indexOf('👍🏽') + 5;
    await decide(store, {
      projectId: 'corpus-a',
      documentId: windows.id,
      segmentIndex: emoji.index,
      code: 'voorwaarden/vertrouwen',
      action: 'add',
      expectedVersion: (await store.getCoding({ documentId: windows.id, segmentIndex: emoji.index, code: 'voorwaarden/vertrouwen' }))?.version ?? null,
      userId: 'tester',
      categoryId: 'voorwaarden',
      span: { start: at, end: at + 20 },
    });
    for (const s of segs.slice(1, 4)) {
      const ref = { documentId: windows.id, segmentIndex: s.index, code: 'effecten/uitwisselen-hulpbronnen' };
      await decide(store, {
        projectId: 'corpus-a',
        ...ref,
        action: 'add',
        expectedVersion: (await store.getCoding(ref))?.version ?? null,
        userId: 'second',
        categoryId: 'effecten',
      });
    }

    const first = await exportQdpx(api, 'corpus-a');
    const read = await readQdpx(first.bytes, 'corpus-a.qdpx');
    expect(read.report.skipped).toEqual([]);
    expect(read.sources).toHaveLength(6);
    const accepted = (await projectCodings(store, 'corpus-a')).codings.filter((c) => c.status === 'accepted');
    expect(read.codings).toHaveLength(accepted.length);

    const imported = await runImport(p, api, 'corpus-b', first.bytes, 'corpus-a.qdpx');
    expect(imported.applied.flatMap((a) => a.skipped)).toEqual([]);
    expect(imported.applied.reduce((n, a) => n + a.imported, 0)).toBe(accepted.length);
    const second = await exportQdpx(api, 'corpus-b');
    expect(second.qde).toBe(first.qde);
    expect(second.files).toEqual(first.files);
    // The emoji span and the CRLF source came through exactly.
    const span = read.codings.find((c) => c.quote.length === 20 && read.sources.find((s) => s.guid === c.sourceGuid)!.text.includes('👍🏽'))!;
    expect(span.quote).toBe(emoji.text.slice(at, at + 20));
  }, 300_000);
});
