// Pages through coded segments of every category when no filter is chosen. The codings API needs a
// code, category, respondent or document, so "all codes" walks the categories in codebook order,
// skipping those the frequency report counts as empty, and stops after `limit` items: the cursor
// (category index + that category's API cursor) continues where the page ended.
import type { Page } from '../../lib/api/contract.js';

export interface Bucket {
  id: string;
  /** How many items the bucket holds (from the frequency report); 0 is skipped without a request. */
  count: number;
}

export interface AcrossCursor {
  /** Index into the buckets. */
  i: number;
  /** The API cursor inside bucket `i`; undefined: from its start. */
  cursor?: string;
}

export interface AcrossPage<T> {
  /** Items grouped by the bucket they came from, in bucket order. */
  groups: { id: string; items: T[] }[];
  /** Where the next page starts; null when every bucket is done. */
  next: AcrossCursor | null;
}

export type FetchPage<T> = (bucketId: string, cursor: string | undefined, limit: number) => Promise<Page<T>>;

/** At most this many requests per page, so empty API pages can never loop for long. */
const MAX_REQUESTS = 20;

export async function pageAcross<T>(buckets: readonly Bucket[], from: AcrossCursor, limit: number, fetchPage: FetchPage<T>): Promise<AcrossPage<T>> {
  const groups: { id: string; items: T[] }[] = [];
  let i = from.i;
  let cursor = from.cursor;
  let left = limit;
  let requests = 0;
  while (i < buckets.length && left > 0 && requests < MAX_REQUESTS) {
    const b = buckets[i]!;
    if (b.count <= 0) {
      i++;
      cursor = undefined;
      continue;
    }
    const page = await fetchPage(b.id, cursor, left);
    requests++;
    if (page.items.length) {
      const last = groups[groups.length - 1];
      if (last?.id === b.id) last.items.push(...page.items);
      else groups.push({ id: b.id, items: [...page.items] });
      left -= page.items.length;
    }
    if (page.nextCursor) cursor = page.nextCursor;
    else {
      i++;
      cursor = undefined;
    }
  }
  const more = buckets.slice(i).some((b, k) => b.count > 0 || (k === 0 && cursor !== undefined));
  return { groups, next: more ? { i, ...(cursor !== undefined ? { cursor } : {}) } : null };
}
