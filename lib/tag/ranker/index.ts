// The learned ranker: a softmax regression over stemmed tf-idf features, trained per project and
// codebook version on (1) each code's own words — name, aliases, definition, indicators, questions and
// its category — as a weighted pseudo-passage, (2) the codebook's anchor examples, and (3) the
// project's reviewed decisions (accepted and added codes as positives, rejections as "not this code").
// Labelled passages are class-balanced, so a code reviewed 40 times does not swamp one reviewed twice.
// (Unlabelled project text in the idf was measured and gained nothing: the same inputs as `qualtag code`
// then give the same proposals in the CLI and the pipeline.)
import { allCodes } from '../../codebook/index.js';
import type { Codebook, Language } from '../../model.js';
import { DEFAULT_FEATURES, extractFeatures, type FeatureOptions } from './features.js';
import { fitSoftmax, logits, softmaxInPlace, type NegativeSample, type PositiveSample, type SparseVector } from './softmax.js';

/** A passage with what people said about it: codes accepted (or added) and codes rejected. */
export interface LabelledPassage {
  text: string;
  accepted: readonly string[];
  rejected: readonly string[];
}

export interface RankerParams {
  features: FeatureOptions;
  /** Weight of each code's pseudo-passage (its codebook words), against 1 for a labelled passage. */
  codebookWeight: number;
  /** Field weights inside the pseudo-passage (word counts are multiplied by these). */
  fields: { name: number; aliases: number; definition: number; indicators: number; questions: number; category: number };
  /** Class balance: a labelled passage of a code with n labelled passages weighs passageWeight / n^balance. */
  balance: number;
  passageWeight: number;
  /** Weight of a rejection against an accepted passage (balanced like them). */
  rejectedWeight: number;
  /** L2 penalty on weights and biases. */
  l2: number;
  /**
   * Codes without labelled passages get at least the mean bias of the codes with some. Fitted freely,
   * the biases also learn which codes were reviewed so far: measured, a reviewer who starts with the
   * passages of two codes then saw those two proposed everywhere (hit@3 on the rest 0.82 -> 0.38).
   */
  unseenBias: boolean;
}

/**
 * Chosen by cross-validation on the dev corpus (`qualtag eval --examples 0,1,3 --seeds 10` and
 * `--simulate-review`, README "The learned ranker"): general settings, no word lists.
 */
export const RANKER_PARAMS: RankerParams = {
  features: DEFAULT_FEATURES,
  codebookWeight: 3,
  fields: { name: 3, aliases: 2, definition: 1, indicators: 1, questions: 0.5, category: 0.5 },
  balance: 1,
  passageWeight: 3,
  rejectedWeight: 1,
  l2: 1,
  unseenBias: true,
};

export interface RankedCode {
  code: string;
  probability: number;
}

export interface FeatureEvidence {
  feature: string;
  contribution: number;
  spans: Array<[number, number]>;
}

export interface LearnedRanker {
  readonly codebookVersion: string;
  /** Labelled passages it learnt from (anchor examples and reviewed passages). */
  readonly passages: number;
  /** Every code of the codebook, most probable first (ties by codebook order). */
  rank(text: string): RankedCode[];
  /** The features present in the text that speak most for the code, strongest first (positive only). */
  explain(text: string, code: string, limit?: number): FeatureEvidence[];
  /** Whether the text has any feature the ranker learnt (a word of the codebook or of a labelled passage). */
  knows(text: string): boolean;
  /** The labelled passage of the code most like the text (cosine of tf-idf vectors), if any shares a feature. */
  nearestExample(text: string, code: string): { text: string; similarity: number } | undefined;
}

interface Vocabulary {
  index: Map<string, number>;
  idf: Float64Array;
}

