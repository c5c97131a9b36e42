// The SQS adapters of TagQueue (one message per document, sent 10 at a time) and ExportQueue (AWS).
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ExportQueue, ExportRequestMessage, TagQueue, TagRequest } from '../coding/index.js';

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

/** The SQS adapter of ExportQueue (AWS): one message per export job. */
export class SqsExportQueue implements ExportQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(request: ExportRequestMessage): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(request) }));
  }
}
