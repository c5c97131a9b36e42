// `qualtag eval --codebook <file> --gold <gold.jsonl>`: how well the tagger's proposals match gold codes.
// `--transcripts <index.jsonl>` measures answers in real transcripts, with and without the interviewer's
// question as context. `--learn-folds k` adds k-fold cross-validation of rule terms learnt from the gold
// codings (qualtag rules learn): each segment is tagged with rules learnt from the other folds only, and
// again with the slots they leave empty filled by a classifier trained on those folds.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { QualtagError } from '../../errors.js';
import type { Codebook } from '../../model.js';
import { bagOfStemsBaseline } from '../../tag/baseline.js';
import { crossValidateLearning, evaluate, parseGold, type EvalResult, type LearnCrossValidation } from '../../tag/eval.js';
import { LEARN_PARAMS } from '../../tag/learn.js';
import { compileTagger } from '../../tag/index.js';
import { loadTranscriptGold } from '../../tag/transcript-eval.js';
import { loadCodebookFile, positiveInt } from './codebook-file.js';

interface EvalOptions {
  codebook: string;
  gold?: string;
  transcripts?: string;
  /** commander's negation of --no-context: false when given. */
  context: boolean;
  k: number;
  json?: boolean;
  baseline?: boolean;
  learnFolds?: number;
  learnTop: number;
  minSupport: number;
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
    ...r.perCode.map((s) => `  ${s.code.padEnd(50)} ${String(s.gold).padStart(5)} ${String(s.proposed).padStart(9)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}`),
  ];
  return lines.join('\n');
}

