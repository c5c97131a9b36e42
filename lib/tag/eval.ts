// Evaluation of the tagger against gold-coded passages (../shared/corpus/gold/*.jsonl):
// hit@1, hit@k (the gold code or any code in `also` among the top k), coverage, mean proposals,
// and per-code precision/recall over all proposals made; and k-fold cross-validation of rule terms
// learnt from the gold codings (crossValidateLearning), beside the learned ranker trained on the same folds.
import * as z from 'zod';
import { QualtagError } from '../errors.js';
import type { Codebook, Proposal } from '../model.js';

import { compileTagger, type Tagger } from './index.js';
import { parseJsonLines } from './jsonl.js';
import { LEARN_PARAMS, learnRuleTerms, withLearnedRules } from './learn.js';
import { buildProposer, type CodeProposer } from './propose.js';

export const GoldItem = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string(),
  code: z.string().min(1),
  also: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  /** `quote` (what a respondent said) or `paragraph` (the researchers' own text); optional. */
  kind: z.string().nullish(),
});
export type GoldItem = z.infer<typeof GoldItem>;

export function parseGold(text: string, fileName: string): GoldItem[] {
  return parseJsonLines(text, fileName, GoldItem, 'id, text and code (and optionally also: [codes])');
}

export interface CodeStats {
  code: string;
  gold: number;
  proposed: number;
  correct: number;
  precision: number | null;
  recall: number | null;
}

export interface EvalResult {
  items: number;
  k: number;
  hitAt1: number;
  hitAtK: number;
  coverage: number;
  meanProposals: number;
  perCode: CodeStats[];
  misses: Array<{ id: string; gold: string[]; proposed: string[] }>;
}

const ratio = (a: number, b: number): number | null => (b ? Math.round((a / b) * 1000) / 1000 : null);

/** Scores `propose` (returns proposals ranked best first) on the gold items. */
export function evaluate<T extends GoldItem>(items: T[], propose: (text: string, item: T) => Proposal[], k = 3, codes: string[] = []): EvalResult {
  let hit1 = 0;
  let hitK = 0;
  let covered = 0;
  let proposals = 0;
  const stats = new Map<string, CodeStats>();
  const stat = (code: string): CodeStats => {
    let s = stats.get(code);
    if (!s) stats.set(code, (s = { code, gold: 0, proposed: 0, correct: 0, precision: null, recall: null }));
    return s;
  };
  for (const c of codes) stat(c);
  const misses: EvalResult['misses'] = [];
  for (const item of items) {
    const ranked = propose(item.text, item).slice(0, k);
    const accepted = new Set([item.code, ...item.also]);
    proposals += ranked.length;
    if (ranked.length) covered++;
    if (ranked[0] && accepted.has(ranked[0].code)) hit1++;
    if (ranked.some((p) => accepted.has(p.code))) hitK++;
    else misses.push({ id: item.id, gold: [...accepted], proposed: ranked.map((p) => p.code) });
    for (const c of accepted) stat(c).gold++;
    for (const p of ranked) {
      const s = stat(p.code);
      s.proposed++;
      if (accepted.has(p.code)) s.correct++;
    }
  }
  for (const s of stats.values()) {
    s.precision = ratio(s.correct, s.proposed);
    s.recall = ratio(s.correct, s.gold);
  }
  const n = items.length || 1;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    items: items.length,
    k,
    hitAt1: r3(hit1 / n),
    hitAtK: r3(hitK / n),
    coverage: r3(covered / n),
    meanProposals: r3(proposals / n),
    perCode: [...stats.values()].sort((a, b) => a.code.localeCompare(b.code)),
    misses,
  };
}

export interface LearnFoldOptions {
  folds: number;
  k?: number;
  /** Learnt rules added per code (its best-ranked suggestions). */
  top?: number;
  minSupport?: number;
}

export interface FoldFigures {
  fold: number;
  items: number;
  /** Learnt rules added to the codebook of this fold. */
  rulesAdded: number;
  plain: Pick<EvalResult, 'hitAt1' | 'hitAtK' | 'meanProposals'>;
  learned: Pick<EvalResult, 'hitAt1' | 'hitAtK' | 'meanProposals'>;
  /** The learned ranker trained on the other folds' passages (what the pipeline does with reviews). */
  ranker: Pick<EvalResult, 'hitAt1' | 'hitAtK' | 'meanProposals'>;
}

