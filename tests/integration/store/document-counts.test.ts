// GET /projects/{id} reads the project's document counts from one item that every status change keeps
// up to date. On DynamoDB Local + s3rver they must equal counting the documents, through ingest (with a
// failing file and a duplicate delivery), tagging, re-uploads, a delete, and for a project whose counts
// item is missing (created before the counts were kept).
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentIdFor } from '../../../lib/pipeline/index.js';
import { all } from '../../../lib/paging.js';
import { dynamoClient, s3Client } from '../../../lib/store/clients.js';
import { projectStatsKey } from '../../../lib/store/keys.js';
import { drainTags, exampleFile, exampleNames, exampleProject, runIngest, testPipeline, upload, type TestPipeline } from '../helpers/pipeline.js';
import { deleteDocument } from '../../../lib/review/delete-document.js';

describe('document counts per status on DynamoDB Local', () => {
  let pipeline: TestPipeline;
  const projectId = 'p-counts';

  async function expectCountsMatch(step: string): Promise<void> {
    const docs = await all((p) => pipeline.svc.store.listDocuments(projectId, p));
    const byStatus: Record<string, number> = {};
    for (const d of docs) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
    expect(await pipeline.svc.store.documentCounts(projectId), step).toEqual({ total: docs.length, byStatus });
  }

  beforeAll(async () => {
    pipeline = await testPipeline('doc-counts');
    await exampleProject(pipeline.svc.store, projectId);
  });

  it('equal counting the documents through ingest, tagging, re-upload, delete and a missing counts item', async () => {
    const { svc, deps, queue } = pipeline;
    await expectCountsMatch('empty project');
    const s3 = s3Client(svc.clientOptions);
    const bodies = [
      await upload(s3, svc.bucketName, projectId, 'good.srt', exampleFile(exampleNames[2]!)),
      await upload(s3, svc.bucketName, projectId, 'broken.pdf', Buffer.from('%PDF-1.7\n not a pdf \x00\x01')),
      await upload(s3, svc.bucketName, projectId, 'good.md', exampleFile(exampleNames[3]!)),
    ];
    await runIngest(deps, bodies);
    // The extracted documents wait for tagging: EXTRACTED is counted as such.
    await expectCountsMatch('after ingest');
    expect((await svc.store.documentCounts(projectId)).byStatus).toEqual({ EXTRACTED: 2, FAILED: 1 });
    // The same events delivered again change nothing.
    await runIngest(deps, bodies);
    await drainTags(deps, queue);
    await expectCountsMatch('after tagging and a duplicate delivery');
    expect((await svc.store.documentCounts(projectId)).byStatus).toEqual({ TAGGED: 2, FAILED: 1 });

    await pipeline.ingest(projectId, 'good.srt', exampleFile(exampleNames[1]!).toString('utf8'));
    await expectCountsMatch('after a re-upload');
    await deleteDocument(svc.store, projectId, documentIdFor(projectId, 'broken.pdf'), 'tester');
    await expectCountsMatch('after a delete');
    expect(await svc.store.documentCounts(projectId)).toEqual({ total: 2, byStatus: { TAGGED: 2 } });

    await dynamoClient(svc.clientOptions).send(new DeleteCommand({ TableName: svc.tableName, Key: projectStatsKey(projectId) }));
    await expectCountsMatch('counted again without the item');
    await pipeline.ingest(projectId, 'third.md', exampleFile(exampleNames[3]!).toString('utf8'));
    await expectCountsMatch('kept after the recount');
    expect((await svc.store.documentCounts(projectId)).total).toBe(3);
  });
});
