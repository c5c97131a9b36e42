// SQS entry points share one shape: Powertools BatchProcessor reports only the failed messages,
// so one bad message never fails the batch (the Lambdas and the local stack's queue both use it).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export function batchHandler(recordHandler: (record: SQSRecord) => Promise<void>): SqsHandler {
  return async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, recordHandler, processor, context ? { context } : undefined);
  };
}
