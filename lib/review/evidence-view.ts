// Which evidence of a coding a person is shown (review UI, queue, browse, CSV/XLSX). Pure and dependency
// free: the web bundle imports it too.
//
// - A coding narrowed to a span (a reviewer coded only part of the segment) shows only the evidence inside
//   that span: the rule's matches elsewhere in the segment no longer explain it.
// - On a long paragraph a suggested rule can match a dozen words, several of them many times. Readable
//   evidence is each distinct matched text once (its first occurrence), strongest rule first, at most a few.

export interface EvidenceLike {
  start: number;
  end: number;
  rule: string;
  source?: string | undefined;
}

export interface CodingLike<E extends EvidenceLike = EvidenceLike> {
  evidence: readonly E[];
  span: { start: number; end: number } | null;
}

const IN_TEXT = new Set(['segment', 'learned']);

/** The coding's evidence minus what lies outside its span (notes without a span in the text go too when there is a span). */
export function shownEvidence<E extends EvidenceLike>(c: CodingLike<E>): E[] {
  if (!c.span) return [...c.evidence];
  const { start, end } = c.span;
  return c.evidence.filter((e) => IN_TEXT.has(e.source ?? 'segment') && e.start >= start && e.end <= end && e.end > e.start);
}

/** Most highlights per coding in the segment text, and most quotes listed beside it. */
export const READABLE_EVIDENCE_MAX = 5;

/** Weight of a rule as written (`"x y"^2.5` → 2.5; default 1), to put strong evidence first. */
function ruleWeight(rule: string): number {
  const m = /\^(\d+(?:\.\d+)?)\s*$/.exec(rule);
  return m ? Number(m[1]) : 1;
}

export interface ReadableEvidence<E extends EvidenceLike> {
  /** Distinct matched texts, first occurrence each, strongest rule first (then reading order), at most `max`. */
  shown: E[];
  /** How often each shown text occurs among the spans (same index as `shown`). */
  counts: number[];
  /** Distinct texts left out by the cap. */
  more: number;
}

/** Evidence spans in the segment text (rule matches, learned words) made readable: each distinct text once, at most `max`. */
export function readableEvidence<E extends EvidenceLike>(text: string, evidence: readonly E[], max = READABLE_EVIDENCE_MAX): ReadableEvidence<E> {
  const byText = new Map<string, { first: E; count: number; weight: number }>();
  for (const e of evidence) {
    if (e.end <= e.start || !IN_TEXT.has(e.source ?? 'segment')) continue;
    // Rule matches and learned words are shown differently: each text once per kind.
    const key = `${e.source ?? 'segment'}\0${text.slice(e.start, e.end).toLocaleLowerCase().replace(/\s+/g, ' ')}`;
    const seen = byText.get(key);
    if (!seen) byText.set(key, { first: e, count: 1, weight: ruleWeight(e.rule) });
    else {
      seen.count++;
      if (e.start < seen.first.start) seen.first = e;
      seen.weight = Math.max(seen.weight, ruleWeight(e.rule));
    }
  }
  const ranked = [...byText.values()].sort((a, b) => b.weight - a.weight || a.first.start - b.first.start);
  const kept = ranked.slice(0, max).sort((a, b) => a.first.start - b.first.start);
  return { shown: kept.map((k) => k.first), counts: kept.map((k) => k.count), more: Math.max(0, ranked.length - max) };
}
