// The review order that teaches the ranker most per decision: the proposals it is least sure about
// first (calibrated confidence closest to 0.5, where a reviewer's answer is least predictable), taken
// code by code in turns so that every code gets an early decision (a code nobody has reviewed yet
// learns more from its first decision than a well-reviewed one from its tenth). Proposals without a
// confidence (from before the learned ranker) come last, in reading order.
import type { Coding } from '../coding/index.js';

/** How far the proposal is from a coin flip: 0 = most uncertain, 0.5 = certain either way. */
export const uncertainty = (c: Pick<Coding, 'confidence'>): number => (c.confidence === undefined ? Infinity : Math.abs(c.confidence - 0.5));

const readingOrder = (a: Coding, b: Coding): number =>
  a.documentId.localeCompare(b.documentId) || a.segmentIndex - b.segmentIndex || a.code.localeCompare(b.code);

/**
 * Round r holds each code's r-th most uncertain proposal; rounds come in turn, and within a round the
 * most uncertain first (ties in reading order).
 */
export function uncertainFirst(codings: readonly Coding[]): Coding[] {
  const byUncertainty = (a: Coding, b: Coding) => uncertainty(a) - uncertainty(b) || readingOrder(a, b);
  const withConfidence = codings.filter((c) => c.confidence !== undefined);
  const without = codings.filter((c) => c.confidence === undefined).sort(readingOrder);
  const perCode = new Map<string, Coding[]>();
  for (const c of withConfidence) (perCode.get(c.code) ?? perCode.set(c.code, []).get(c.code)!).push(c);
  const round = new Map<Coding, number>();
  for (const list of perCode.values())
    list.sort(byUncertainty).forEach((c, i) => {
      round.set(c, i);
    });
  const ranked = withConfidence.sort((a, b) => round.get(a)! - round.get(b)! || byUncertainty(a, b));
  return [...ranked, ...without];
}
