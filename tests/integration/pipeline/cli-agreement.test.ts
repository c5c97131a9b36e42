// `qualtag code` on a transcript proposes exactly what an upload of it gets in the local stack: the same
// segments, no proposals on the title line or on interviewer turns, the same codes, scores and evidence.
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { documentIdFor } from '../../../lib/pipeline/index.js';
import type { Evidence } from '../../../lib/model.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';
import { runCli } from '../../unit/cli/cli-capture.js';
import { drainTags, exampleProject, runIngest, testPipeline, upload, type TestPipeline } from '../helpers/pipeline.js';
import { s3Client } from '../../../lib/store/clients.js';

// One transcript per source format the study has (txt, PDF, DOCX, WebVTT, SRT, Otter).
const FILES = ['respondent-02.txt', 'respondent-02.pdf', 'respondent-01.docx', 'respondent-03.vtt', 'respondent-04.srt', 'respondent-05.otter.txt'];

interface Row {
  segmentIndex: number;
  code: string;
  score: number;
  evidence: Evidence[];
}

describeShared('qualtag code agrees with the pipeline on zoetermeer-2021 transcripts', () => {
  let pipeline: TestPipeline;
  const codebookPath = () => sharedPath('corpus/codebooks/zoetermeer-2021.yaml');
  const transcript = (name: string) => sharedPath('corpus/transcripts/zoetermeer-2021', name);

  beforeAll(async () => {
    pipeline = await testPipeline('cli-agreement');
    await exampleProject(pipeline.svc.store, 'p-agree', readFileSync(codebookPath(), 'utf8'));
  });

  it.each(FILES)('%s', async (name) => {
    const { svc, deps, queue } = pipeline;
    const body = await upload(s3Client(svc.clientOptions), svc.bucketName, 'p-agree', name, readFileSync(transcript(name)));
    expect((await runIngest(deps, [body])).batchItemFailures).toEqual([]);
    await drainTags(deps, queue);
    const documentId = documentIdFor('p-agree', name);
    const segments = (await svc.store.listSegments(documentId, { limit: 500 })).items;
    const key = (r: Row) => `${String(r.segmentIndex).padStart(4, '0')}:${r.code}`;
    const stored: Row[] = (await svc.store.listDocumentCodings(documentId))
      .map((c) => ({ segmentIndex: c.segmentIndex, code: c.code, score: c.score, evidence: c.evidence }))
      .sort((a, b) => key(a).localeCompare(key(b)));

    const cli = await runCli('code', transcript(name), '--codebook', codebookPath());
    expect(cli.code).toBe(0);
    const lines = cli.out
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            index: number;
            start: number;
            end: number;
            text: string;
            speaker: string | null;
            skip?: string;
            proposals: Array<Omit<Row, 'segmentIndex'>>;
          },
      );
    // The same segments...
    expect(lines.map((l) => [l.index, l.start, l.end, l.speaker])).toEqual(segments.map((s) => [s.index, s.start, s.end, s.speaker]));
    // ...the same proposals...
    const proposed: Row[] = lines
      .flatMap((l) => l.proposals.map((p) => ({ segmentIndex: l.index, code: p.code, score: p.score, evidence: p.evidence })))
      .sort((a, b) => key(a).localeCompare(key(b)));
    expect(proposed.length).toBeGreaterThan(0);
    expect(proposed).toEqual(stored);
    // ...and none on interviewer turns or the title line.
    for (const l of lines) {
      if (l.speaker !== null && !/^Respondent/i.test(l.speaker)) expect(l).toMatchObject({ skip: 'interviewer', proposals: [] });
      if (/^Interview respondent/.test(l.text)) expect(l).toMatchObject({ skip: 'title', proposals: [] });
    }
    expect(stored.every((r) => segments[r.segmentIndex]!.respondent !== null)).toBe(true);
  });
});
