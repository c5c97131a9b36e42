import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue, type DeadLetter } from '../../../lib/local/queue.js';

describe('LocalQueue (SQS → Lambda semantics)', () => {
  it('retries only the failed messages of a batch, then dead-letters those that keep failing', async () => {
    const deliveries = new Map<string, number>();
    const dead: DeadLetter[] = [];
    const q = new LocalQueue({
      name: 't',
      batchSize: 10,
      maxReceiveCount: 3,
      retryDelayMs: 1,
      onDeadLetter: (d) => dead.push(d),
      handler: async (event: SQSEvent): Promise<SQSBatchResponse> => {
        const failures = [];
        for (const r of event.Records) {
          deliveries.set(r.body, (deliveries.get(r.body) ?? 0) + 1);
          // "flaky" fails once, "bad" always.
          if (r.body === 'bad' || (r.body === 'flaky' && deliveries.get(r.body) === 1)) failures.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failures };
      },
    });
    q.send(['ok', 'flaky', 'bad']);
    await q.idle();
    expect(Object.fromEntries(deliveries)).toEqual({ ok: 1, flaky: 2, bad: 3 });
    expect(dead.map((d) => [d.body, d.receiveCount])).toEqual([['bad', 3]]);
    await q.stop();
  });

  it('returns the whole batch when the handler throws', async () => {
    let calls = 0;
    const q = new LocalQueue({
      name: 't',
      retryDelayMs: 1,
      handler: async (event) => {
        calls++;
        if (calls === 1) throw new Error('crash');
        return { batchItemFailures: [] as Array<{ itemIdentifier: string }>, ...{ n: event.Records.length } };
      },
    });
    q.send(['a', 'b']);
    await q.idle();
    expect(calls).toBe(2);
    await q.stop();
  });

  it('keeps at most `concurrency` batches in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const q = new LocalQueue({
      name: 't',
      batchSize: 1,
      concurrency: 2,
      handler: async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { batchItemFailures: [] };
      },
    });
    q.send(['1', '2', '3', '4', '5']);
    await q.idle();
    expect(peak).toBe(2);
    await q.stop();
  });
});
