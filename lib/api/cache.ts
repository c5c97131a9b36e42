// A short-lived read cache for the hot read routes (review queue, coded segments, project membership).
// - Concurrent identical reads share one store call (single flight).
// - Entries are fresh for `ttlMs` (default 1 s). A read of an expired entry (up to 10 × ttlMs old) gets
//   the old value while one refresh runs in the background (stale-while-revalidate), so a slow store
//   call does not make every reader wait. Any write through this API process (a decision, a codebook
//   upload, a re-tag) drops the project's entries at once, so a reviewer never sees their own decision
//   undone by the cache. Writers elsewhere (the tagger, other Lambda instances) show up within about
//   `ttlMs` plus one store call.
// - Correctness never depends on it: every decision is checked against the stored version (409).
export interface CacheStats {
  hits: number;
  /** Served an expired value while refreshing it. */
  stale: number;
  misses: number;
}

interface Entry {
  at: number;
  value: Promise<unknown>;
  /** The value has resolved (only resolved values are served stale). */
  ok?: boolean;
  refreshing?: boolean;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generation = new Map<string, number>();
  readonly stats: CacheStats = { hits: 0, stale: 0, misses: 0 };

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 5_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  async get<T>(projectId: string, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) return load();
    const full = `${projectId}\u0000${this.generation.get(projectId) ?? 0}\u0000${key}`;
    const hit = this.entries.get(full);
    const t = this.now();
    if (hit && t - hit.at < this.ttlMs) {
      this.stats.hits++;
      return hit.value as Promise<T>;
    }
    if (hit?.ok && t - hit.at < this.ttlMs * 10) {
      // Serve the old value; refresh once in the background.
      this.stats.stale++;
      if (!hit.refreshing) {
        hit.refreshing = true;
        const next = load();
        next.then(
          () => {
            if (this.entries.get(full) === hit) this.entries.set(full, { at: this.now(), value: next, ok: true });
          },
          () => {
            hit.refreshing = false;
          },
        );
      }
      return hit.value as Promise<T>;
    }
    this.stats.misses++;
    const value = load();
    const entry: Entry = { at: t, value };
    this.entries.set(full, entry);
    value.then(
      () => {
        entry.ok = true;
      },
      () => {
        // A failed load is not remembered.
        if (this.entries.get(full) === entry) this.entries.delete(full);
      },
    );
    if (this.entries.size > this.maxEntries) {
      // Map keeps insertion order: drop the oldest tenth.
      let n = Math.ceil(this.maxEntries / 10);
      for (const k of this.entries.keys()) {
        if (n-- <= 0) break;
        this.entries.delete(k);
      }
    }
    return value;
  }

  /** Drops every entry of the project (after a write through this process). */
  invalidate(projectId: string): void {
    this.generation.set(projectId, (this.generation.get(projectId) ?? 0) + 1);
    for (const k of this.entries.keys()) if (k.startsWith(`${projectId}\u0000`)) this.entries.delete(k);
  }
}
