// Evaluation of the tagger against gold-coded passages (../shared/corpus/gold/*.jsonl):
// hit@1, hit@k (the gold code or any code in `also` among the top k), coverage, mean proposals,
// and per-code precision/recall over all proposals made.
import * as z from 'zod';
import { parseJsonLines } from './jsonl.js';
import type { Proposal } from '../model.js';

export const GoldItem = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string(),
  code: z.string().min(1),
  also: z.array(z.string()).nullish().transform((v) => v ?? []),
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
