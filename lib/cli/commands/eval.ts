// `qualtag eval --codebook <file> --gold <gold.jsonl>`: how well the tagger's proposals (the learned
// ranker with the rules, as the pipeline gives them) match gold codes. Several --codebook/--gold pairs
// are measured each and pooled. `--examples 0,1,3 --seeds 10` draws anchor examples per code from the
// gold file and measures the rest; `--simulate-review` measures a fixed rest while a simulated reviewer
// accepts the gold codes step by step. `--transcripts <index.jsonl>` measures answers in real
// transcripts, with and without the interviewer's question as context. `--learn-folds k` adds k-fold
// cross-validation of rule terms learnt from the gold codings (qualtag rules learn) and of the ranker.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { QualtagError } from '../../errors.js';
import type { Codebook } from '../../model.js';
import { bagOfStemsBaseline } from '../../tag/baseline.js';
import { allCodes } from '../../codebook/index.js';
import { crossValidateLearning, evaluate, parseGold, type EvalResult, type LearnCrossValidation } from '../../tag/eval.js';
import {
  evaluateExamples,
  simulateReview,
  type ExamplesResult,
  type Figures,
  type GoldSet,
  type ReviewOrder,
  type SimulateResult,
} from '../../tag/eval-learning.js';
import { buildProposer } from '../../tag/propose.js';
import { LEARN_PARAMS } from '../../tag/learn.js';
import { compileTagger } from '../../tag/index.js';
import { loadTranscriptGold } from '../../tag/transcript-eval.js';
import { loadCodebookFile, positiveInt } from './codebook-file.js';

interface EvalOptions {
  codebook: string[];
  gold: string[];
  transcripts?: string;
  /** commander's negation of --no-context: false when given. */
  context: boolean;
  k: number;
  json?: boolean;
  baseline?: boolean;
  learnFolds?: number;
  learnTop: number;
  minSupport: number;
  rules?: boolean;
  examples?: number[];
  seeds: number;
  simulateReview?: boolean;
  step: number;
  order: ReviewOrder;
}

const pct = (x: number | null): string => (x === null ? '   -' : `${(x * 100).toFixed(0).padStart(3)}%`);

export function formatEval(r: EvalResult, label: string): string {
  const lines = [
    `${label}: ${r.items} gold segments`,
    `  hit@1     ${r.hitAt1.toFixed(3)}`,
    `  hit@${r.k}     ${r.hitAtK.toFixed(3)}`,
    `  coverage  ${r.coverage.toFixed(3)}   (segments with at least one proposal)`,
    `  proposals ${r.meanProposals.toFixed(2)}    (mean per segment)`,
    '',
    '  code                                                gold  proposed  precision  recall',
    ...r.perCode.map(
      (s) =>
        `  ${s.code.padEnd(50)} ${String(s.gold).padStart(5)} ${String(s.proposed).padStart(9)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}`,
    ),
  ];
  return lines.join('\n');
}

