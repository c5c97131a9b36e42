import { describe, expect, it } from 'vitest';
import { fitSoftmax, logits, softmaxInPlace, type SparseVector } from '../../../../lib/tag/ranker/softmax.js';

const vec = (pairs: Array<[number, number]>): SparseVector => ({ index: Int32Array.from(pairs, (p) => p[0]), value: Float64Array.from(pairs, (p) => p[1]) });
const prob = (m: ReturnType<typeof fitSoftmax>, x: SparseVector) => Array.from(softmaxInPlace(logits(m, x)));

describe('fitSoftmax', () => {
  // Feature 0 marks class 0, feature 1 class 1, feature 2 class 2; feature 3 occurs everywhere.
  const data = [0, 1, 2].flatMap((c) =>
    [1, 2].map(() => ({
      x: vec([
        [c, 1],
        [3, 0.5],
      ]),
      target: [[c, 1]] as Array<[number, number]>,
      weight: 1,
    })),
  );

  it('learns which feature marks which class', () => {
    const m = fitSoftmax(3, 4, data, [], { l2: 0.01, maxIterations: 200, tolerance: 1e-6 });
    for (const c of [0, 1, 2]) {
      const p = prob(m, vec([[c, 1]]));
      expect(p.indexOf(Math.max(...p))).toBe(c);
      expect(p[c]).toBeGreaterThan(0.8);
    }
  });

  it('is deterministic: the same data give the same weights', () => {
    const a = fitSoftmax(3, 4, data, [], { l2: 0.1, maxIterations: 100, tolerance: 1e-6 });
    const b = fitSoftmax(3, 4, data, [], { l2: 0.1, maxIterations: 100, tolerance: 1e-6 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
  });

  it('a stronger L2 penalty gives smaller weights and flatter probabilities', () => {
    const weak = fitSoftmax(3, 4, data, [], { l2: 0.01, maxIterations: 200, tolerance: 1e-6 });
    const strong = fitSoftmax(3, 4, data, [], { l2: 1, maxIterations: 200, tolerance: 1e-6 });
    const norm = (w: Float64Array) => Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    expect(norm(strong.weights)).toBeLessThan(norm(weak.weights));
    expect(prob(strong, vec([[0, 1]]))[0]).toBeLessThan(prob(weak, vec([[0, 1]]))[0]!);
  });

  it('a negative sample ("not this class") lowers that class for its features', () => {
    const x = vec([[3, 1]]);
    const without = fitSoftmax(3, 4, data, [], { l2: 0.1, maxIterations: 200, tolerance: 1e-6 });
    const withNeg = fitSoftmax(3, 4, data, [{ x, cls: 0, weight: 3 }], { l2: 0.1, maxIterations: 200, tolerance: 1e-6 });
    expect(prob(withNeg, x)[0]).toBeLessThan(prob(without, x)[0]!);
  });

  it('weights samples: a heavier class wins an ambiguous feature', () => {
    const shared = vec([[3, 1]]);
    const m = fitSoftmax(
      2,
      4,
      [
        { x: shared, target: [[0, 1]], weight: 3 },
        { x: shared, target: [[1, 1]], weight: 1 },
      ],
      [],
      { l2: 0.01, maxIterations: 200, tolerance: 1e-6 },
    );
    const p = prob(m, shared);
    expect(p[0]).toBeGreaterThan(p[1]!);
    expect(p[0]).toBeCloseTo(0.75, 1);
  });
});
