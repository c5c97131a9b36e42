// The SQS-triggered entry points, shared by the Lambdas (functions/) and the local stack's queue:
// Powertools BatchProcessor reports only the failed messages, so one bad message never fails the batch.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import type { TagRequest } from '../store/ports.js';
import type { PipelineDeps } from './deps.js';
import { ingestObject } from './ingest.js';
import { objectsFromNotification } from './s3-notification.js';
import { tagDocument } from './tag.js';

export type SqsHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

function batchHandler(recordHandler: (record: SQSRecord) => Promise<void>): SqsHandler {
  return async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, recordHandler, processor, context ? { context } : undefined);
  };
}

/** Ingest queue: S3 notifications (test events skipped) → extract, segment, hand over to tagging. */
export function createIngestHandler(deps: PipelineDeps): SqsHandler {
  return batchHandler(async (record) => {
    for (const obj of objectsFromNotification(record.body)) await ingestObject(deps, obj);
  });
}

const TagMessage = z.object({
  projectId: z.string().min(1).max(64),
  documentId: z.string().min(1).max(64),
  reason: z.enum(['ingest', 'retag']).default('ingest'),
});

export function parseTagMessage(body: string): TagRequest {
  return TagMessage.parse(JSON.parse(body));
}

/** Tag queue: one document per message → proposals reconciled with existing codings. */
export function createTagHandler(deps: PipelineDeps): SqsHandler {
  return batchHandler(async (record) => {
    await tagDocument(deps, parseTagMessage(record.body));
  });
}
