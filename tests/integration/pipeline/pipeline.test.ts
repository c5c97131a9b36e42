import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { documentIdFor, requestRetag, type PipelineDeps } from '../../../lib/pipeline/index.js';
import { dynamoClient, s3Client } from '../../../lib/store/clients.js';
import type { BlobStore } from '../../../lib/coding/index.js';
import { testStore, type TestServices } from '../helpers/services.js';
import { CapturingTagQueue, drainTags, exampleFile, exampleNames, exampleProject, runIngest, upload } from '../helpers/pipeline.js';
import type { Adapters } from '../../../lib/store/index.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../helpers/shared.js';
import { decide } from '../../../lib/review/decide.js';

describe('ingest → tag pipeline on DynamoDB Local + s3rver', () => {
  let svc: TestServices & Adapters;
  let queue: CapturingTagQueue;
  let deps: PipelineDeps;
  const s3 = () => s3Client(svc.clientOptions);

  /** Every item of a document's partition, keyed by SK (duplicates would show as extra keys or counts). */
  async function partition(documentId: string): Promise<string[]> {
    const out = await dynamoClient(svc.clientOptions).send(
      new QueryCommand({ TableName: svc.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `DOC#${documentId}` } }),
    );
    return (out.Items ?? []).map((i) => String(i.SK)).sort();
  }

  beforeAll(async () => {
    svc = await testStore('pipeline');
    queue = new CapturingTagQueue();
    deps = { store: svc.store, blobs: svc.blobs, tagQueue: queue };
  });

  it('takes an upload to TAGGED with proposals, text in S3 and the key decoded as S3 encodes it', async () => {
    await exampleProject(svc.store, 'p-basic');
    const name = 'ronde 1+2/interview één.txt';
    const body = await upload(s3(), svc.bucketName, 'p-basic', name, exampleFile(exampleNames[0]!));
    expect(body).toContain('ronde+1%2B2/interview+%C3%A9%C3%A9n.txt');
    const res = await runIngest(deps, [body]);
    expect(res.batchItemFailures).toEqual([]);
    const id = documentIdFor('p-basic', name);
    expect((await svc.store.getDocument(id))?.status).toBe('EXTRACTED');
    expect(await drainTags(deps, queue)).toBe(1);
    const doc = await svc.store.getDocument(id);
    expect(doc).toMatchObject({ status: 'TAGGED', fileName: name, format: 'txt', respondents: ['Respondent 1'], segmentCount: 10 });
    expect(doc!.proposalCount).toBeGreaterThan(0);
    const queue1 = await svc.store.reviewQueue({ projectId: 'p-basic', documentId: id, limit: 500 });
    expect(queue1.items.length).toBe(doc!.proposalCount);
    expect(queue1.items.map((c) => c.code)).toContain('werkomstandigheden/werkdruk');
    const text = await svc.blobs.getText(doc!.textKey!);
    for (const c of queue1.items) expect(text.slice(c.segmentStart, c.segmentEnd)).toBe(c.segmentText);
    // Only answers are proposed for coding; the interviewer's questions serve as their context.
    expect(queue1.items.every((c) => c.respondent === 'Respondent 1')).toBe(true);
  });

  it('delivers the same S3 event twice (also within one batch) without duplicate items', async () => {
    await exampleProject(svc.store, 'p-dup');
    const body = await upload(s3(), svc.bucketName, 'p-dup', 'a.vtt', exampleFile(exampleNames[1]!));
    await runIngest(deps, [body, body]);
    await drainTags(deps, queue);
    const id = documentIdFor('p-dup', 'a.vtt');
    const first = await partition(id);
    await runIngest(deps, [body]);
    await drainTags(deps, queue);
    expect(await partition(id)).toEqual(first);
    const doc = await svc.store.getDocument(id);
    expect(first.filter((sk) => sk.startsWith('SEG#'))).toHaveLength(doc!.segmentCount!);
    expect(first.filter((sk) => sk.startsWith('CODING#'))).toHaveLength(doc!.proposalCount!);
  });

  it('marks only the corrupt file FAILED when it shares a batch with good ones', async () => {
    await exampleProject(svc.store, 'p-corrupt');
    const bodies = [
      await upload(s3(), svc.bucketName, 'p-corrupt', 'good.srt', exampleFile(exampleNames[2]!)),
      await upload(s3(), svc.bucketName, 'p-corrupt', 'broken.pdf', Buffer.from('%PDF-1.7\n this is not really a pdf \x00\x01\x02')),
      await upload(s3(), svc.bucketName, 'p-corrupt', 'empty.txt', new Uint8Array()),
      await upload(s3(), svc.bucketName, 'p-corrupt', 'good.md', exampleFile(exampleNames[3]!)),
    ];
    const res = await runIngest(deps, bodies);
    expect(res.batchItemFailures).toEqual([]);
    await drainTags(deps, queue);
    const docs = (await svc.store.listDocuments('p-corrupt')).items;
    const byName = Object.fromEntries(docs.map((d) => [d.fileName, d]));
    expect(byName['good.srt']?.status).toBe('TAGGED');
    expect(byName['good.md']?.status).toBe('TAGGED');
    expect(byName['broken.pdf']?.status).toBe('FAILED');
    expect(byName['broken.pdf']?.reason).toMatch(/\S{10,}/);
    expect(byName['empty.txt']?.status).toBe('FAILED');
  });

  it('a batch that crashes half-way and is delivered again leaves every item exactly once', async () => {
    await exampleProject(svc.store, 'p-crash');
    const names = exampleNames.map((n, i) => `crash-${i}-${n}`);
    const bodies = await Promise.all(names.map((n, i) => upload(s3(), svc.bucketName, 'p-crash', n, exampleFile(exampleNames[i]!))));
    // The third object's read dies the first time (a crash mid-batch); the others go through.
    let crashed = false;
    const crashing: BlobStore = {
      ...svc.blobs,
      getBytes: async (key, v) => {
        if (!crashed && key.includes('crash-2-')) {
          crashed = true;
          throw new Error('simulated crash');
        }
        return svc.blobs.getBytes(key, v);
      },
      putObject: (k, b, t) => svc.blobs.putObject(k, b, t),
      getText: (k) => svc.blobs.getText(k),
      presignUpload: (k, t, e) => svc.blobs.presignUpload(k, t, e),
      presignDownload: (k, e) => svc.blobs.presignDownload(k, e),
      getTextIfExists: (k) => svc.blobs.getTextIfExists(k),
    };
    const first = await runIngest({ ...deps, blobs: crashing }, bodies);
    expect(first.batchItemFailures).toHaveLength(1);
    // Lambda's worst case: the whole batch comes back, not only the failed message.
    const again = await runIngest(deps, bodies);
    expect(again.batchItemFailures).toEqual([]);
    await drainTags(deps, queue);
    for (const n of names) {
      const id = documentIdFor('p-crash', n);
      const doc = await svc.store.getDocument(id);
      expect(doc?.status).toBe('TAGGED');
      const items = await partition(id);
      expect(new Set(items).size).toBe(items.length);
      expect(items.filter((sk) => sk.startsWith('SEG#'))).toHaveLength(doc!.segmentCount!);
      expect(items.filter((sk) => sk.startsWith('CODING#'))).toHaveLength(doc!.proposalCount!);
    }
  });

  it('re-tags after a codebook edit and keeps every human decision', async () => {
    await exampleProject(svc.store, 'p-retag');
    const bodies = await Promise.all(exampleNames.map((n) => upload(s3(), svc.bucketName, 'p-retag', n, exampleFile(n))));
    await runIngest(deps, bodies);
    await drainTags(deps, queue);
    const proposals = (await svc.store.reviewQueue({ projectId: 'p-retag', code: 'werkomstandigheden/werkdruk', limit: 100 })).items;
    expect(proposals.length).toBeGreaterThanOrEqual(2);
    const [toAccept, toReject] = proposals;
    await decide(svc.store, { ...toAccept!, action: 'accept', expectedVersion: toAccept!.version, userId: 'tester' });
    await decide(svc.store, { ...toReject!, action: 'reject', expectedVersion: toReject!.version, userId: 'tester' });
    const vertrouwen = (await svc.store.reviewQueue({ projectId: 'p-retag', code: 'samenwerking/vertrouwen', limit: 100 })).items[0]!;
    await decide(svc.store, { ...vertrouwen, action: 'accept', expectedVersion: vertrouwen.version, userId: 'tester' });
    const humanRef = { projectId: 'p-retag', documentId: toAccept!.documentId, segmentIndex: toAccept!.segmentIndex, code: 'eigen/code' };
    await decide(svc.store, { ...humanRef, action: 'add', expectedVersion: null, userId: 'tester', categoryId: 'eigen' });

    // Edit: werkdruk leaves the codebook (its decisions stay); a new code appears.
    const original = readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8');
    const edited = `${original
      .replace(/ {2}- id: werkomstandigheden\/werkdruk\n(?: {4}.*\n)+?(?= {2}- id: )/, '')
      .replace(
        '- id: samenwerking\n',
        '- id: samenwerking\n',
      )}\n- id: gemeente\n  name: Gemeente\n  codes:\n  - id: gemeente/kantoor\n    name: Kantoor\n    rules:\n    - kantoor OR office\n`;
    expect(edited).not.toBe(original);
    const cb = parseCodebook(edited, 'codebook.yaml');
    await svc.store.putCodebookVersion({
      projectId: 'p-retag',
      version: cb.version,
      codebook: cb,
      sourceText: edited,
      fileName: 'codebook.yaml',
      createdBy: 'tester',
    });
    expect(await requestRetag(deps, 'p-retag')).toBe(4);
    await drainTags(deps, queue);

    expect(await svc.store.getCoding(toAccept!)).toMatchObject({ status: 'accepted', decidedBy: 'tester', version: 2 });
    expect(await svc.store.getCoding(toReject!)).toMatchObject({ status: 'rejected', version: 2 });
    expect(await svc.store.getCoding(vertrouwen)).toMatchObject({ status: 'accepted', version: 2 });
    expect(await svc.store.getCoding(humanRef)).toMatchObject({ origin: 'human', status: 'accepted' });
    // Undecided werkdruk proposals are gone; the new code is proposed; documents carry the new version.
    expect((await svc.store.reviewQueue({ projectId: 'p-retag', code: 'werkomstandigheden/werkdruk' })).items).toEqual([]);
    expect((await svc.store.reviewQueue({ projectId: 'p-retag', code: 'gemeente/kantoor' })).items.length).toBeGreaterThan(0);
    for (const d of (await svc.store.listDocuments('p-retag')).items) expect(d).toMatchObject({ status: 'TAGGED', codebookVersion: cb.version });
    // Re-tagging again with the same codebook changes nothing.
    const before = await svc.store.listDocumentCodings(toAccept!.documentId);
    await requestRetag(deps, 'p-retag');
    await drainTags(deps, queue);
    expect(await svc.store.listDocumentCodings(toAccept!.documentId)).toEqual(before);
  });
});
