// What the tagger proposes for a segment: the learned ranker's view of every code, combined with the
// keyword rules and the interviewer's question, turned into the top proposals with a calibrated
// confidence and evidence a reviewer can check (rule spans, the words that carried the learned score,
// the question, and the most similar anchor example or accepted passage).
//
// Combined score of a code (log scale): log(p * codes) from the ranker, plus
//   ownRuleWeight × (share of the segment's best own-rule score) for rules the researcher wrote,
//   suggestedRuleWeight × (same, for rules suggested from the codebook text),
//   contextWeight × (similarity of the question before the answer to the code's guide questions).
// The weights other than ownRuleWeight are chosen by cross-validation on the dev corpus (README); a rule
// the researcher wrote is their explicit instruction, so it outweighs the ranker's spread of opinions.
import { allCodes } from '../codebook/index.js';
import type { Codebook, Evidence, Proposal } from '../model.js';
import { contextScorer, type ContextScorer } from './context.js';
import { compileTagger, type Tagger } from './index.js';
import { confidenceOf, fitPlatt, type Calibration } from './ranker/calibrate.js';
import { RANKER_PARAMS, trainRanker, type LabelledPassage, type LearnedRanker, type RankerParams } from './ranker/index.js';

export const PROPOSE_PARAMS = {
  ownRuleWeight: 4,
  suggestedRuleWeight: 0,
  contextWeight: 2,
  /** Words shown as learned evidence per proposal. */
  learnedWords: 3,
  /** Anchor examples or accepted passages shown are cut to this many characters. */
  exampleChars: 240,
  /** Proposals below this confidence are left out (the top-k still caps them). On the dev corpus without
   * examples 0.05 drops 0.1 proposal per passage and no hit; 0.1 drops 0.5 and costs 0.015 hit@3. */
  minConfidence: 0.05,
  topK: 3,
  /** Folds of the cross-validation that calibrates confidence on the labelled passages. */
  calibrationFolds: 3,
  /** Fewer labelled passages than this: the default calibration (fitted on the dev corpus) is used. */
  minCalibrationPassages: 12,
};

/**
 * Platt mapping of the combined score for a project with too few labelled passages of its own: fitted on
 * the top-3 proposals for all 190 passages of the three dev gold sets, tagged with their codebooks alone
 * (no examples, so every score is out of sample): 538 proposals, 28 % of them a gold code.
 */
export const DEFAULT_CALIBRATION: Calibration = { a: 5.66, b: -2.72, fittedOn: 0 };

export interface ProposeOptions {
  /** The interviewer's question before this answer. */
  context?: string;
  topK?: number;
  minConfidence?: number;
}

export interface CodeProposer {
  readonly codebookVersion: string;
  readonly ranker: LearnedRanker;
  readonly calibration: Calibration;
  /** Every code with its combined score, best first (for calibration and review order). */
  scores(text: string, context?: string): Array<{ code: string; score: number }>;
  /** The top proposals for a segment (the interviewer's question, if any, as `context`). */
  tag(text: string, opts?: ProposeOptions): Proposal[];
}

