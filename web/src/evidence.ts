// Evidence comes in these kinds: rule matches in the segment's own text, the words that carried the
// learned ranker (also spans of the segment, highlighted differently), support from its context (the
// interviewer's question before an answer), whose offsets point into that question, not the segment,
// a classifier trained on the project's reviewed passages and the most similar anchor example (no span
// at all). Only spans of the segment may be highlighted there; the others are described in words.
import type { Evidence } from '../../lib/api/contract.js';
import { exampleText, isExampleEvidence, isLearnedEvidence } from '../../lib/review/evidence.js';
import { readableEvidence, shownEvidence, type ReadableEvidence } from '../../lib/review/evidence-view.js';

export { confidencePercent, learnedWords, exampleText, isLearnedEvidence } from '../../lib/review/evidence.js';
export type { ReadableEvidence };
export { shownEvidence };

/** Evidence as the API sends it; `source` is the store's marker for context evidence (may be absent). */
export type AnyEvidence = Evidence & { source?: string };

const CONTEXT_RULE = /^(question|context): /;

export function isContextEvidence(ev: AnyEvidence): boolean {
  return ev.source === 'context' || CONTEXT_RULE.test(ev.rule);
}

export function isClassifierEvidence(ev: AnyEvidence): boolean {
  return ev.source === 'classifier';
}

/** Evidence whose offsets are into the segment text (safe to highlight there): rule matches and learned words. */
export function ownEvidence<T extends AnyEvidence>(evidence: readonly T[]): T[] {
  return evidence.filter((ev) => !isContextEvidence(ev) && !isClassifierEvidence(ev) && !isExampleEvidence(ev) && ev.end > ev.start);
}

/** Rule matches only (the learned words are listed apart). */
export function ruleEvidence<T extends AnyEvidence>(evidence: readonly T[]): T[] {
  return ownEvidence(evidence).filter((ev) => !isLearnedEvidence(ev));
}

/** "like this example: “…”" for the anchor example or accepted passage most like the segment; null without one. */
export function exampleNote(evidence: readonly AnyEvidence[]): string | null {
  const text = exampleText(evidence);
  return text ? `like this example: “${text}”` : null;
}

/** "suggested from your reviewed passages, p = 0.41 (57 passages)", or null when no classifier proposed it. */
export function classifierNote(evidence: readonly AnyEvidence[]): string | null {
  const ev = evidence.find(isClassifierEvidence);
  if (!ev) return null;
  const m = /^classifier: (\d+(?:\.\d+)?)(?: \(from (\d+) reviewed passages\))?/.exec(ev.rule);
  if (!m) return 'suggested from your reviewed passages';
  return `suggested from your reviewed passages, p = ${m[1]}${m[2] ? ` (${m[2]} passages)` : ''}`;
}

/** "the question before this answer" (+ the guide question it matched), or null without context support. */
export function contextSupport(evidence: readonly AnyEvidence[]): string | null {
  const ev = evidence.find(isContextEvidence);
  if (!ev) return null;
  const guide = /^question: (.+)$/s.exec(ev.rule)?.[1]?.trim();
  return guide ? `the question before this answer, like the guide question “${guide}”` : 'the question before this answer';
}

/** The evidence spans worth highlighting in the segment text: inside the coding's span if it has one, each distinct text once, at most a few. */
export function highlightEvidence<E extends AnyEvidence>(
  c: { evidence: readonly E[]; span: { start: number; end: number } | null },
  text: string,
): ReadableEvidence<E> {
  return readableEvidence(text, ownEvidence(shownEvidence(c)));
}

/** The rule matches beside a proposal, readable: "“wijkagent” ×3, “vertrouwen” and 2 more" ('' without any). */
export function ruleQuotes(c: { evidence: readonly AnyEvidence[]; span: { start: number; end: number } | null }, text: string): string {
  return evidenceQuotes(text, readableEvidence(text, ruleEvidence(shownEvidence(c))));
}

/** "“wijkagent” ×3, “vertrouwen” and 2 more": the quotes beside a proposal. */
export function evidenceQuotes(text: string, r: ReadableEvidence<AnyEvidence>): string {
  const quotes = r.shown.map((e, i) => `“${text.slice(e.start, e.end)}”${r.counts[i]! > 1 ? ` ×${r.counts[i]}` : ''}`);
  return quotes.join(', ') + (r.more ? ` and ${r.more} more` : '');
}
