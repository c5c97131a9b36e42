// Features of a text for the learned ranker, from the same normalisation as the rules: folded words,
// their canonical stems (Dutch nominalisations and participles fold onto the verb), stem pairs of
// neighbouring content words, and the head and modifier of closed Dutch compounds when the split parts
// are themselves words the model knows. Every feature keeps the spans it was found at, so a proposal
// can show the words that carried it.
import type { Language } from '../../model.js';
import { canonicalStem, isStopword } from '../language.js';
import { tokenize } from '../normalize.js';

export interface FeatureOptions {
  /** Add pairs of neighbouring content stems (`b:samenwerk_politie`). */
  bigrams: boolean;
  /** Add word-internal character n-grams of this length (0: none). Helps closed compounds and inflection. */
  charGrams: number;
}

export const DEFAULT_FEATURES: FeatureOptions = { bigrams: false, charGrams: 0 };

/** Shortest content word (folded) that becomes a feature: shorter ones are mostly function words. */
const MIN_WORD = 3;

export interface FeatureOccurrences {
  /** Feature key → number of occurrences. */
  counts: Map<string, number>;
  /** Feature key → spans (UTF-16 offsets into the text) where it occurs. */
  spans: Map<string, Array<[number, number]>>;
}

/** Extracts the features of a text; `withSpans` also records where each one was found. */
export function extractFeatures(text: string, lang: Language, opts: FeatureOptions = DEFAULT_FEATURES, withSpans = false): FeatureOccurrences {
  const counts = new Map<string, number>();
  const spans = new Map<string, Array<[number, number]>>();
  const add = (key: string, start: number, end: number, weight = 1) => {
    counts.set(key, (counts.get(key) ?? 0) + weight);
    if (withSpans) {
      let s = spans.get(key);
      if (!s) spans.set(key, (s = []));
      s.push([start, end]);
    }
  };
  let prev: { stem: string; start: number } | undefined;
  for (const w of tokenize(text)) {
    if (w.folded.length < MIN_WORD || isStopword(w.folded, lang) || /^\d/.test(w.folded)) {
      prev = undefined;
      continue;
    }
    const s = canonicalStem(w.folded, lang);
    add(`s:${s}`, w.start, w.end);
    if (opts.bigrams && prev) add(`b:${prev.stem}_${s}`, prev.start, w.end);
    if (opts.charGrams > 0 && w.folded.length > opts.charGrams) {
      const padded = `<${w.folded}>`;
      for (let i = 0; i + opts.charGrams <= padded.length; i++) add(`c:${padded.slice(i, i + opts.charGrams)}`, w.start, w.end, 1 / padded.length);
    }
    prev = { stem: s, start: w.start };
  }
  return { counts, spans };
}