/** Plain against learnt-rule figures of a cross-validation, with the per-fold figures. */
export function formatLearn(r: LearnCrossValidation): string {
  const k = r.plain.k;
  const row = (name: string, e: EvalResult) =>
    `  ${name.padEnd(14)} ${e.hitAt1.toFixed(3)}  ${e.hitAtK.toFixed(3)}  ${e.coverage.toFixed(3)}     ${e.meanProposals.toFixed(2)}`;
  return [
    `rules learnt from the gold codings, ${r.folds}-fold cross-validated (top ${r.top} learnt rules per code, min support ${r.minSupport}; each segment is tagged with rules learnt from the other folds only):`,
    `  ${''.padEnd(14)} hit@1  hit@${k}  coverage  proposals`,
    row('plain', r.plain),
    row('+ learnt rules', r.learned),
    row('learned ranker', r.ranker),
    `  (plain: the codebook's rules alone; learned ranker: trained on the same other folds, as the pipeline learns from reviews)`,
    '  per fold (segments, learnt rules added, hit@1 plain -> learnt -> ranker, hit@k plain -> learnt -> ranker):',
    ...r.perFold.map(
      (f) =>
        `    ${String(f.fold).padStart(2)}: ${String(f.items).padStart(4)} segments, +${f.rulesAdded} rules, hit@1 ${f.plain.hitAt1.toFixed(3)} -> ${f.learned.hitAt1.toFixed(3)} -> ${f.ranker.hitAt1.toFixed(3)}, hit@${k} ${f.plain.hitAtK.toFixed(3)} -> ${f.learned.hitAtK.toFixed(3)} -> ${f.ranker.hitAtK.toFixed(3)}`,
    ),
  ].join('\n');
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function exampleCounts(value: string): number[] {
  const ns = value.split(',').map((v) => Number(v.trim()));
  if (!ns.length || ns.some((n) => !Number.isInteger(n) || n < 0 || n > 50)) {
    throw new QualtagError('BAD_REQUEST', `"${value}" is not a list of example counts`, 'Give whole numbers from 0 to 50 separated by commas, such as 0,1,3');
  }
  return [...new Set(ns)].sort((a, b) => a - b);
}

const f3 = (x: number) => x.toFixed(3);

/** One line per number of examples: all passages, quotes and paragraphs apart. */
export function formatExamples(r: ExamplesResult): string {
  const cell = (f: Figures) => `${f3(f.hitAt1)}  ${f3(f.hitAtK)}  ${f.meanProposals.toFixed(2).padStart(4)}  ${String(f.items).padStart(4)}`;
  const head = `hit@1  hit@${r.k}  prop  n   `;
  return [
    `anchor examples per code drawn from the gold files (mean of ${r.seeds} seeds, the same ${r.testItems} test passages for every number of examples):`,
    `  examples  all: ${head}  quotes: ${head}  paragraphs: ${head}`,
    ...r.rows.map((row) => `  ${String(row.examples).padStart(8)}       ${cell(row.all)}          ${cell(row.quotes)}              ${cell(row.paragraphs)}`),
    ...(r.rules ? [`  rules only     ${cell(r.rules.all)}          ${cell(r.rules.quotes)}              ${cell(r.rules.paragraphs)}`] : []),
  ].join('\n');
}

export function formatSimulation(r: SimulateResult): string {
  const cell = (f: Figures) => `${f3(f.hitAt1)}  ${f3(f.hitAtK)}  ${f.meanProposals.toFixed(2).padStart(4)}`;
  return [
    `simulated review in ${r.order} order, ${r.step} passages a step (a reviewer accepting the gold codes; mean of ${r.seeds} seeds; measured on a fixed unreviewed rest):`,
    `  reviewed  all: hit@1  hit@${r.k}  prop   quotes: hit@1  hit@${r.k}  prop   paragraphs: hit@1  hit@${r.k}  prop   (rest: ${r.steps[0]?.all.items ?? 0} passages)`,
    ...r.steps.map((s) => `  ${String(s.reviewed).padStart(8)}       ${cell(s.all)}           ${cell(s.quotes)}               ${cell(s.paragraphs)}`),
  ].join('\n');
}

async function loadGoldSets(opts: EvalOptions): Promise<GoldSet[]> {
  if (opts.codebook.length !== opts.gold.length) {
    throw new QualtagError(
      'BAD_REQUEST',
      `${opts.codebook.length} --codebook and ${opts.gold.length} --gold files given`,
      'Give one --gold file after each --codebook, in pairs',
      'qualtag eval',
    );
  }
  return Promise.all(
    opts.codebook.map(async (file, i) => {
      const codebook = await loadCodebookFile(file);
      const goldFile = opts.gold[i]!;
      let text: string;
      try {
        text = await readFile(goldFile, 'utf8');
      } catch {
        throw new QualtagError('NOT_FOUND', `cannot read the gold file ${goldFile}`, 'Check the path given to --gold', goldFile);
      }
      const items = parseGold(text, path.basename(goldFile));
      const codes = new Set(allCodes(codebook).map((c) => c.id));
      const unknown = [...new Set(items.flatMap((g) => [g.code, ...g.also]).filter((c) => !codes.has(c)))];
      if (unknown.length) process.stderr.write(`qualtag: ${path.basename(goldFile)} names codes not in the codebook: ${unknown.join(', ')}\n`);
      return { name: codebook.id, codebook, items };
    }),
  );
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Measure the proposals against gold-coded segments: hit@1, hit@k, coverage, per-code precision/recall')
    .option('--codebook <file>', 'codebook (YAML, CSV or REFI-QDA .qdc); repeat with --gold for several sets, measured each and pooled', collect, [])
    .option('--gold <file>', 'JSONL with one {id, text, code, also?, kind?} per line (kind quote or paragraph)', collect, [])
    .option('--transcripts <index.jsonl>', 'transcript index: one {file, answers: [{code, also?}]} per line, the files beside it')
    .option('--no-context', "with --transcripts: measure only without the interviewer's question as context")
    .option('--k <k>', 'count a hit when a gold code is among the top k', positiveInt, 3)
    .option('--json', 'print the result as JSON')
    .option('--rules', 'also measure the keyword rules alone (the tagger before the learned ranker)')
    .option('--baseline', 'also measure the naive bag-of-stems baseline')
    .option('--examples <counts>', 'with --gold: draw this many anchor examples per code from the gold file (e.g. 0,1,3) and measure the rest', exampleCounts)
    .option('--seeds <n>', 'with --examples or --simulate-review: how many random draws to average', positiveInt, 10)
    .option('--simulate-review', 'with --gold: a reviewer accepts the gold codes step by step; measure the fixed unreviewed rest after each step')
    .option('--step <n>', 'with --simulate-review: passages reviewed per step', positiveInt, 5)
    .addOption(new Option('--order <order>', 'with --simulate-review: review order').choices(['reading', 'random', 'uncertain']).default('reading'))
    .option(
      '--learn-folds <k>',
      'with --gold: also cross-validate rule terms learnt from the gold codings and the learned ranker (k folds: learn from k-1, measure on the one left out)',
      positiveInt,
    )
    .option('--learn-top <n>', 'with --learn-folds: learnt rules added per code', positiveInt, 5)
    .option('--min-support <n>', 'with --learn-folds: a learnt term needs this many accepted segments of its code', positiveInt, LEARN_PARAMS.minSupport)
    .action(async (opts: EvalOptions) => {
      if (!opts.codebook.length) throw new QualtagError('BAD_REQUEST', 'no codebook given', 'Give the codebook with --codebook <file>', 'qualtag eval');
      if (!opts.gold.length === !opts.transcripts) {
        throw new QualtagError(
          'BAD_REQUEST',
          'give either --gold or --transcripts',
          'Use --gold <gold.jsonl> for coded passages or --transcripts <index.jsonl> for answers in transcripts',
          'qualtag eval',
        );
      }
      if ((opts.learnFolds !== undefined || opts.examples || opts.simulateReview) && opts.transcripts) {
        throw new QualtagError(
          'BAD_REQUEST',
          '--learn-folds, --examples and --simulate-review work with --gold only',
          'Give the gold passages with --gold',
          'qualtag eval',
        );
      }
      if (opts.transcripts) return evalTranscripts(await loadCodebookFile(opts.codebook[0]!), opts, opts.transcripts);
      const sets = await loadGoldSets(opts);
      if (opts.examples || opts.simulateReview) {
        const examples = opts.examples
          ? evaluateExamples(sets, { examples: opts.examples, seeds: opts.seeds, k: opts.k, rules: opts.rules ?? false })
          : undefined;
        const review = opts.simulateReview ? simulateReview(sets, { step: opts.step, order: opts.order, seeds: opts.seeds, k: opts.k }) : undefined;
        if (opts.json)
          return void process.stdout.write(
            `${JSON.stringify({ sets: sets.map((s) => ({ codebook: s.name, version: s.codebook.version, passages: s.items.length })), ...(examples ? { examples } : {}), ...(review ? { review } : {}) }, null, 2)}\n`,
          );
        process.stdout.write(`gold sets: ${sets.map((s) => `${s.name} (${s.items.length})`).join(', ')}\n\n`);
        if (examples) process.stdout.write(`${formatExamples(examples)}\n`);
        if (review) process.stdout.write(`${examples ? '\n' : ''}${formatSimulation(review)}\n`);
        return;
      }
      const results = sets.map((set) => {
        const codes = allCodes(set.codebook).map((c) => c.id);
        const tagger = compileTagger(set.codebook);
        const proposer = buildProposer(set.codebook, { tagger });
        return {
          set,
          result: evaluate(set.items, (t) => proposer.tag(t, { topK: opts.k }), opts.k, codes),
          rules: opts.rules ? evaluate(set.items, (t) => tagger.tag(t, { topK: opts.k }), opts.k, codes) : undefined,
          baseline: opts.baseline ? evaluate(set.items, (t) => bagOfStemsBaseline(set.codebook)(t).slice(0, opts.k), opts.k, codes) : undefined,
          learn:
            opts.learnFolds !== undefined
              ? crossValidateLearning(set.codebook, set.items, { folds: opts.learnFolds, k: opts.k, top: opts.learnTop, minSupport: opts.minSupport })
              : undefined,
        };
      });
      if (opts.json) {
        const json = results.map(({ set, result, rules, baseline, learn }) => ({
          codebook: set.name,
          version: set.codebook.version,
          ...result,
          ...(rules ? { rules } : {}),
          ...(baseline ? { baseline } : {}),
          ...(learn ? { learn } : {}),
        }));
        return void process.stdout.write(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`);
      }
      for (const { set, result, rules, baseline, learn } of results) {
        process.stdout.write(`${formatEval(result, `${set.name} (${set.codebook.version}), learned ranker + rules`)}\n`);
        if (rules)
          process.stdout.write(`\nrules only: hit@1 ${f3(rules.hitAt1)}, hit@${opts.k} ${f3(rules.hitAtK)}, proposals ${rules.meanProposals.toFixed(2)}\n`);
        if (baseline)
          process.stdout.write(
            `\nbaseline (bag of indicator stems): hit@1 ${f3(baseline.hitAt1)}, hit@${opts.k} ${f3(baseline.hitAtK)}, proposals ${baseline.meanProposals.toFixed(2)}\n`,
          );
        if (learn) process.stdout.write(`\n${formatLearn(learn)}\n`);
        process.stdout.write('\n');
      }
    });
}

async function evalTranscripts(cb: Codebook, opts: EvalOptions, indexPath: string): Promise<void> {
  const { items, skipped } = await loadTranscriptGold(indexPath);
  for (const s of skipped) process.stderr.write(`qualtag: skipped ${s.file}: ${s.reason}\n`);
  const codes = cb.categories.flatMap((c) => c.codes.map((k) => k.id));
  const unknown = [...new Set(items.flatMap((g) => [g.code, ...g.also]).filter((c) => !codes.includes(c)))];
  if (unknown.length) process.stderr.write(`qualtag: the transcript index names codes not in the codebook: ${unknown.join(', ')}\n`);
  const proposer = buildProposer(cb);
  const withoutContext = evaluate(items, (t) => proposer.tag(t, { topK: opts.k }), opts.k, codes);
  const withContext = opts.context
    ? evaluate(items, (t, item) => proposer.tag(t, { topK: opts.k, ...(item.context !== undefined ? { context: item.context } : {}) }), opts.k, codes)
    : undefined;
  const withQuestion = items.filter((i) => i.context !== undefined).length;
  if (opts.json) {
    const out = { codebook: cb.id, version: cb.version, answers: items.length, withQuestion, skipped, withoutContext, ...(withContext ? { withContext } : {}) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const label = `${cb.id} (${cb.version}), transcript answers (${withQuestion} of ${items.length} after an interviewer turn)`;
  if (withContext) {
    process.stdout.write(`${formatEval(withContext, `${label}, WITH the interviewer's question as context`)}\n\n`);
    const line = (name: string, r: EvalResult) =>
      `  ${name.padEnd(16)} hit@1 ${r.hitAt1.toFixed(3)}  hit@${r.k} ${r.hitAtK.toFixed(3)}  coverage ${r.coverage.toFixed(3)}  proposals ${r.meanProposals.toFixed(2)}`;
    process.stdout.write(`${[line('with context', withContext), line('without context', withoutContext)].join('\n')}\n`);
  } else process.stdout.write(`${formatEval(withoutContext, `${label}, without context`)}\n`);
}
