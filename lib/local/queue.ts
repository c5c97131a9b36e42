// An in-process queue with the semantics of SQS → Lambda: batches of up to `batchSize`, a few batches
// in flight at once, partial batch failures (only the failed messages come back), retries after a
// backoff (the visibility timeout), and after `maxReceiveCount` deliveries the message moves to a
// dead-letter list instead of being lost.
import { takeRecordError, type SqsHandler } from '../pipeline/batch.js';
import { newMessage, sqsEvent, type QueuedMessage } from './sqs-events.js';
import type { DeadLetterRecord } from '../api/dead-letters.js';

/** The local queue's dead letters are what the API lists (one shape for both). */
export type DeadLetter = DeadLetterRecord;

export interface LocalQueueOptions {
  name: string;
  handler: SqsHandler;
  batchSize?: number;
  /** Batches processed at once (Lambda concurrency). */
  concurrency?: number;
  maxReceiveCount?: number;
  /** First retry delay; doubles per delivery (default 250 ms). */
  retryDelayMs?: number;
  onDeadLetter?: (letter: DeadLetter) => void;
  /** Counts handler invocations (benchmarks). */
  onInvoke?: (batchSize: number) => void;
}

interface Waiting extends QueuedMessage {
  visibleAt: number;
  lastError?: string;
}

export class LocalQueue {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  readonly opts: Required<Omit<LocalQueueOptions, 'onDeadLetter' | 'onInvoke'>> & Pick<LocalQueueOptions, 'onDeadLetter' | 'onInvoke'>;

  constructor(opts: LocalQueueOptions) {
    this.opts = { batchSize: 10, concurrency: 2, maxReceiveCount: 3, retryDelayMs: 250, ...opts };
  }

  send(bodies: string[]): void {
    if (this.stopped) throw new Error(`queue ${this.opts.name} is stopped`);
    const now = Date.now();
    for (const body of bodies) this.waiting.push({ ...newMessage(body), visibleAt: now });
    this.pump();
  }

  /** Messages waiting or being processed. */
  get depth(): number {
    return this.waiting.length + this.inFlight;
  }

  /** Resolves when nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering; messages in flight finish. Returns the messages that were never delivered. */
  async stop(): Promise<string[]> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    return this.waiting.splice(0).map((m) => m.body);
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = Date.now();
    while (this.inFlight < this.opts.concurrency) {
      const batch: Waiting[] = [];
      for (let i = 0; i < this.waiting.length && batch.length < this.opts.batchSize; ) {
        if (this.waiting[i]!.visibleAt <= now) batch.push(...this.waiting.splice(i, 1));
        else i++;
      }
      if (batch.length === 0) break;
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
    if (this.depth === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    } else if (this.waiting.length && this.inFlight < this.opts.concurrency) {
      const next = Math.min(...this.waiting.map((m) => m.visibleAt));
      this.timer = setTimeout(() => this.pump(), Math.max(1, next - Date.now()));
    }
  }

  private async deliver(batch: Waiting[]): Promise<void> {
    for (const m of batch) m.receiveCount++;
    this.opts.onInvoke?.(batch.length);
    let failed: Set<string>;
    let error = 'the handler reported this message as failed';
    try {
      const res = await this.opts.handler(sqsEvent(batch, this.opts.name));
      failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
    } catch (e) {
      // A thrown handler (crash, or every record failed) returns the whole batch to the queue.
      failed = new Set(batch.map((m) => m.messageId));
      error = e instanceof Error ? e.message : String(e);
    }
    for (const m of batch) {
      const reason = takeRecordError(m.messageId);
      if (!failed.has(m.messageId)) continue;
      if (m.receiveCount >= this.opts.maxReceiveCount) {
        this.opts.onDeadLetter?.({
          queue: this.opts.name,
          messageId: m.messageId,
          body: m.body,
          receiveCount: m.receiveCount,
          error: reason ?? error,
          at: new Date().toISOString(),
        });
      } else {
        const delay = this.opts.retryDelayMs * 2 ** (m.receiveCount - 1);
        this.waiting.push({ ...m, visibleAt: Date.now() + delay, lastError: reason ?? error });
      }
    }
  }
}
