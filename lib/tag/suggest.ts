// Rules suggested for codes that have none, from the codebook's own words. Each code's name, aliases,
// definition, indicators and questions (plus its category's name and definition, weaker) form a
// weighted bag of stems; a stem's weight is how distinctive it is for this code against the other
// codes of the same codebook (tf-idf, L2-normalised per code, times idf for the segment side).
// The result is ordinary rule text with weights (`vertrouwen^1.8`, `"bestuurlijke weerbaarheid"^2.1`)
// that a researcher can read, edit and keep in the codebook.
import type { Code, Codebook, Language } from '../model.js';
import { stripCitations } from './citations.js';
import { canonicalStem as canonical } from './language.js';
import { foldedWords } from './normalize.js';
import { isCompoundSplit, isRuleStopword } from './words.js';

/** Tuning of the suggestion; exported so experiments can vary it (values chosen on general grounds). */
export const SUGGEST_PARAMS = {
  fields: { name: 3, aliases: 2.5, definition: 1, indicators: 1, questions: 0.5, categoryName: 1, categoryDefinition: 0.5 },
  /** Most rules kept per code; the tail of weak stems adds noise, not recall. */
  maxTerms: 60,
  /** Stems weaker than this share of the code's strongest stem are dropped. */
  minRelative: 0,
  compoundPartWeight: 0.5,
  phraseBonus: 0.6,
  /** Multiplier on the idf of words in the codebook's title (its overall topic); measured: 1 (off) ranks best. */
  titleDamping: 1,
  /** Exponent of an extra segment-side idf factor (measured: 0 ranks best). */
  segmentIdf: 0,
  /** Per-code normalisation of the weights: 'l2' (cosine-like), 'l1', or 'none'. */
  norm: 'l2' as 'l2' | 'l1' | 'none',
};
const FIELD_WEIGHTS = SUGGEST_PARAMS.fields;
const MIN_WORD = 3;

interface Bag {
  weights: Map<string, number>;
  /** Surface forms seen per stem, to write rules with real words. */
  surfaces: Map<string, Map<string, number>>;
  phrases: Map<string, { words: [string, string]; weight: number }>;
}

/** The code's text fields with their weights, literature references taken out (citations.ts). */
function fieldTexts(code: Code, cb: Codebook): Array<[string, number]> {
  return rawFieldTexts(code, cb).map(([text, weight]) => [stripCitations(text), weight]);
}

function rawFieldTexts(code: Code, cb: Codebook): Array<[string, number]> {
  const cat = cb.categories.find((c) => c.id === code.categoryId);
  const out: Array<[string, number]> = [[code.name, FIELD_WEIGHTS.name]];
  for (const a of code.aliases) out.push([a, FIELD_WEIGHTS.aliases]);
  if (code.definition) out.push([code.definition, FIELD_WEIGHTS.definition]);
  for (const t of code.indicators) out.push([t, FIELD_WEIGHTS.indicators]);
  for (const t of code.questions) out.push([t, FIELD_WEIGHTS.questions]);
  if (cat) {
    out.push([cat.name, FIELD_WEIGHTS.categoryName]);
    if (cat.definition) out.push([cat.definition, FIELD_WEIGHTS.categoryDefinition]);
  }
  return out;
}

const content = (w: string, lang: Language): boolean => w.length >= MIN_WORD && !isRuleStopword(w, lang) && !/\d/.test(w);

/** Splits a closed Dutch compound into parts that occur as words elsewhere in the codebook, at a real split only. */
function compoundParts(word: string, vocabulary: ReadonlySet<string>): string[] {
  if (word.length < 8) return [];
  for (let i = word.length - 4; i >= 3; i--) {
    const head = word.slice(i);
    let modifier = word.slice(0, i);
    if (!vocabulary.has(head) || !isCompoundSplit(modifier, head)) continue;
    if (vocabulary.has(modifier)) return [modifier, head];
    if (/[se]$/.test(modifier)) modifier = modifier.slice(0, -1);
    if (vocabulary.has(modifier)) return [modifier, head];
    return [head];
  }
  return [];
}

