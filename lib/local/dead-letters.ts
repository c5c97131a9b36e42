// The local stack's dead-letter list: messages a queue gave up on, each with the reason of its last
// failure. They are not left to rot: each goes back on its queue after a growing delay (30 s, 2 min,
// 8 min by default), all of them at the next start, and all at once by hand (`qualtag status --retry`,
// which signals the running stack). The file (dead-letters.jsonl) always holds the current list,
// rewritten whole through a temp file, so `qualtag status` can read it at any moment.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DeadLetter } from './queue.js';

export const DEAD_LETTERS_FILE = 'dead-letters.jsonl';
export const DEFAULT_REDRIVE_DELAYS_MS = [30_000, 120_000, 480_000];

export function readDeadLetters(dataDir: string): DeadLetter[] {
  const file = path.join(dataDir, DEAD_LETTERS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as DeadLetter);
}

export interface DeadLetterListOptions {
  /** Where the list is kept; absent: memory only. */
  dataDir?: string;
  /** Puts a message back on its queue. */
  redrive(letter: DeadLetter): void;
  /** Delay before the n-th automatic redrive; after the last one only by hand or at start. */
  delaysMs?: readonly number[];
}

export class DeadLetterList {
  private letters: DeadLetter[] = [];
  /** Redrives so far per message body (a redriven message gets a new id when it fails again). */
  private readonly redrives = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly delays: readonly number[];

  constructor(private readonly opts: DeadLetterListOptions) {
    this.delays = opts.delaysMs ?? DEFAULT_REDRIVE_DELAYS_MS;
  }

  /** Re-sends what an earlier run left in the list (counted as a redrive); returns how many. */
  resumePersisted(): number {
    if (!this.opts.dataDir) return 0;
    const old = readDeadLetters(this.opts.dataDir);
    for (const d of old) this.redrives.set(d.body, d.redrives ?? 0);
    this.persist();
    for (const d of old) this.send(d);
    return old.length;
  }

  add(letter: DeadLetter): void {
    const redrives = this.redrives.get(letter.body) ?? 0;
    const delay = this.delays[redrives];
    const entry: DeadLetter = { ...letter, redrives, ...(delay !== undefined ? { nextRetryAt: new Date(Date.now() + delay).toISOString() } : {}) };
    this.letters.push(entry);
    this.persist();
    if (delay !== undefined) {
      const t = setTimeout(() => this.retry((d) => d.messageId === entry.messageId), delay);
      t.unref();
      this.timers.set(entry.messageId, t);
    }
  }

  list(): DeadLetter[] {
    return [...this.letters];
  }

  /** Puts every matching letter back on its queue now; returns how many. */
  retry(match: (d: DeadLetter) => boolean = () => true): number {
    const chosen = this.letters.filter(match);
    if (!chosen.length) return 0;
    this.letters = this.letters.filter((d) => !match(d));
    this.persist();
    for (const d of chosen) this.send(d);
    return chosen.length;
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private send(d: DeadLetter): void {
    clearTimeout(this.timers.get(d.messageId));
    this.timers.delete(d.messageId);
    this.redrives.set(d.body, (this.redrives.get(d.body) ?? d.redrives ?? 0) + 1);
    this.opts.redrive(d);
  }

  private persist(): void {
    if (!this.opts.dataDir) return;
    const file = path.join(this.opts.dataDir, DEAD_LETTERS_FILE);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, this.letters.map((d) => `${JSON.stringify(d)}\n`).join(''), { mode: 0o600 });
    renameSync(tmp, file);
  }
}
