import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../../../lib/tag/ranker/features.js';

describe('extractFeatures', () => {
  it('counts content stems, drops stop words, numbers and short words, and keeps true spans', () => {
    const text = 'De samenwerking met de politie en de samenwerkingen in 2021 gaan goed.';
    const { counts, spans } = extractFeatures(text, 'nl', { bigrams: false, charGrams: 0 }, true);
    expect([...counts.keys()].every((k) => k.startsWith('s:'))).toBe(true);
    expect(counts.has('s:de')).toBe(false);
    expect([...counts.keys()].some((k) => k.includes('2021'))).toBe(false);
    const samen = [...counts.entries()].find(([k]) => k.startsWith('s:samenwerk'))!;
    expect(samen[1]).toBe(2);
    for (const [s, e] of spans.get(samen[0])!) expect(text.slice(s, e).toLowerCase()).toMatch(/^samenwerking/);
  });

  it('folds Dutch nominalisations and participles onto one key, as the rules do', () => {
    const a = extractFeatures('vertrouwen', 'nl').counts;
    const b = extractFeatures('vertrouwd', 'nl').counts;
    expect([...a.keys()]).toEqual([...b.keys()]);
  });

  it('adds neighbouring stem pairs when asked', () => {
    const { counts } = extractFeatures('community officer', 'en', { bigrams: true, charGrams: 0 });
    expect([...counts.keys()].some((k) => k.startsWith('b:'))).toBe(true);
  });
});