function buildBag(code: Code, cb: Codebook, vocabulary: ReadonlySet<string>): Bag {
  const lang = cb.language;
  const bag: Bag = { weights: new Map(), surfaces: new Map(), phrases: new Map() };
  const add = (word: string, weight: number) => {
    const s = canonical(word, lang);
    bag.weights.set(s, (bag.weights.get(s) ?? 0) + weight);
    const forms = bag.surfaces.get(s) ?? new Map<string, number>();
    forms.set(word, (forms.get(word) ?? 0) + 1);
    bag.surfaces.set(s, forms);
  };
  fieldTexts(code, cb).forEach(([text, weight], fieldIndex) => {
    const words = foldedWords(text);
    words.forEach((w, i) => {
      if (!content(w, lang)) return;
      add(w, weight);
      if (lang === 'nl') for (const part of compoundParts(w, vocabulary)) if (content(part, lang)) add(part, weight * SUGGEST_PARAMS.compoundPartWeight);
      // Adjacent content words of the name and aliases become phrases (e.g. "bestuurlijke weerbaarheid").
      const next = words[i + 1];
      const isLabel = fieldIndex === 0 || code.aliases.includes(text);
      if (isLabel && next && content(next, lang)) {
        const key = `${canonical(w, lang)} ${canonical(next, lang)}`;
        if (!bag.phrases.has(key)) bag.phrases.set(key, { words: [w, next], weight: 0 });
      }
    });
  });
  return bag;
}

function surfaceFor(s: string, forms: Map<string, number> | undefined, lang: Language): string | undefined {
  const ranked = [...(forms ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]));
  for (const [form] of ranked) if (canonical(form, lang) === s) return form;
  return canonical(s, lang) === s ? s : undefined;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Suggested rules for every code of the codebook that has no rules of its own. */
export function suggestRules(cb: Codebook): Map<string, string[]> {
  const codes = cb.categories.flatMap((c) => c.codes);
  const vocabulary = new Set<string>();
  for (const code of codes) for (const [text] of fieldTexts(code, cb)) for (const w of foldedWords(text)) if (content(w, cb.language)) vocabulary.add(w);
  const bags = new Map(codes.map((c) => [c.id, buildBag(c, cb, vocabulary)]));
  const df = new Map<string, number>();
  for (const bag of bags.values()) for (const s of bag.weights.keys()) df.set(s, (df.get(s) ?? 0) + 1);
  const n = codes.length;
  const title = new Set(foldedWords(cb.title ?? '').map((w) => canonical(w, cb.language)));
  const idf = (s: string): number => Math.log(1 + n / (df.get(s) ?? 1)) * (title.has(s) ? SUGGEST_PARAMS.titleDamping : 1);

  const out = new Map<string, string[]>();
  for (const code of codes) {
    if (code.rules.length) continue;
    const bag = bags.get(code.id)!;
    const vec = new Map<string, number>();
    for (const [s, tf] of bag.weights) vec.set(s, (1 + Math.log(tf)) * idf(s));
    const values = [...vec.values()];
    const norm =
      SUGGEST_PARAMS.norm === 'l2'
        ? Math.sqrt(values.reduce((a, v) => a + v * v, 0)) || 1
        : SUGGEST_PARAMS.norm === 'l1'
          ? values.reduce((a, v) => a + v, 0) / 5 || 1
          : 5;
    // Rule weight = the code's normalised tf-idf times idf again (how telling the word is in a segment).
    const weight = new Map([...vec].map(([s, v]) => [s, (10 * v * idf(s) ** SUGGEST_PARAMS.segmentIdf) / norm]));
    const ranked = [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const top = ranked[0]?.[1] ?? 0;
    const rules: string[] = [];
    for (const [s, w] of ranked.slice(0, SUGGEST_PARAMS.maxTerms)) {
      if (w < top * SUGGEST_PARAMS.minRelative || round(w) <= 0) break;
      const word = surfaceFor(s, bag.surfaces.get(s), cb.language);
      if (word) rules.push(`${word}^${round(w)}`);
    }
    for (const [key, phrase] of bag.phrases) {
      const [a, b] = key.split(' ') as [string, string];
      const w = SUGGEST_PARAMS.phraseBonus * ((weight.get(a) ?? 0) + (weight.get(b) ?? 0));
      if (round(w) > 0) rules.push(`"${phrase.words.join(' ')}"^${round(w)}`);
    }
    out.set(code.id, rules);
  }
  return out;
}
