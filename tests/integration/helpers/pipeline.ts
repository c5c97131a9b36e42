// Drives the pipeline handlers the way SQS would, against the test services.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { s3Record } from '../../../lib/local/s3-events.js';
import { newMessage, sqsEvent } from '../../../lib/local/sqs-events.js';
import { createIngestHandler, createTagHandler, uploadKey, type PipelineDeps } from '../../../lib/pipeline/index.js';
import { s3Client } from '../../../lib/store/clients.js';
import type { Adapters } from '../../../lib/store/index.js';
import type { Store, TagQueue, TagRequest } from '../../../lib/coding/index.js';
import { projectRoot } from '../../helpers/shared.js';
import { testStore, type TestServices } from './services.js';

export class CapturingTagQueue implements TagQueue {
  requests: TagRequest[] = [];
  async send(requests: TagRequest[]): Promise<void> {
    this.requests.push(...requests);
  }
  take(): TagRequest[] {
    const out = this.requests;
    this.requests = [];
    return out;
  }
}

/** Uploads a file under uploads/<project>/ and returns the SQS body S3 would send for it. */
export async function upload(
  s3: S3Client,
  bucket: string,
  projectId: string,
  fileName: string,
  body: Uint8Array | string,
  sequencer?: string,
): Promise<string> {
  const key = uploadKey(projectId, fileName);
  const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  return JSON.stringify({ Records: [s3Record({ bucket, key, eTag: out.ETag?.replace(/"/g, ''), size, ...(sequencer ? { sequencer } : {}) })] });
}

export async function runIngest(deps: PipelineDeps, bodies: string[]): Promise<SQSBatchResponse> {
  return createIngestHandler(deps)(sqsEvent(bodies.map(newMessage), 'ingest'));
}

/** Runs the tag handler over every captured request until none are left. */
export async function drainTags(deps: PipelineDeps, queue: CapturingTagQueue): Promise<number> {
  let n = 0;
  for (let reqs = queue.take(); reqs.length; reqs = queue.take()) {
    const res = await createTagHandler(deps)(
      sqsEvent(
        reqs.map((r) => newMessage(JSON.stringify(r))),
        'tag',
      ),
    );
    if (res.batchItemFailures.length) throw new Error(`tag handler failed ${res.batchItemFailures.length} messages`);
    n += reqs.length;
  }
  return n;
}

export const exampleFile = (name: string): Buffer => readFileSync(path.join(projectRoot, 'examples', name));
export const exampleNames = [
  'interview-01-beleidsmedewerker.txt',
  'interview-02-teamleider.vtt',
  'interview-03-policy-advisor.srt',
  'interview-04-caseworker.md',
];

/** Creates a project with the example codebook as its current version. */
export async function exampleProject(
  store: Store,
  projectId: string,
  codebookText = readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8'),
): Promise<void> {
  await store.createProject({ id: projectId, name: projectId, members: ['tester'], createdBy: 'tester' });
  const codebook = parseCodebook(codebookText, 'codebook.yaml');
  await store.putCodebookVersion({ projectId, version: codebook.version, codebook, sourceText: codebookText, fileName: 'codebook.yaml', createdBy: 'tester' });
}

/** The ingest and tag handlers on a fresh table and bucket, their tag requests captured in `queue`. */
export interface TestPipeline {
  svc: TestServices & Adapters;
  queue: CapturingTagQueue;
  deps: PipelineDeps;
  /** Uploads `text` as `fileName` of the project, runs ingest and every tag step it queues. */
  ingest(projectId: string, fileName: string, text: string): Promise<void>;
}

export async function testPipeline(label: string): Promise<TestPipeline> {
  const svc = await testStore(label);
  const queue = new CapturingTagQueue();
  const deps: PipelineDeps = { store: svc.store, blobs: svc.blobs, tagQueue: queue };
  return {
    svc,
    queue,
    deps,
    async ingest(projectId, fileName, text) {
      await runIngest(deps, [await upload(s3Client(svc.clientOptions), svc.bucketName, projectId, fileName, text)]);
      await drainTags(deps, queue);
    },
  };
}

/**
 * The first example interview (v1, ten turns) and a corrected version for the re-upload tests (v2, twelve
 * turns): two questions and answers inserted at the top, the work-life balance question and answer
 * (turns 5-6) removed, and a small edit in the last answer ("via Teams" -> "via Microsoft Teams").
 */
export function correctedInterview(): { v1: string; v2: string } {
  const v1 = exampleFile('interview-01-beleidsmedewerker.txt').toString('utf8');
  const turns = v1.split('\n\n');
  const v2 = [
    'Interviewer: Voordat we beginnen: mag ik het gesprek opnemen?',
    'Respondent 1: Ja, dat is goed.',
    'Interviewer: Wat is uw functie?',
    'Respondent 1: Ik ben beleidsmedewerker bij de gemeente.',
    ...turns.slice(0, 4),
    ...turns.slice(6, 9),
    turns[9]!.replace('via Teams', 'via Microsoft Teams'),
  ].join('\n\n');
  return { v1, v2 };
}
