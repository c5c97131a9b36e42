// SQS entry points share one shape: Powertools BatchProcessor reports only the failed messages,
// so one bad message never fails the batch (the Lambdas and the local stack's queue both use it).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

// The SQS response names failed messages only; the local stack's queue also wants to say why
// (dead letters carry their reason), so the last error per message id is kept here, bounded.
const recordErrors = new Map<string, string>();
const MAX_RECORD_ERRORS = 1000;

/** Why the handler failed this message last (and forgets it), if it threw. */
export function takeRecordError(messageId: string): string | undefined {
  const e = recordErrors.get(messageId);
  recordErrors.delete(messageId);
  return e;
}

export function batchHandler(recordHandler: (record: SQSRecord) => Promise<void>): SqsHandler {
  const remembering = async (record: SQSRecord): Promise<void> => {
    try {
      await recordHandler(record);
    } catch (e) {
      if (recordErrors.size >= MAX_RECORD_ERRORS) recordErrors.delete(recordErrors.keys().next().value!);
      recordErrors.set(record.messageId, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      throw e;
    }
  };
  return async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, remembering, processor, context ? { context } : undefined);
  };
}