/** Plain against learnt-rule figures of a cross-validation, with the per-fold figures. */
export function formatLearn(r: LearnCrossValidation): string {
  const k = r.plain.k;
  const row = (name: string, e: EvalResult) => `  ${name.padEnd(14)} ${e.hitAt1.toFixed(3)}  ${e.hitAtK.toFixed(3)}  ${e.coverage.toFixed(3)}     ${e.meanProposals.toFixed(2)}`;
  return [
    `rules learnt from the gold codings, ${r.folds}-fold cross-validated (top ${r.top} learnt rules per code, min support ${r.minSupport}; each segment is tagged with rules learnt from the other folds only):`,
    `  ${''.padEnd(14)} hit@1  hit@${k}  coverage  proposals`,
    row('plain', r.plain),
    row('+ learnt rules', r.learned),
    row('+ classifier', r.filled),
    row('plain + clf.', r.plainFilled),
    `  (+ classifier: learnt rules, with the top-${k} slots they leave empty filled by a classifier trained on the same other folds; plain + clf.: the codebook's own rules, filled by those classifiers)`,
    '  per fold (segments, learnt rules added, classifier passages, hit@1 plain -> learnt -> classifier, hit@k plain -> learnt -> classifier):',
    ...r.perFold.map((f) => `    ${String(f.fold).padStart(2)}: ${String(f.items).padStart(4)} segments, +${f.rulesAdded} rules, ${f.classifierPassages} passages, hit@1 ${f.plain.hitAt1.toFixed(3)} -> ${f.learned.hitAt1.toFixed(3)} -> ${f.filled.hitAt1.toFixed(3)}, hit@${k} ${f.plain.hitAtK.toFixed(3)} -> ${f.learned.hitAtK.toFixed(3)} -> ${f.filled.hitAtK.toFixed(3)}`),
  ].join('\n');
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Measure the proposals against gold-coded segments: hit@1, hit@k, coverage, per-code precision/recall')
    .requiredOption('--codebook <file>', 'codebook (YAML, CSV or REFI-QDA .qdc)')
    .option('--gold <file>', 'JSONL with one {id, text, code, also?} per line')
    .option('--transcripts <index.jsonl>', 'transcript index: one {file, answers: [{code, also?}]} per line, the files beside it')
    .option('--no-context', "with --transcripts: measure only without the interviewer's question as context")
    .option('--k <k>', 'count a hit when a gold code is among the top k', positiveInt, 3)
    .option('--json', 'print the result as JSON')
    .option('--baseline', 'also measure the naive bag-of-stems baseline')
    .option('--learn-folds <k>', 'with --gold: also cross-validate rule terms learnt from the gold codings (k folds: learn from k-1, measure on the one left out)', positiveInt)
    .option('--learn-top <n>', 'with --learn-folds: learnt rules added per code', positiveInt, 5)
    .option('--min-support <n>', 'with --learn-folds: a learnt term needs this many accepted segments of its code', positiveInt, LEARN_PARAMS.minSupport)
    .action(async (opts: EvalOptions) => {
      if (!opts.gold === !opts.transcripts) {
        throw new QualtagError('BAD_REQUEST', 'give either --gold or --transcripts', 'Use --gold <gold.jsonl> for coded passages or --transcripts <index.jsonl> for answers in transcripts', 'qualtag eval');
      }
      if (opts.learnFolds !== undefined && opts.transcripts) {
        throw new QualtagError('BAD_REQUEST', '--learn-folds works with --gold only', 'Give the gold passages with --gold', 'qualtag eval');
      }
      const cb = await loadCodebookFile(opts.codebook);
      if (opts.transcripts) return evalTranscripts(cb, opts, opts.transcripts);
      let text: string;
      try {
        text = await readFile(opts.gold!, 'utf8');
      } catch {
        throw new QualtagError('NOT_FOUND', `cannot read the gold file ${opts.gold}`, 'Check the path given to --gold', opts.gold);
      }
      const gold = parseGold(text, path.basename(opts.gold!));
      const codes = cb.categories.flatMap((c) => c.codes.map((k) => k.id));
      const unknown = [...new Set(gold.flatMap((g) => [g.code, ...g.also]).filter((c) => !codes.includes(c)))];
      if (unknown.length) process.stderr.write(`qualtag: the gold file names codes not in the codebook: ${unknown.join(', ')}\n`);
      const tagger = compileTagger(cb);
      const result = evaluate(gold, (t) => tagger.tag(t, { topK: opts.k }), opts.k, codes);
      const baseline = opts.baseline ? evaluate(gold, (t) => bagOfStemsBaseline(cb)(t).slice(0, opts.k), opts.k, codes) : undefined;
      const learn = opts.learnFolds !== undefined ? crossValidateLearning(cb, gold, { folds: opts.learnFolds, k: opts.k, top: opts.learnTop, minSupport: opts.minSupport }) : undefined;
      if (opts.json) {
        const learnJson = learn ? { learn: { folds: learn.folds, top: learn.top, minSupport: learn.minSupport, learned: learn.learned, filled: learn.filled, plainFilled: learn.plainFilled, perFold: learn.perFold, added: learn.added } } : {};
        process.stdout.write(`${JSON.stringify({ codebook: cb.id, version: cb.version, ...result, ...(baseline ? { baseline } : {}), ...learnJson }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatEval(result, `${cb.id} (${cb.version})`)}\n`);
      if (baseline) process.stdout.write(`\nbaseline (bag of indicator stems): hit@1 ${baseline.hitAt1.toFixed(3)}, hit@${opts.k} ${baseline.hitAtK.toFixed(3)}, proposals ${baseline.meanProposals.toFixed(2)}\n`);
      if (learn) process.stdout.write(`\n${formatLearn(learn)}\n`);
    });
}

async function evalTranscripts(cb: Codebook, opts: EvalOptions, indexPath: string): Promise<void> {
  const { items, skipped } = await loadTranscriptGold(indexPath);
  for (const s of skipped) process.stderr.write(`qualtag: skipped ${s.file}: ${s.reason}\n`);
  const codes = cb.categories.flatMap((c) => c.codes.map((k) => k.id));
  const unknown = [...new Set(items.flatMap((g) => [g.code, ...g.also]).filter((c) => !codes.includes(c)))];
  if (unknown.length) process.stderr.write(`qualtag: the transcript index names codes not in the codebook: ${unknown.join(', ')}\n`);
  const tagger = compileTagger(cb);
  const withoutContext = evaluate(items, (t) => tagger.tag(t, { topK: opts.k }), opts.k, codes);
  const withContext = opts.context ? evaluate(items, (t, item) => tagger.tag(t, { topK: opts.k, context: item.context }), opts.k, codes) : undefined;
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