export interface ProposerInput {
  /** Anchor examples of the codebook are added by the ranker itself; these are reviewed passages. */
  labelled?: readonly LabelledPassage[];
  params?: RankerParams;
  /** Reuse a compiled tagger of the same codebook version. */
  tagger?: Tagger;
  /** Override the calibration (tests, eval). */
  calibration?: Calibration;
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

export function buildProposer(cb: Codebook, input: ProposerInput = {}): CodeProposer {
  const labelled = input.labelled ?? [];
  const params = input.params ?? RANKER_PARAMS;
  const tagger = input.tagger ?? compileTagger(cb);
  const ranker = trainRanker(cb, labelled, params);
  const scorer = combinedScorer(cb, tagger, ranker);
  const calibration = input.calibration ?? calibrate(cb, labelled, params, tagger);
  const nCodes = allCodes(cb).length;
  return {
    codebookVersion: cb.version,
    ranker,
    calibration,
    scores: (text, context) => scorer(text, context).map(({ code, score }) => ({ code, score })),
    tag(text, opts = {}) {
      const topK = opts.topK ?? PROPOSE_PARAMS.topK;
      const minConfidence = opts.minConfidence ?? PROPOSE_PARAMS.minConfidence;
      const out: Proposal[] = [];
      const known = ranker.knows(text);
      for (const s of scorer(text, opts.context)) {
        if (out.length >= Math.min(topK, nCodes)) break;
        const confidence = confidenceOf(calibration, s.score);
        if (confidence < minConfidence) break;
        const evidence: Evidence[] = [...s.ruleEvidence];
        for (const f of ranker.explain(text, s.code, PROPOSE_PARAMS.learnedWords)) {
          for (const [start, end] of f.spans) evidence.push({ start, end, rule: `learned: ${f.feature.slice(2)}`, source: 'learned' });
        }
        if (s.context) evidence.push(s.context);
        // A segment that shares no word with anything the ranker learnt, and no rule or question speaks
        // for the code, gets nothing (measured: asking for a word per code cost quotes 0.13 hit@3).
        if (!evidence.length && !known) break;
        const near = ranker.nearestExample(text, s.code);
        if (near) evidence.push({ start: 0, end: 0, rule: `example: ${clip(near.text, PROPOSE_PARAMS.exampleChars)}`, source: 'example' });
        out.push({ code: s.code, score: round4(confidence), confidence: round4(confidence), evidence: tidy(evidence) });
      }
      return out;
    },
  };
}

const clip = (t: string, n: number): string => {
  const s = t.replace(/\s+/g, ' ').trim();
  return s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}…`;
};

/** Segment spans first in text order, one entry per span (a learned word a rule already shows is dropped). */
function tidy(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const own = evidence.filter((e) => !e.source || e.source === 'segment' || e.source === 'learned');
  const other = evidence.filter((e) => !own.includes(e));
  own.sort((a, b) => a.start - b.start || a.end - b.end || (a.source === 'learned' ? 1 : 0) - (b.source === 'learned' ? 1 : 0));
  const kept = own.filter((e) => {
    const k = `${e.start}:${e.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return [...kept, ...other];
}

interface Scored {
  code: string;
  score: number;
  ruleEvidence: Evidence[];
  context?: Evidence;
}

function combinedScorer(cb: Codebook, tagger: Tagger, ranker: LearnedRanker): (text: string, context?: string) => Scored[] {
  const codes = allCodes(cb);
  const ownRules = new Set(codes.filter((c) => c.rules.length).map((c) => c.id));
  const index = new Map(codes.map((c, i) => [c.id, i]));
  let questions: ContextScorer | undefined;
  const { ownRuleWeight, suggestedRuleWeight, contextWeight } = PROPOSE_PARAMS;
  return (text, context) => {
    const rules = tagger.tag(text, { topK: codes.length, minScore: 0, relativeCutoff: 0 });
    const vetoed = tagger.vetoedInLastTag();
    const best = rules[0]?.score ?? 0;
    const byCode = new Map(rules.map((p) => [p.code, p]));
    const ctx = context ? (questions ??= contextScorer(cb)).score(context) : [];
    const ctxByCode = new Map(ctx.map((m) => [codes[m.code]!.id, m]));
    const out: Scored[] = [];
    for (const { code, probability } of ranker.rank(text)) {
      if (vetoed.has(code)) continue;
      let score = Math.log(Math.max(probability, 1e-12) * codes.length);
      const rule = byCode.get(code);
      if (rule && best > 0) score += (ownRules.has(code) ? ownRuleWeight : suggestedRuleWeight) * (rule.score / best);
      const cm = ctxByCode.get(code);
      if (cm) score += contextWeight * cm.similarity;
      out.push({
        code,
        score,
        ruleEvidence: rule ? rule.evidence.filter((e) => e.source !== 'context') : [],
        context: cm
          ? { start: cm.start, end: cm.end, rule: cm.question === null ? `context: ${code}` : `question: ${cm.question}`, source: 'context' }
          : undefined,
      });
    }
    return out.sort((a, b) => b.score - a.score || index.get(a.code)! - index.get(b.code)!);
  };
}

/**
 * Calibration from the labelled passages: each fold's passages are scored by a model trained on the
 * others, every code of the codebook gives one (score, accepted?) pair within the top-k, and Platt
 * scaling maps scores to the share accepted. Too few passages: DEFAULT_CALIBRATION.
 */
export function calibrate(cb: Codebook, labelled: readonly LabelledPassage[], params: RankerParams, tagger: Tagger): Calibration {
  const examples = allCodes(cb).flatMap((c) => c.examples.map((e) => ({ text: e.text, accepted: [c.id], rejected: [] as string[] })));
  const all: LabelledPassage[] = [...labelled, ...examples].filter((p) => p.accepted.length);
  const folds = PROPOSE_PARAMS.calibrationFolds;
  if (all.length < PROPOSE_PARAMS.minCalibrationPassages) return DEFAULT_CALIBRATION;
  const withoutExamples: Codebook = { ...cb, categories: cb.categories.map((cat) => ({ ...cat, codes: cat.codes.map((c) => ({ ...c, examples: [] })) })) };
  const scores: number[] = [];
  const correct: boolean[] = [];
  for (let f = 0; f < folds; f++) {
    const train = all.filter((_, i) => i % folds !== f);
    const test = all.filter((_, i) => i % folds === f);
    const scorer = combinedScorer(cb, tagger, trainRanker(withoutExamples, train, params));
    for (const p of test) {
      const ok = new Set(p.accepted);
      for (const s of scorer(p.text).slice(0, PROPOSE_PARAMS.topK)) {
        scores.push(s.score);
        correct.push(ok.has(s.code));
      }
    }
  }
  return fitPlatt(scores, correct) ?? DEFAULT_CALIBRATION;
}
