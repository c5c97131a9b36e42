// Confidence that means something: a proposal's combined score is mapped to the chance that a reviewer
// accepts it, by Platt scaling (a one-feature logistic regression) fitted on out-of-fold scores of
// labelled passages: passages the model being calibrated never saw. Platt's target smoothing keeps
// small samples from fitting 0 % and 100 %.

export interface Calibration {
  /** confidence = 1 / (1 + exp(-(a * score + b))) */
  a: number;
  b: number;
  /** Scored proposals the mapping was fitted on (0: the default). */
  fittedOn: number;
}

export const confidenceOf = (cal: Calibration, score: number): number => 1 / (1 + Math.exp(-(cal.a * score + cal.b)));

/**
 * Fits a and b by Newton's method on the log loss with Platt's smoothed targets
 * ((positives + 1) / (positives + 2) and 1 / (negatives + 2)). Returns undefined when one class is
 * missing (nothing to separate).
 */
export function fitPlatt(scores: readonly number[], correct: readonly boolean[]): Calibration | undefined {
  const pos = correct.filter(Boolean).length;
  const neg = correct.length - pos;
  if (!pos || !neg) return undefined;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 1;
  let b = Math.log((pos + 1) / (neg + 1));
  for (let it = 0; it < 100; it++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-9;
    let h12 = 0;
    let h22 = 1e-9;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      const p = 1 / (1 + Math.exp(-(a * s + b)));
      const d = p - (correct[i] ? hi : lo);
      const w = p * (1 - p);
      g1 += d * s;
      g2 += d;
      h11 += w * s * s;
      h12 += w * s;
      h22 += w;
    }
    const det = h11 * h22 - h12 * h12;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return Number.isFinite(a) && Number.isFinite(b) ? { a, b, fittedOn: scores.length } : undefined;
}