function buildVocabulary(docs: ReadonlyArray<Map<string, number>>): Vocabulary {
  const df = new Map<string, number>();
  for (const d of docs) for (const k of d.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const keys = [...df.keys()].sort();
  const index = new Map(keys.map((k, i) => [k, i]));
  const n = docs.length;
  const idf = Float64Array.from(keys, (k) => Math.log((n + 1) / (df.get(k)! + 1)) + 1);
  return { index, idf };
}

/** Sublinear tf times idf, L2-normalised; features outside the vocabulary are dropped. */
function vectorize(counts: ReadonlyMap<string, number>, vocab: Vocabulary): SparseVector {
  const pairs: Array<[number, number]> = [];
  for (const [k, c] of counts) {
    const i = vocab.index.get(k);
    if (i !== undefined && c > 0) pairs.push([i, (1 + Math.log(c)) * vocab.idf[i]!]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const norm = Math.sqrt(pairs.reduce((s, [, v]) => s + v * v, 0)) || 1;
  return { index: Int32Array.from(pairs, (p) => p[0]), value: Float64Array.from(pairs, (p) => p[1] / norm) };
}

function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.index.length && j < b.index.length) {
    const x = a.index[i]!;
    const y = b.index[j]!;
    if (x === y) s += a.value[i++]! * b.value[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return s;
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>, weight: number): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v * weight);
}

/** The code's own words as one weighted bag of features. */
function codebookCounts(cb: Codebook, params: RankerParams): Map<string, Map<string, number>> {
  const lang = cb.language;
  const f = (t: string) => extractFeatures(t, lang, params.features).counts;
  const out = new Map<string, Map<string, number>>();
  for (const cat of cb.categories) {
    const catCounts = new Map<string, number>();
    addCounts(catCounts, f(cat.name), 1);
    if (cat.definition) addCounts(catCounts, f(cat.definition), 1);
    for (const code of cat.codes) {
      const bag = new Map<string, number>();
      addCounts(bag, f(code.name), params.fields.name);
      for (const a of code.aliases) addCounts(bag, f(a), params.fields.aliases);
      if (code.definition) addCounts(bag, f(code.definition), params.fields.definition);
      for (const t of code.indicators) addCounts(bag, f(t), params.fields.indicators);
      for (const t of code.questions) addCounts(bag, f(t), params.fields.questions);
      addCounts(bag, catCounts, params.fields.category);
      out.set(code.id, bag);
    }
  }
  return out;
}

/**
 * Trains the ranker on the codebook (and its anchor examples, when the codebook carries them) plus
 * labelled passages. Codes outside the codebook are ignored. Deterministic: the same input in the
 * same order gives the same model.
 */
export function trainRanker(cb: Codebook, labelled: readonly LabelledPassage[], params: RankerParams = RANKER_PARAMS): LearnedRanker {
  const lang: Language = cb.language;
  const codes = allCodes(cb);
  const classOf = new Map(codes.map((c, i) => [c.id, i]));
  const passages: LabelledPassage[] = [...labelled];
  for (const code of codes) for (const ex of code.examples) passages.push({ text: ex.text, accepted: [code.id], rejected: [] });

  const pseudo = codebookCounts(cb, params);
  const passageCounts = passages.map((p) => extractFeatures(p.text, lang, params.features).counts);
  const vocab = buildVocabulary([...pseudo.values(), ...passageCounts]);

  // Labelled passages per code, for class balance.
  const perCode = new Float64Array(codes.length);
  for (const p of passages) {
    const known = p.accepted.filter((c) => classOf.has(c));
    for (const c of known) perCode[classOf.get(c)!]! += 1 / known.length;
  }
  const balanceOf = (cls: number) => params.passageWeight * (perCode[cls]! > 0 ? perCode[cls]! ** -params.balance : 1);

  const positives: PositiveSample[] = [];
  const negatives: NegativeSample[] = [];
  codes.forEach((code, cls) => void positives.push({ x: vectorize(pseudo.get(code.id)!, vocab), target: [[cls, 1]], weight: params.codebookWeight }));
  const byCode: Array<Array<{ text: string; x: SparseVector }>> = codes.map(() => []);
  passages.forEach((p, i) => {
    const x = vectorize(passageCounts[i]!, vocab);
    const known = [...new Set(p.accepted)].filter((c) => classOf.has(c)).map((c) => classOf.get(c)!);
    if (known.length) {
      const weight = known.reduce((s, c) => s + balanceOf(c), 0) / known.length;
      positives.push({ x, target: known.map((c) => [c, 1 / known.length]), weight });
      for (const c of known) byCode[c]!.push({ text: p.text, x });
    }
    for (const r of new Set(p.rejected)) {
      const cls = classOf.get(r);
      if (cls !== undefined && !known.includes(cls)) negatives.push({ x, cls, weight: params.rejectedWeight * balanceOf(cls) });
    }
  });

  const fit = { l2: params.l2, maxIterations: 150, tolerance: 1e-5 };
  const model = fitSoftmax(codes.length, vocab.index.size, positives, negatives, fit);
  if (params.unseenBias) {
    const seen = [...perCode.keys()].filter((c) => perCode[c]! > 0);
    if (seen.length && seen.length < codes.length) {
      const mean = seen.reduce((a, c) => a + model.bias[c]!, 0) / seen.length;
      for (let c = 0; c < codes.length; c++) if (!(perCode[c]! > 0)) model.bias[c] = Math.max(model.bias[c]!, mean);
    }
  }

  const keys = [...vocab.index.keys()];
  const featuresOf = (text: string, withSpans = false) => extractFeatures(text, lang, params.features, withSpans);
  const probabilities = (x: SparseVector): Float64Array => softmaxInPlace(logits(model, x));
  // rank, explain and nearestExample are called in a row for one segment: its analysis is kept once.
  let last: { text: string; spans: Map<string, Array<[number, number]>>; x: SparseVector } | undefined;
  const analysed = (text: string) => {
    if (last?.text !== text) {
      const occ = featuresOf(text, true);
      last = { text, spans: occ.spans, x: vectorize(occ.counts, vocab) };
    }
    return last;
  };
  return {
    codebookVersion: cb.version,
    passages: passages.length,
    rank(text) {
      const p = probabilities(analysed(text).x);
      return codes
        .map((c, i) => ({ code: c.id, probability: p[i]!, i }))
        .sort((a, b) => b.probability - a.probability || a.i - b.i)
        .map(({ code, probability }) => ({ code, probability }));
    },
    explain(text, code, limit = 5) {
      const cls = classOf.get(code);
      if (cls === undefined) return [];
      const { x, spans } = analysed(text);
      const out: FeatureEvidence[] = [];
      for (let j = 0; j < x.index.length; j++) {
        const f = x.index[j]!;
        // A feature speaks for the code by how much more it raises this code's logit than the average code's.
        let mean = 0;
        for (let c = 0; c < model.classes; c++) mean += model.weights[c * model.features + f]!;
        mean /= model.classes;
        const contribution = (model.weights[cls * model.features + f]! - mean) * x.value[j]!;
        if (contribution > 0) out.push({ feature: keys[f]!, contribution, spans: spans.get(keys[f]!) ?? [] });
      }
      return out.sort((a, b) => b.contribution - a.contribution || (a.feature < b.feature ? -1 : 1)).slice(0, limit);
    },
    knows: (text) => analysed(text).x.index.length > 0,
    nearestExample(text, code) {
      const cls = classOf.get(code);
      if (cls === undefined) return undefined;
      const { x } = analysed(text);
      let best: { text: string; similarity: number } | undefined;
      for (const ex of byCode[cls]!) {
        const s = cosine(x, ex.x);
        if (s > 0 && (!best || s > best.similarity)) best = { text: ex.text, similarity: s };
      }
      return best;
    },
  };
}
