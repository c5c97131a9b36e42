import { describe, expect, it } from 'vitest';
import { uncertainFirst, uncertainty } from '../../../lib/review/order.js';
import type { Coding } from '../../../lib/coding/index.js';

const c = (segmentIndex: number, code: string, confidence?: number): Coding => ({
  projectId: 'p',
  documentId: 'd',
  segmentIndex,
  segmentId: `d:${segmentIndex}`,
  segmentStart: 0,
  segmentEnd: 1,
  segmentText: 'x',
  code,
  categoryId: 'k',
  respondent: null,
  origin: 'rule',
  status: 'proposed',
  score: confidence ?? 2,
  ...(confidence !== undefined ? { confidence } : {}),
  evidence: [],
  codebookVersion: 'v',
  version: 1,
  createdAt: '2026-12-04T00:00:00Z',
});

const key = (x: Coding) => `${x.segmentIndex}/${x.code}`;

describe('uncertain-first review order', () => {
  it('measures uncertainty as the distance from 0.5', () => {
    expect(uncertainty({ confidence: 0.5 })).toBe(0);
    expect(uncertainty({ confidence: 0.9 })).toBeCloseTo(0.4);
    expect(uncertainty({ confidence: 0.1 })).toBeCloseTo(0.4);
    expect(uncertainty({})).toBe(Infinity);
  });

  it("gives every code a turn before any code's second proposal, most uncertain first within a turn", () => {
    const list = [c(0, 'a', 0.52), c(1, 'a', 0.49), c(2, 'a', 0.55), c(3, 'b', 0.95), c(4, 'b', 0.7), c(5, 'c', 0.1), c(6, 'd'), c(2, 'e')];
    expect(uncertainFirst(list).map(key)).toEqual([
      // turn 1: each code's most uncertain proposal
      '1/a',
      '4/b',
      '5/c',
      // turn 2
      '0/a',
      '3/b',
      // turn 3
      '2/a',
      // no confidence: reading order, last
      '2/e',
      '6/d',
    ]);
  });

  it('keeps every proposal exactly once and is stable under input order', () => {
    const list = Array.from({ length: 60 }, (_, i) => c(i, `k${i % 7}`, ((i * 37) % 100) / 100));
    const out = uncertainFirst(list);
    expect(new Set(out.map(key)).size).toBe(60);
    expect(uncertainFirst([...list].reverse()).map(key)).toEqual(out.map(key));
    expect(new Set(out.slice(0, 7).map((x) => x.code)).size).toBe(7);
  });
});
