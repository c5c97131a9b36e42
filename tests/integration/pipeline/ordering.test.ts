import { beforeAll, describe, expect, it } from 'vitest';
import { documentIdFor, type PipelineDeps } from '../../../lib/pipeline/index.js';
import { s3Client } from '../../../lib/store/clients.js';
import type { Adapters } from '../../../lib/store/index.js';
import { testStore, type TestServices } from '../helpers/services.js';
import { CapturingTagQueue, drainTags, exampleFile, exampleNames, exampleProject, runIngest, upload } from '../helpers/pipeline.js';

// S3 does not promise to deliver events in order: a retried or redriven message can bring an older
// upload of a file after a newer one. The newer upload must stay in force.
describe('S3 event order on DynamoDB Local + s3rver', () => {
  let svc: TestServices & Adapters;
  let queue: CapturingTagQueue;
  let deps: PipelineDeps;

  beforeAll(async () => {
    svc = await testStore('ordering');
    queue = new CapturingTagQueue();
    deps = { store: svc.store, blobs: svc.blobs, tagQueue: queue };
  });

  it('ignores an older upload event that arrives after a newer one was processed', async () => {
    await exampleProject(svc.store, 'p-order');
    const s3 = s3Client(svc.clientOptions);
    const older = await upload(s3, svc.bucketName, 'p-order', 'interview.txt', exampleFile(exampleNames[0]!), '00661F0A5B3C2D1E0F');
    const newer = await upload(s3, svc.bucketName, 'p-order', 'interview.txt', exampleFile(exampleNames[3]!), '00661F0A5B3C2D1E10');
    const id = documentIdFor('p-order', 'interview.txt');

    expect((await runIngest(deps, [newer])).batchItemFailures).toEqual([]);
    await drainTags(deps, queue);
    const processed = await svc.store.getDocument(id);
    expect(processed).toMatchObject({ status: 'TAGGED', sequencer: '00661F0A5B3C2D1E10' });

    expect((await runIngest(deps, [older])).batchItemFailures).toEqual([]);
    expect(queue.take()).toEqual([]);
    const after = await svc.store.getDocument(id);
    expect(after).toMatchObject({ status: 'TAGGED', sourceVersion: processed!.sourceVersion, sha256: processed!.sha256, sequencer: '00661F0A5B3C2D1E10' });
    expect(after!.updatedAt).toBe(processed!.updatedAt);
  });

  it('processes a newer upload event after an older one', async () => {
    await exampleProject(svc.store, 'p-order2');
    const s3 = s3Client(svc.clientOptions);
    const first = await upload(s3, svc.bucketName, 'p-order2', 'a.txt', exampleFile(exampleNames[0]!), 'FF');
    await runIngest(deps, [first]);
    await drainTags(deps, queue);
    const id = documentIdFor('p-order2', 'a.txt');
    const before = await svc.store.getDocument(id);
    // Longer and therefore later, although lexically smaller than 'FF'.
    const second = await upload(s3, svc.bucketName, 'p-order2', 'a.txt', exampleFile(exampleNames[3]!), '0100');
    await runIngest(deps, [second]);
    await drainTags(deps, queue);
    const after = await svc.store.getDocument(id);
    expect(after).toMatchObject({ status: 'TAGGED', sequencer: '0100' });
    expect(after!.sha256).not.toBe(before!.sha256);
  });
});