export interface LearnCrossValidation {
  folds: number;
  top: number;
  minSupport: number;
  /** The tagger as it is, over all items. */
  plain: EvalResult;
  /** Every item tagged by the codebook plus the rules learnt from the other folds only. */
  learned: EvalResult;
  /** The learned ranker (with the codebook's rules) trained on the other folds' passages only. */
  ranker: EvalResult;
  perFold: FoldFigures[];
  /** The learnt rules per fold and code (what was added where). */
  added: Array<Record<string, string[]>>;
}

/**
 * Fold of each item: items ordered by (gold code, id) and dealt round-robin, so every fold holds a
 * share of every code. Deterministic.
 */
export function assignFolds(items: readonly GoldItem[], folds: number): number[] {
  const order = items.map((_, i) => i).sort((a, b) => cmpStr(items[a]!.code, items[b]!.code) || cmpStr(items[a]!.id, items[b]!.id) || a - b);
  const fold = new Array<number>(items.length).fill(0);
  order.forEach((item, j) => {
    fold[item] = j % folds;
  });
  return fold;
}
const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const figures = (r: EvalResult): FoldFigures['plain'] => ({ hitAt1: r.hitAt1, hitAtK: r.hitAtK, meanProposals: r.meanProposals });

/**
 * k-fold cross-validation of learning rule terms from reviewed codings: for each fold, terms are learnt
 * from the gold items of the other folds only, each code gets its top `top` of them as extra rules, and
 * the fold's items are tagged with that codebook; `ranker` tags them with the learned ranker trained on
 * those same other folds. Measures what learning adds on segments it did not learn from.
 */
export function crossValidateLearning(cb: Codebook, items: readonly GoldItem[], opts: LearnFoldOptions): LearnCrossValidation {
  const k = opts.k ?? 3;
  const top = opts.top ?? 5;
  const minSupport = opts.minSupport ?? LEARN_PARAMS.minSupport;
  const folds = Math.min(opts.folds, items.length);
  if (folds < 2)
    throw new QualtagError(
      'BAD_REQUEST',
      `cross-validation needs at least 2 folds and 2 gold items (got ${opts.folds} folds, ${items.length} items)`,
      'Use --learn-folds 5 (or 10) with a gold file of some size',
    );
  const codes = cb.categories.flatMap((c) => c.codes.map((x) => x.id));
  const base = compileTagger(cb);
  const foldOf = assignFolds(items, folds);
  const taggers: Tagger[] = [];
  const proposers: CodeProposer[] = [];
  const added: LearnCrossValidation['added'] = [];
  for (let f = 0; f < folds; f++) {
    const training = items.filter((_, i) => foldOf[i] !== f).map((g) => ({ id: g.id, text: g.text, accepted: [g.code, ...g.also], rejected: [] }));
    const learned = learnRuleTerms(cb, training, { minSupport, top, rulesInForce: base.rulesByCode });
    added.push(Object.fromEntries(learned.codes.filter((c) => c.suggestions.length).map((c) => [c.code, c.suggestions.map((s) => s.rule)])));
    taggers.push(compileTagger(withLearnedRules(cb, learned, top, base.rulesByCode)));
    proposers.push(buildProposer(cb, { labelled: training, tagger: base }));
  }
  const index = new Map(items.map((item, i) => [item, i]));
  const plain = evaluate([...items], (t) => base.tag(t, { topK: k }), k, codes);
  const learned = evaluate([...items], (t, item) => taggers[foldOf[index.get(item)!]!]!.tag(t, { topK: k }), k, codes);
  const rankerTag = (f: number, t: string) => proposers[f]!.tag(t, { topK: k });
  const ranker = evaluate([...items], (t, item) => rankerTag(foldOf[index.get(item)!]!, t), k, codes);
  const perFold: FoldFigures[] = [];
  for (let f = 0; f < folds; f++) {
    const held = items.filter((_, i) => foldOf[i] === f);
    perFold.push({
      fold: f + 1,
      items: held.length,
      rulesAdded: Object.values(added[f]!).reduce((n, r) => n + r.length, 0),
      plain: figures(evaluate(held, (t) => base.tag(t, { topK: k }), k, codes)),
      learned: figures(evaluate(held, (t) => taggers[f]!.tag(t, { topK: k }), k, codes)),
      ranker: figures(evaluate(held, (t) => rankerTag(f, t), k, codes)),
    });
  }
  return { folds, top, minSupport, plain, learned, ranker, perFold, added };
}
