// Drives the pipeline handlers the way SQS would, against the test services.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { s3Record } from '../../../lib/local/s3-events.js';
import { newMessage, sqsEvent } from '../../../lib/local/sqs-events.js';
import { createIngestHandler, createTagHandler, uploadKey, type PipelineDeps } from '../../../lib/pipeline/index.js';
import type { Store, TagQueue, TagRequest } from '../../../lib/store/index.js';
import { projectRoot } from '../../helpers/shared.js';

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
export async function upload(s3: S3Client, bucket: string, projectId: string, fileName: string, body: Uint8Array | string, sequencer?: string): Promise<string> {
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
    const res = await createTagHandler(deps)(sqsEvent(reqs.map((r) => newMessage(JSON.stringify(r))), 'tag'));
    if (res.batchItemFailures.length) throw new Error(`tag handler failed ${res.batchItemFailures.length} messages`);
    n += reqs.length;
  }
  return n;
}

export const exampleFile = (name: string): Buffer => readFileSync(path.join(projectRoot, 'examples', name));
export const exampleNames = ['interview-01-beleidsmedewerker.txt', 'interview-02-teamleider.vtt', 'interview-03-policy-advisor.srt', 'interview-04-caseworker.md'];

/** Creates a project with the example codebook as its current version. */
export async function exampleProject(store: Store, projectId: string, codebookText = readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8')): Promise<void> {
  await store.createProject({ id: projectId, name: projectId, members: ['tester'], createdBy: 'tester' });
  const codebook = parseCodebook(codebookText, 'codebook.yaml');
  await store.putCodebookVersion({ projectId, version: codebook.version, codebook, sourceText: codebookText, fileName: 'codebook.yaml', createdBy: 'tester' });
}
