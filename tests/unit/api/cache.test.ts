import { describe, expect, it } from 'vitest';
import { ReadCache } from '../../../lib/api/cache.js';

describe('ReadCache', () => {
  it('shares one load between concurrent reads and serves it until the TTL passes', async () => {
    let t = 0;
    const cache = new ReadCache(1000, 100, () => t);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('p', 'k', load), cache.get('p', 'k', load), cache.get('p', 'k', load)])).toEqual([1, 1, 1]);
    t = 999;
    expect(await cache.get('p', 'k', load)).toBe(1);
    t = 1000;
    expect(await cache.get('p', 'k', load)).toBe(1); // expired: the old value, refreshed behind it
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('p', 'k', load)).toBe(2);
    expect(cache.stats).toEqual({ hits: 4, stale: 1, misses: 1 });
  });

  it('drops a project on invalidate, leaves other projects alone, and forgets failures', async () => {
    const cache = new ReadCache(60_000);
    let n = 0;
    await cache.get('p', 'k', async () => ++n);
    await cache.get('q', 'k', async () => ++n);
    cache.invalidate('p');
    expect(await cache.get('p', 'k', async () => ++n)).toBe(3);
    expect(await cache.get('q', 'k', async () => ++n)).toBe(2);
    await expect(cache.get('p', 'boom', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('p', 'boom', async () => 'ok')).toBe('ok');
  });

  it('a read that finishes after an invalidate does not come back', async () => {
    const cache = new ReadCache(60_000);
    let release!: (v: string) => void;
    const slow = cache.get('p', 'k', () => new Promise<string>((r) => (release = r)));
    cache.invalidate('p');
    release('old');
    expect(await slow).toBe('old');
    expect(await cache.get('p', 'k', async () => 'new')).toBe('new');
  });

  it('is off with a TTL of 0', async () => {
    const cache = new ReadCache(0);
    let n = 0;
    await cache.get('p', 'k', async () => ++n);
    expect(await cache.get('p', 'k', async () => ++n)).toBe(2);
  });
});

describe('ReadCache stale-while-revalidate', () => {
  it('serves the old value once expired, refreshes once in the background, then serves the new one', async () => {
    let t = 0;
    const cache = new ReadCache(1000, 100, () => t);
    let n = 0;
    let release: (() => void) | undefined;
    const load = () =>
      new Promise<number>((r) => {
        const v = ++n;
        if (v === 1) r(v);
        else release = () => r(v);
      });
    expect(await cache.get('p', 'k', load)).toBe(1);
    t = 1500;
    expect(await cache.get('p', 'k', load)).toBe(1);
    expect(await cache.get('p', 'k', load)).toBe(1);
    expect(n).toBe(2); // one refresh only
    release!();
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('p', 'k', load)).toBe(2);
    t = 1500 + 20_000; // too old to serve stale: wait for a fresh load
    const fresh = cache.get('p', 'k', async () => 99);
    expect(await fresh).toBe(99);
    expect(cache.stats.stale).toBe(2);
  });
});
