// Export jobs on DynamoDB Local + s3rver: the API answers at once with a job id, the job (the export
// queue's handler, as the local stack and the export Lambda run it) writes the file under exports/ with
// progress on its job item, and the presigned download gives the same bytes as building the export
// directly (.qdpx offsets and CSV escaping are the shared builder's). A refused export ends `failed`
// with its reason; jobs are per project.
import { unzipSync, strFromU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../lib/api/handlers.js';
import { routes, type ExportJobView } from '../../../lib/api/contract.js';
import type { ApiEvent } from '../../../lib/api/http.js';
import { buildExport } from '../../../lib/export/build.js';
import { createExportHandler } from '../../../lib/pipeline/export-handler.js';
import { newMessage, sqsEvent } from '../../../lib/local/sqs-events.js';
import type { Adapters } from '../../../lib/store/index.js';
import type { ExportRequestMessage } from '../../../lib/coding/index.js';
import { seedProject } from '../helpers/api-seed.js';
import { testStore } from '../helpers/services.js';
import { decide } from '../../../lib/review/decide.js';

const event = {} as ApiEvent;

describe('export jobs on DynamoDB Local + s3rver', () => {
  let adapters: Adapters;
  const sent: ExportRequestMessage[] = [];

  beforeAll(async () => {
    adapters = await testStore('export-job');
    await seedProject(
      adapters.store,
      adapters.blobs,
      'proj-x',
      ['ann'],
      [
        { id: 'doc-1', name: 'interview-1.txt', text: 'Interviewer: Vraag?\nR1: Vertrouwen en samenwerking, =SUM(A1) "quoted".\nR2: Geen tijd.\n' },
        { id: 'doc-2', name: 'interview-2.txt', text: 'Interviewer: En nu?\nR3: Samenwerking met de wijkagent.\n' },
      ],
    );
    await adapters.store.createProject({ id: 'proj-empty', name: 'empty', members: ['ann'], createdBy: 'ann' });
    // Some accepted codings, so the .qdpx carries coded ranges.
    for (const doc of ['doc-1', 'doc-2']) {
      for (const c of (await adapters.store.listDocumentCodings(doc)).slice(0, 2))
        await decide(adapters.store, { ...c, action: 'accept', expectedVersion: c.version, userId: 'ann' });
    }
  });

  it('answers at once with a job id, writes the file with progress, and downloads the same bytes as a direct build', async () => {
    const h = createHandlers({
      store: adapters.store,
      blobs: adapters.blobs,
      tagQueue: { send: async () => {} },
      exportQueue: { send: async (r) => void sent.push(r) },
    });
    const runQueue = createExportHandler({ store: adapters.store, blobs: adapters.blobs });
    const ctx = { userId: 'ann', params: { projectId: 'proj-x' }, event, query: undefined, body: undefined };
    for (const format of ['qdpx', 'csv'] as const) {
      const started = (await h.startExportJob({ ...ctx, body: routes.startExportJob.body.parse({ format, status: 'all' }) })) as ExportJobView;
      expect(started).toMatchObject({ format, state: 'queued', downloadUrl: null });
      // Nothing is built until the queue delivers the job.
      expect(await h.exportJob({ ...ctx, params: { projectId: 'proj-x', jobId: started.id } })).toMatchObject({ state: 'queued' });
      const res = await runQueue(
        sqsEvent(
          sent.splice(0).map((r) => newMessage(JSON.stringify(r))),
          'export',
        ),
      );
      expect(res.batchItemFailures).toEqual([]);
      const done = (await h.exportJob({ ...ctx, params: { projectId: 'proj-x', jobId: started.id } })) as ExportJobView;
      expect(done).toMatchObject({ state: 'done', done: 2, total: 2, reason: null });
      const file = new Uint8Array(await (await fetch(done.downloadUrl!)).arrayBuffer());
      expect(file.byteLength).toBe(done.bytes);
      const job = (await adapters.store.getExportJob('proj-x', started.id))!;
      expect(job.key).toBe(`exports/proj-x/${started.id}/${done.fileName}`);
      const project = (await adapters.store.getProject('proj-x'))!;
      const direct = await buildExport(adapters, { project, format, status: 'all', userId: 'ann', at: new Date(job.createdAt) });
      expect(Buffer.from(file).equals(Buffer.from(direct.bytes))).toBe(true);
      if (format === 'qdpx') expect(strFromU8(unzipSync(file)['project.qde']!)).toContain('<PlainTextSelection');
      // CSV quoting as in the direct file (the bytes are equal; this shows the file is the CSV).
      else expect(strFromU8(file)).toContain('=SUM(A1) ""quoted""');
      // A second delivery of the same message changes nothing.
      await runQueue(sqsEvent([newMessage(JSON.stringify({ projectId: 'proj-x', jobId: started.id }))], 'export'));
      expect((await adapters.store.getExportJob('proj-x', started.id))!.updatedAt).toBe(job.updatedAt);
    }
  });

  it('ends a refused export failed with its reason, and keeps jobs to their project', async () => {
    const h = createHandlers({ store: adapters.store, blobs: adapters.blobs, tagQueue: { send: async () => {} } });
    const ctx = { userId: 'ann', params: { projectId: 'proj-empty' }, event, query: undefined, body: undefined };
    // No queue given: the job runs in this process after the answer.
    const started = (await h.startExportJob({ ...ctx, body: routes.startExportJob.body.parse({ format: 'qdc' }) })) as ExportJobView;
    let job = started;
    for (let i = 0; i < 50 && (job.state === 'queued' || job.state === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await h.exportJob({ ...ctx, params: { projectId: 'proj-empty', jobId: started.id } })) as ExportJobView;
    }
    expect(job).toMatchObject({ state: 'failed', downloadUrl: null });
    expect(job.reason).toMatch(/no codebook yet.*Upload one/);
    await expect(h.exportJob({ ...ctx, params: { projectId: 'proj-x', jobId: started.id } })).rejects.toThrow(/does not exist in project "proj-x"/);
    await expect(h.exportJob({ ...ctx, userId: 'mallory', params: { projectId: 'proj-empty', jobId: started.id } })).rejects.toThrow();
  });
});
