import { describe, expect, it } from 'vitest';
import type { Page } from '../../../lib/api/contract.js';
import { pageAcross, type Bucket } from '../../../web/src/across.js';

/** A fake codings API over fixed per-category lists, paginating by `pageSize` at most (like a server cap). */
function fakeApi(data: Record<string, number[]>, pageSize = 1000) {
  const calls: { id: string; cursor?: string; limit: number }[] = [];
  const fetchPage = async (id: string, cursor: string | undefined, limit: number): Promise<Page<number>> => {
    calls.push({ id, cursor, limit });
    const all = data[id] ?? [];
    const from = cursor ? Number(cursor) : 0;
    const to = Math.min(all.length, from + Math.min(limit, pageSize));
    return { items: all.slice(from, to), nextCursor: to < all.length ? String(to) : null };
  };
  return { calls, fetchPage };
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('pageAcross', () => {
  const data = { a: range(0, 3), b: [], c: range(100, 5), d: range(200, 2) };
  const buckets: Bucket[] = [
    { id: 'a', count: 3 },
    { id: 'b', count: 0 },
    { id: 'c', count: 5 },
    { id: 'd', count: 2 },
  ];

  it('walks the buckets in order, skips empty ones without a request, and stops at the limit', async () => {
    const { calls, fetchPage } = fakeApi(data);
    const first = await pageAcross(buckets, { i: 0 }, 6, fetchPage);
    expect(first.groups).toEqual([
      { id: 'a', items: [0, 1, 2] },
      { id: 'c', items: [100, 101, 102] },
    ]);
    expect(calls.map((c) => [c.id, c.limit])).toEqual([
      ['a', 6],
      ['c', 3],
    ]);
    expect(first.next).toEqual({ i: 2, cursor: '3' });

    const second = await pageAcross(buckets, first.next!, 6, fetchPage);
    expect(second.groups).toEqual([
      { id: 'c', items: [103, 104] },
      { id: 'd', items: [200, 201] },
    ]);
    expect(second.next).toBeNull();
  });

  it('follows a bucket over several API pages when the server returns fewer than asked', async () => {
    const { calls, fetchPage } = fakeApi(data, 2);
    const page = await pageAcross(buckets, { i: 0 }, 10, fetchPage);
    expect(page.groups.flatMap((g) => g.items)).toEqual([0, 1, 2, 100, 101, 102, 103, 104, 200, 201]);
    expect(page.groups.map((g) => g.id)).toEqual(['a', 'c', 'd']);
    expect(calls.length).toBe(6);
    expect(page.next).toBeNull();
  });

  it('says there is more when the last bucket ends exactly at the limit but later buckets have items', async () => {
    const { fetchPage } = fakeApi(data);
    const page = await pageAcross(buckets, { i: 0 }, 3, fetchPage);
    expect(page.groups).toEqual([{ id: 'a', items: [0, 1, 2] }]);
    expect(page.next).toEqual({ i: 1 });
  });

  it('ends with no requests when every bucket is empty', async () => {
    const { calls, fetchPage } = fakeApi({});
    const page = await pageAcross([{ id: 'x', count: 0 }], { i: 0 }, 10, fetchPage);
    expect(page).toEqual({ groups: [], next: null });
    expect(calls).toEqual([]);
  });

  it('stops after a bounded number of requests when the API keeps answering empty pages with a cursor', async () => {
    let n = 0;
    const page = await pageAcross([{ id: 'x', count: 5 }], { i: 0 }, 10, async () => ({ items: [], nextCursor: String(++n) }));
    expect(n).toBeLessThanOrEqual(20);
    expect(page.next).toEqual({ i: 0, cursor: String(n) });
  });
});
