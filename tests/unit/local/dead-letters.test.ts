// The dead-letter list: redriven after growing delays, then only by hand or at start; the file is the list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterList, readDeadLetters } from '../../../lib/local/dead-letters.js';
import type { DeadLetter } from '../../../lib/local/queue.js';

const letter = (body: string, id = body): DeadLetter => ({
  queue: 'ingest',
  messageId: id,
  body,
  receiveCount: 3,
  error: 'Error: database unavailable',
  at: new Date().toISOString(),
});

describe('DeadLetterList', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('redrives after each delay in turn, then keeps the letter for a retry by hand', async () => {
    const sent: string[] = [];
    const list = new DeadLetterList({ delaysMs: [20, 40], redrive: (d) => sent.push(d.body) });
    list.add(letter('a', 'm1'));
    expect(list.list()[0]).toMatchObject({ redrives: 0, error: 'Error: database unavailable' });
    await new Promise((r) => setTimeout(r, 60));
    expect(sent).toEqual(['a']);
    list.add(letter('a', 'm2')); // failed again after its first redrive
    expect(list.list()[0]).toMatchObject({ redrives: 1 });
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual(['a', 'a']);
    list.add(letter('a', 'm3'));
    expect(list.list()[0]!.nextRetryAt).toBeUndefined();
    await new Promise((r) => setTimeout(r, 60));
    expect(sent).toHaveLength(2);
    expect(list.retry()).toBe(1);
    expect(sent).toHaveLength(3);
    expect(list.list()).toEqual([]);
    list.stop();
  });

  it('keeps the file equal to the list, and sends what an earlier run left at the next start', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-dl-'));
    dirs.push(dir);
    const first = new DeadLetterList({ dataDir: dir, delaysMs: [], redrive: () => {} });
    first.add(letter('x'));
    first.add(letter('y'));
    expect(readDeadLetters(dir).map((d) => d.body)).toEqual(['x', 'y']);
    first.stop();
    const sent: string[] = [];
    const second = new DeadLetterList({ dataDir: dir, redrive: (d) => sent.push(d.body) });
    expect(second.resumePersisted()).toBe(2);
    expect(sent).toEqual(['x', 'y']);
    expect(readDeadLetters(dir)).toEqual([]);
    second.stop();
  });
});
