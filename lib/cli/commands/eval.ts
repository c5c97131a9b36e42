// `qualtag eval --codebook <file> --gold <gold.jsonl>`: how well the tagger's proposals match gold codes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { QualtagError } from '../../errors.js';
import { bagOfStemsBaseline } from '../../tag/baseline.js';
import { evaluate, parseGold, type EvalResult } from '../../tag/eval.js';
import { compileTagger } from '../../tag/index.js';
import { loadCodebookFile, positiveInt } from './codebook-file.js';

interface EvalOptions {
  codebook: string;
  gold: string;
  k: number;
  json?: boolean;
  baseline?: boolean;
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

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Measure the proposals against gold-coded segments: hit@1, hit@k, coverage, per-code precision/recall')
    .requiredOption('--codebook <file>', 'codebook (YAML, CSV or REFI-QDA .qdc)')
    .requiredOption('--gold <file>', 'JSONL with one {id, text, code, also?} per line')
    .option('--k <k>', 'count a hit when a gold code is among the top k', positiveInt, 3)
    .option('--json', 'print the result as JSON')
    .option('--baseline', 'also measure the naive bag-of-stems baseline')
    .action(async (opts: EvalOptions) => {
      const cb = await loadCodebookFile(opts.codebook);
      let text: string;
      try {
        text = await readFile(opts.gold, 'utf8');
      } catch {
        throw new QualtagError('NOT_FOUND', `cannot read the gold file ${opts.gold}`, 'Check the path given to --gold', opts.gold);
      }
      const gold = parseGold(text, path.basename(opts.gold));
      const codes = cb.categories.flatMap((c) => c.codes.map((k) => k.id));
      const unknown = [...new Set(gold.flatMap((g) => [g.code, ...g.also]).filter((c) => !codes.includes(c)))];
      if (unknown.length) process.stderr.write(`qualtag: the gold file names codes not in the codebook: ${unknown.join(', ')}\n`);
      const tagger = compileTagger(cb);
      const result = evaluate(gold, (t) => tagger.tag(t, { topK: opts.k }), opts.k, codes);
      const baseline = opts.baseline ? evaluate(gold, (t) => bagOfStemsBaseline(cb)(t).slice(0, opts.k), opts.k, codes) : undefined;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ codebook: cb.id, version: cb.version, ...result, ...(baseline ? { baseline } : {}) }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatEval(result, `${cb.id} (${cb.version})`)}\n`);
      if (baseline) process.stdout.write(`\nbaseline (bag of indicator stems): hit@1 ${baseline.hitAt1.toFixed(3)}, hit@${opts.k} ${baseline.hitAtK.toFixed(3)}, proposals ${baseline.meanProposals.toFixed(2)}\n`);
    });
}
