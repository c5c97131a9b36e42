// The SQS adapter of TagQueue (AWS): one message per document, sent 10 at a time.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TagQueue, TagRequest } from './ports.js';

export class SqsTagQueue implements TagQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(requests: TagRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 10) {
      const batch = requests.slice(i, i + 10);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((r, n) => ({ Id: String(n), MessageBody: JSON.stringify(r) })),
        }),
      );
      if (out.Failed?.length) {
        throw new Error(`SQS refused ${out.Failed.length} tag messages: ${out.Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
      }
    }
  }
}
