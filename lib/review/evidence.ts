// Evidence of a proposal as a reviewer reads it, shared by the review UI (web/src) and the CSV/XLSX
// export: rule matches (spans), the words that carried the learned ranker (spans, each word listed
// once however often it occurs), and the anchor example or accepted passage most like the segment.
// Plain TS with type-only imports, so the web bundle can use it without zod.
import type { Evidence } from '../model.js';

const EXAMPLE_PREFIX = /^example:\s*/;
const LEARNED_PREFIX = /^learned:\s*/;

export const isLearnedEvidence = (ev: Evidence): boolean => ev.source === 'learned';
export const isExampleEvidence = (ev: Evidence): boolean => ev.source === 'example';

/** Rule matches in the segment text (not the question's context, the classifier note, learned words or the example). */
export function ruleSpans<T extends Evidence>(evidence: readonly T[]): T[] {
  return evidence.filter((ev) => (ev.source === undefined || ev.source === 'segment') && ev.end > ev.start);
}

/** Learned evidence with a span inside the segment text. */
export function learnedSpans<T extends Evidence>(evidence: readonly T[], textLength: number): T[] {
  return evidence.filter((ev) => isLearnedEvidence(ev) && ev.end > ev.start && ev.end <= textLength);
}

/**
 * The words that carried the learned score, as written in the segment, each once (case-insensitively) in
 * the order they first occur; a span outside the text falls back to the stem the rule names.
 */
export function learnedWords(text: string, evidence: readonly Evidence[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const spans = evidence.filter(isLearnedEvidence).sort((a, b) => a.start - b.start);
  for (const ev of spans) {
    const word = (ev.end > ev.start && ev.end <= text.length ? text.slice(ev.start, ev.end) : ev.rule.replace(LEARNED_PREFIX, '')).trim();
    const key = word.toLocaleLowerCase();
    if (!word || seen.has(key)) continue;
    seen.add(key);
    out.push(word);
  }
  return out;
}

/** The text of the most similar anchor example or accepted passage, or null. */
export function exampleText(evidence: readonly Evidence[]): string | null {
  const ev = evidence.find(isExampleEvidence);
  const text = ev?.rule.replace(EXAMPLE_PREFIX, '').trim();
  return text ? text : null;
}

/** "82 %" for a calibrated confidence; null when the proposal has none (rule proposals from before the ranker, human codings). */
export function confidencePercent(confidence: number | undefined): string | null {
  if (confidence === undefined || !Number.isFinite(confidence)) return null;
  return `${Math.round(Math.min(1, Math.max(0, confidence)) * 100)} %`;
}

/**
 * One line for an export cell: `span [rule]` per rule match (repeats once), `learned words: a, b`, `like example: "…"`,
 * and other span-less evidence (classifier, context) as `[rule]`.
 */
export function evidenceLine(text: string, evidence: readonly Evidence[]): string {
  const parts: string[] = [];
  for (const ev of evidence) {
    if (isLearnedEvidence(ev) || isExampleEvidence(ev)) continue;
    const part = ev.end > ev.start && (ev.source === undefined || ev.source === 'segment') ? `${text.slice(ev.start, ev.end)} [${ev.rule}]` : `[${ev.rule}]`;
    // A word the same rule matched twice is listed once.
    if (!parts.some((p) => p.toLocaleLowerCase() === part.toLocaleLowerCase())) parts.push(part);
  }
  const words = learnedWords(text, evidence);
  if (words.length) parts.push(`learned words: ${words.join(', ')}`);
  const example = exampleText(evidence);
  if (example) parts.push(`like example: "${example}"`);
  return parts.join('; ');
}
