import { describe, expect, it } from 'vitest';
import { all, pages, type Page, type PageRequest } from '../../lib/paging.js';

/** A list of `n` numbers served `limit` at a time; records every request. */
function list(n: number) {
  const asked: PageRequest[] = [];
  const fetchPage = async (p: PageRequest): Promise<Page<number>> => {
    asked.push(p);
    const from = p.cursor ? Number(p.cursor) : 0;
    const to = Math.min(n, from + (p.limit ?? 50));
    return { items: Array.from({ length: to - from }, (_, i) => from + i), nextCursor: to < n ? String(to) : null };
  };
  return { asked, fetchPage };
}

describe('paging', () => {
  it('reads every page in order, passing each nextCursor back as the cursor', async () => {
    const l = list(1203);
    const items = await all(l.fetchPage);
    expect(items).toEqual(Array.from({ length: 1203 }, (_, i) => i));
    expect(l.asked).toEqual([{ limit: 500 }, { limit: 500, cursor: '500' }, { limit: 500, cursor: '1000' }]);
  });

  it('stops fetching once `max` items are in, and honours the page size', async () => {
    const l = list(1000);
    expect(await all(l.fetchPage, { max: 7, limit: 5 })).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(l.asked).toHaveLength(2);
  });

  it('yields one page of an empty list', async () => {
    const seen: Array<Page<number>> = [];
    for await (const p of pages(list(0).fetchPage)) seen.push(p);
    expect(seen).toEqual([{ items: [], nextCursor: null }]);
  });
});
