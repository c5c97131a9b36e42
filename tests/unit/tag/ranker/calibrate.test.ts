import { describe, expect, it } from 'vitest';
import { confidenceOf, fitPlatt } from '../../../../lib/tag/ranker/calibrate.js';

describe('fitPlatt', () => {
  it('maps scores to the share that was correct: higher scores, higher confidence, near the observed rates', () => {
    // Score 0: 1 in 5 correct; score 2: 4 in 5 correct (100 each).
    const scores = [...Array(100).fill(0), ...Array(100).fill(2)];
    const correct = [
      ...Array(100)
        .fill(0)
        .map((_, i) => i % 5 === 0),
      ...Array(100)
        .fill(0)
        .map((_, i) => i % 5 !== 0),
    ];
    const cal = fitPlatt(scores, correct)!;
    expect(cal.fittedOn).toBe(200);
    expect(confidenceOf(cal, 0)).toBeCloseTo(0.2, 1);
    expect(confidenceOf(cal, 2)).toBeCloseTo(0.8, 1);
    expect(confidenceOf(cal, 3)).toBeGreaterThan(confidenceOf(cal, 2));
  });

  it('never says 0 % or 100 % on a small sample that separates perfectly (Platt smoothing)', () => {
    const cal = fitPlatt([0, 0, 0, 1, 1, 1], [false, false, false, true, true, true])!;
    expect(confidenceOf(cal, 1)).toBeLessThan(0.95);
    expect(confidenceOf(cal, 0)).toBeGreaterThan(0.05);
  });

  it('gives no mapping when every proposal was right (or every one wrong)', () => {
    expect(fitPlatt([1, 2, 3], [true, true, true])).toBeUndefined();
    expect(fitPlatt([1, 2, 3], [false, false, false])).toBeUndefined();
  });
});
