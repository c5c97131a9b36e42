import * as z from 'zod';
import type { TagRequest } from '../coding/index.js';
import { batchHandler, type SqsHandler } from './batch.js';
import { tagDocument, type TagDeps } from './tag.js';

const TagMessage = z.object({
  projectId: z.string().min(1).max(64),
  documentId: z.string().min(1).max(64),
  reason: z.enum(['ingest', 'retag']).default('ingest'),
});

export function parseTagMessage(body: string): TagRequest {
  return TagMessage.parse(JSON.parse(body));
}

/** Tag queue: one document per message → proposals reconciled with existing codings. */
export function createTagHandler(deps: TagDeps): SqsHandler {
  return batchHandler(async (record) => {
    await tagDocument(deps, parseTagMessage(record.body));
  });
}
