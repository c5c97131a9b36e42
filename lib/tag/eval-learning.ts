// Measurement of the learned tagger on gold-coded passages, as a researcher would meet it:
// - evaluateExamples: k anchor examples per code drawn from the gold file (the rest is the test set,
//   the same test passages for every k of a seed), over several seeds;
// - simulateReview: a reviewer who accepts the gold code of each passage they review, `step` passages at
//   a time in reading, random or most-uncertain-first order; after each step the tagger is retrained
//   and measured on a fixed unreviewed rest.
// Both report hit@1, hit@k and proposals per passage for all test passages, quotes and paragraphs apart,
// pooled over the gold sets given (each with its own codebook).
import type { Codebook } from '../model.js';
import type { GoldItem } from './eval.js';
import { compileTagger, type Tagger } from './index.js';
import { buildProposer, type CodeProposer } from './propose.js';
import type { LabelledPassage } from './ranker/index.js';

export interface GoldSet {
  name: string;
  codebook: Codebook;
  items: GoldItem[];
}

export interface Figures {
  items: number;
  hitAt1: number;
  hitAtK: number;
  meanProposals: number;
}

export interface KindFigures {
  all: Figures;
  /** Interview quotes (`kind` quote or pullquote): what respondents say. */
  quotes: Figures;
  /** The researchers' own paragraphs. */
  paragraphs: Figures;
}

