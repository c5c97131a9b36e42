// SQS-shaped events for the local queue, as Lambda's event source mapping would deliver them.
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export interface QueuedMessage {
  messageId: string;
  body: string;
  /** Times delivered so far (ApproximateReceiveCount). */
  receiveCount: number;
  firstSentAt: number;
}

export function newMessage(body: string): QueuedMessage {
  return { messageId: randomUUID(), body, receiveCount: 0, firstSentAt: Date.now() };
}

export function sqsRecord(m: QueuedMessage, queueName: string): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.messageId,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.firstSentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${queueName}`,
    awsRegion: process.env.AWS_REGION ?? 'eu-west-1',
  };
}

export function sqsEvent(messages: QueuedMessage[], queueName: string): SQSEvent {
  return { Records: messages.map((m) => sqsRecord(m, queueName)) };
}