/** Seeded xorshift32: the same seed draws the same examples on every machine. */
export function seededRandom(seed: number): () => number {
  let s = (seed * 2654435761 + 0x9e3779b9) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const isQuote = (item: GoldItem): boolean => /quote/i.test(item.kind ?? '');
const accepted = (item: GoldItem): string[] => [item.code, ...item.also];
export const asLabelled = (item: GoldItem): LabelledPassage => ({ text: item.text, accepted: accepted(item), rejected: [] });

/** Running hit counts for all passages, quotes and paragraphs. */
class Tally {
  private readonly counts = { all: [0, 0, 0, 0], quotes: [0, 0, 0, 0], paragraphs: [0, 0, 0, 0] };
  add(item: GoldItem, ranked: readonly string[]): void {
    const ok = new Set(accepted(item));
    const row = [1, ok.has(ranked[0] ?? '') ? 1 : 0, ranked.some((c) => ok.has(c)) ? 1 : 0, ranked.length];
    for (const key of ['all', isQuote(item) ? 'quotes' : 'paragraphs'] as const)
      row.forEach((v, i) => {
        this.counts[key][i]! += v;
      });
  }
  figures(runs = 1): KindFigures {
    const f = ([n, h1, hk, p]: number[]): Figures => ({
      items: Math.round(n! / runs),
      hitAt1: n ? round3(h1! / n) : 0,
      hitAtK: n ? round3(hk! / n) : 0,
      meanProposals: n ? Math.round((p! / n) * 100) / 100 : 0,
    });
    return { all: f(this.counts.all), quotes: f(this.counts.quotes), paragraphs: f(this.counts.paragraphs) };
  }
}
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export interface ExamplesOptions {
  /** Numbers of anchor examples per code to measure (e.g. [0, 1, 3]). */
  examples: number[];
  seeds: number;
  /** Top k counted as a hit (default 3). */
  k?: number;
  /** Also measure the keyword rules alone (the tagger before the ranker). */
  rules?: boolean;
  /** Build the proposer (default buildProposer); experiments pass their own settings. */
  proposer?: (cb: Codebook, labelled: LabelledPassage[], tagger: Tagger) => CodeProposer;
}

export interface ExamplesResult {
  seeds: number;
  k: number;
  /** Test passages per seed (the same for every number of examples). */
  testItems: number;
  rows: Array<{ examples: number } & KindFigures>;
  rules?: KindFigures;
}

/**
 * Per seed and gold set: each code's passages are shuffled; the first min(max k, n - 1) form its
 * example pool (every code keeps at least one test passage), the rest is the test set. With k examples,
 * the first k of each pool are the code's anchor examples.
 */
export function splitExamples(items: readonly GoldItem[], seed: number, maxExamples: number): { pool: Map<string, GoldItem[]>; test: GoldItem[] } {
  const random = seededRandom(seed);
  const byCode = new Map<string, GoldItem[]>();
  for (const item of items) {
    let list = byCode.get(item.code);
    if (!list) byCode.set(item.code, (list = []));
    list.push(item);
  }
  const pool = new Map<string, GoldItem[]>();
  const test: GoldItem[] = [];
  for (const code of [...byCode.keys()].sort()) {
    const list = shuffled(byCode.get(code)!, random);
    const m = Math.max(0, Math.min(maxExamples, list.length - 1));
    pool.set(code, list.slice(0, m));
    test.push(...list.slice(m));
  }
  return { pool, test };
}

const defaultProposer = (cb: Codebook, labelled: LabelledPassage[], tagger: Tagger) => buildProposer(cb, { labelled, tagger });

export function evaluateExamples(sets: readonly GoldSet[], opts: ExamplesOptions): ExamplesResult {
  const k = opts.k ?? 3;
  const maxExamples = Math.max(0, ...opts.examples);
  const make = opts.proposer ?? defaultProposer;
  const tallies = opts.examples.map(() => new Tally());
  const rules = new Tally();
  let tested = 0;
  for (const set of sets) {
    const tagger = compileTagger(set.codebook);
    for (let seed = 1; seed <= opts.seeds; seed++) {
      const { pool, test } = splitExamples(set.items, seed, maxExamples);
      tested += test.length;
      opts.examples.forEach((n, i) => {
        const labelled = [...pool.values()].flatMap((list) => list.slice(0, n)).map(asLabelled);
        const proposer = make(set.codebook, labelled, tagger);
        for (const item of test)
          tallies[i]!.add(
            item,
            proposer.tag(item.text, { topK: k }).map((p) => p.code),
          );
      });
      if (opts.rules)
        for (const item of test)
          rules.add(
            item,
            tagger.tag(item.text, { topK: k }).map((p) => p.code),
          );
    }
  }
  return {
    seeds: opts.seeds,
    k,
    testItems: Math.round(tested / opts.seeds),
    rows: opts.examples.map((examples, i) => ({ examples, ...tallies[i]!.figures(opts.seeds) })),
    ...(opts.rules ? { rules: rules.figures(opts.seeds) } : {}),
  };
}

export type ReviewOrder = 'reading' | 'random' | 'uncertain';

export interface SimulateOptions {
  step: number;
  order: ReviewOrder;
  seeds: number;
  k?: number;
  /** Share of each gold set held out as the fixed unreviewed rest (default 0.4). */
  testShare?: number;
  /** Stop after this many reviewed passages per set (default: the whole review pool). */
  maxReviews?: number;
  proposer?: ExamplesOptions['proposer'];
}

export interface SimulateResult {
  order: ReviewOrder;
  step: number;
  seeds: number;
  k: number;
  steps: Array<{ reviewed: number } & KindFigures>;
}

/**
 * The review pool is read in document order ('reading'), shuffled ('random'), or chosen step by step as
 * the passages the current model is least sure of ('uncertain': smallest margin between its two best
 * codes), taking each time first a passage whose best code has no reviewed passage yet, so every code
 * gets seen. The reviewer accepts each passage's gold codes; the fixed rest is measured after each step.
 */
export function simulateReview(sets: readonly GoldSet[], opts: SimulateOptions): SimulateResult {
  const k = opts.k ?? 3;
  const make = opts.proposer ?? defaultProposer;
  const testShare = opts.testShare ?? 0.4;
  const byStep = new Map<number, Tally>();
  const tally = (n: number) => {
    let t = byStep.get(n);
    if (!t) byStep.set(n, (t = new Tally()));
    return t;
  };
  for (const set of sets) {
    const tagger = compileTagger(set.codebook);
    for (let seed = 1; seed <= opts.seeds; seed++) {
      const random = seededRandom(seed);
      const order = shuffled(
        set.items.map((_, i) => i),
        random,
      );
      const nTest = Math.round(set.items.length * testShare);
      const test = order
        .slice(0, nTest)
        .sort((a, b) => a - b)
        .map((i) => set.items[i]!);
      let pool = order
        .slice(nTest)
        .sort((a, b) => a - b)
        .map((i) => set.items[i]!);
      if (opts.order === 'random') pool = shuffled(pool, random);
      const limit = Math.min(pool.length, opts.maxReviews ?? pool.length);
      const reviewed: GoldItem[] = [];
      for (let n = 0; ; n += opts.step) {
        const proposer = make(set.codebook, reviewed.map(asLabelled), tagger);
        for (const item of test)
          tally(n).add(
            item,
            proposer.tag(item.text, { topK: k }).map((p) => p.code),
          );
        if (n >= limit) break;
        const take = Math.min(opts.step, limit - n);
        const next = opts.order === 'uncertain' ? mostUncertain(proposer, pool, reviewed, take) : pool.slice(0, take);
        reviewed.push(...next);
        pool = pool.filter((p) => !next.includes(p));
      }
    }
  }
  return {
    order: opts.order,
    step: opts.step,
    seeds: opts.seeds,
    k,
    steps: [...byStep].sort((a, b) => a[0] - b[0]).map(([reviewed, t]) => ({ reviewed, ...t.figures(opts.seeds) })),
  };
}

/** The `take` passages the model is least sure of, codes it has not seen reviewed first. */
export function mostUncertain<T extends { text: string }>(proposer: CodeProposer, pool: readonly T[], reviewed: readonly GoldItem[], take: number): T[] {
  const seen = new Set(reviewed.flatMap(accepted));
  const scored = pool.map((item) => {
    const [a, b] = proposer.scores(item.text);
    return { item, best: a?.code ?? '', margin: (a?.score ?? 0) - (b?.score ?? 0) };
  });
  scored.sort((x, y) => Number(seen.has(x.best)) - Number(seen.has(y.best)) || x.margin - y.margin);
  const out: T[] = [];
  const codesTaken = new Set<string>();
  // Unseen codes one passage each first, then the smallest margins.
  for (const s of scored) {
    if (out.length >= take || seen.has(s.best) || codesTaken.has(s.best)) continue;
    out.push(s.item);
    codesTaken.add(s.best);
  }
  for (const s of scored) if (out.length < take && !out.includes(s.item)) out.push(s.item);
  return out;
}
