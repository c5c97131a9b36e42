// `qualtag rules suggest --codebook X [--out file.yaml]`: the rules qualtag would use for codes that
// have none, written as YAML the researcher can edit and paste into the codebook.
// `qualtag rules learn --codebook X --from decisions.jsonl|csv [--project id]`: new rule terms learnt from
// reviewed decisions, as YAML proposals (figures as comments) or a table.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { Document, isMap, isScalar, isSeq, stringify } from 'yaml';
import type { ApiClient } from '../../api/client.js';
import { allOf } from '../../api/client-core.js';
import type { DocumentDetail } from '../../api/contract.js';
import { QualtagError } from '../../errors.js';
import type { Codebook } from '../../model.js';
import { compileTagger } from '../../tag/index.js';
import { LEARN_PARAMS, learnRuleTerms, type LearnResult, type ReviewedExample, type TermSuggestion } from '../../tag/learn.js';
import { parseReviewedFile } from '../../tag/reviewed.js';
import { suggestRules } from '../../tag/suggest.js';
import { connect, withApiOptions, type ApiOptions } from './api-options.js';
import { loadCodebookFile, positiveInt } from './codebook-file.js';

interface LearnOptions extends ApiOptions {
  codebook?: string;
  from?: string;
  minSupport: number;
  top: number;
  out?: string;
  format: 'yaml' | 'table';
  merge?: boolean;
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('Work with keyword rules');
  rules
    .command('suggest')
    .description('Suggest rules for codes without rules, from their name, definition and indicators')
    .requiredOption('--codebook <file>', 'codebook (YAML, CSV or REFI-QDA .qdc)')
    .option('--out <file>', 'write the YAML here instead of printing it')
    .action(async (opts: { codebook: string; out?: string }) => {
      const cb = await loadCodebookFile(opts.codebook);
      const suggested = suggestRules(cb);
      const doc = {
        codebook: cb.id,
        version: cb.version,
        codes: cb.categories.flatMap((c) =>
          c.codes.filter((k) => suggested.has(k.id)).map((k) => ({ id: k.id, name: k.name, rules: suggested.get(k.id) ?? [] })),
        ),
      };
      const yaml = `# Suggested rules (word^weight; a code's score is the sum of the weights of the rules that match).\n# Copy a code's rules into its entry in the codebook to keep and edit them.\n${stringify(doc, { lineWidth: 0 })}`;
      if (opts.out) {
        await writeFile(opts.out, yaml);
        process.stderr.write(`wrote suggested rules for ${doc.codes.length} codes to ${opts.out}\n`);
      } else process.stdout.write(yaml);
    });
  withApiOptions(
    rules
      .command('learn')
      .option('--codebook <file>', "codebook (YAML, CSV or REFI-QDA .qdc); with --project, default: the project's current codebook")
      .option('--from <file>', 'decisions as JSONL or CSV: {id?, text, code, also?, decision?: accepted|rejected|added} (gold files work as they are)')
      .option('--min-support <n>', 'a term must occur in at least n accepted segments of the code', positiveInt, LEARN_PARAMS.minSupport)
      .option('--top <n>', 'most suggestions per code', positiveInt, LEARN_PARAMS.top)
      .option('--out <file>', 'write the YAML here instead of printing it')
      .addOption(new Option('--format <format>', 'output on stdout').choices(['yaml', 'table']).default('yaml'))
      .option('--merge', "YAML: list each code's current rules (own or suggested) before the learnt ones, so the list can replace its rules as is"),
  )
    .description(
      'Propose new rule terms per code from reviewed decisions (a file, or the accepted, added and rejected codings of a --project), for you to review',
    )
    .action(async (opts: LearnOptions) => {
      if (!opts.from === !opts.project) {
        throw new QualtagError(
          'BAD_REQUEST',
          'give either --from <file> or --project <id>',
          'Use --from decisions.jsonl (or .csv), or --project <id> to read the decisions of a project on the running stack',
          'qualtag rules learn',
        );
      }
      let cb: Codebook;
      let examples: ReviewedExample[];
      let source: string;
      if (opts.from) {
        if (!opts.codebook)
          throw new QualtagError('BAD_REQUEST', '--codebook is needed with --from', 'Name the codebook the decisions were made with', 'qualtag rules learn');
        cb = await loadCodebookFile(opts.codebook);
        let text: string;
        try {
          text = await readFile(opts.from, 'utf8');
        } catch {
          throw new QualtagError('NOT_FOUND', `cannot read the decisions file ${opts.from}`, 'Check the path given to --from', opts.from);
        }
        examples = parseReviewedFile(text, path.basename(opts.from));
        source = path.basename(opts.from);
      } else {
        const { client, projectId } = await connect(opts);
        cb = opts.codebook ? await loadCodebookFile(opts.codebook) : await client.getCodebook({ projectId });
        examples = await projectDecisions(client, projectId);
        source = `project ${projectId}`;
      }
      const learned = learnRuleTerms(cb, examples, { minSupport: opts.minSupport, top: opts.top });
      if (learned.unknownCodes.length)
        process.stderr.write(`qualtag: the decisions name codes not in the codebook (ignored): ${learned.unknownCodes.join(', ')}\n`);
      const count = learned.codes.reduce((n, c) => n + c.suggestions.length, 0);
      const withSuggestions = learned.codes.filter((c) => c.suggestions.length).length;
      if (opts.format === 'table' && !opts.out) {
        process.stdout.write(learnedTable(learned));
        return;
      }
      const yaml = learnedYaml(cb, learned, source, opts.merge ? compileTagger(cb).rulesByCode : undefined);
      if (opts.out) {
        await writeFile(opts.out, yaml);
        process.stderr.write(`wrote ${count} learnt rules for ${withSuggestions} codes (from ${learned.segments} reviewed segments) to ${opts.out}\n`);
      } else process.stdout.write(yaml);
    });
}

const figures = (s: TermSuggestion): string =>
  `support ${s.support}, new ${s.newlyCovered}, unproposed ${s.unproposed}, other ${s.otherMatches}${s.rejectedMatches ? ` (${s.rejectedMatches} rejected)` : ''}, precision ${s.precision.toFixed(2)}; e.g. ${s.examples.join(', ')}`;

/** The suggestions as codebook-shaped YAML (codes → rules) with the figures as comments. */
export function learnedYaml(cb: Codebook, learned: LearnResult, source: string, current?: ReadonlyMap<string, readonly string[]>): string {
  const codes = learned.codes.filter((c) => c.suggestions.length);
  const doc = new Document({
    codebook: cb.id,
    version: cb.version,
    codes: codes.map((c) => ({ id: c.code, name: c.name, rules: [...(current?.get(c.code) ?? []), ...c.suggestions.map((s) => s.rule)] })),
  });
  doc.commentBefore = [
    ` Rule terms learnt from ${learned.segments} reviewed segments (${source}): proposals to review, nothing is applied.`,
    ' Per rule: support = accepted segments of the code it matches; new = of those, how many no rule of the code matches now;',
    ' unproposed = of those, how many the tagger does not propose the code for now; other = other reviewed segments it matches;',
    ' precision = support / (support + other). Keep the rules you agree with and add them to the code in the codebook.',
    " Note: a code with rules of its own gets no suggested rules (rules suggest); with --merge each list starts with the code's current rules.",
  ].join('\n');
  const seq = doc.get('codes', true);
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      const c = codes[i]!;
      if (!isMap(item)) return;
      item.commentBefore = ` ${c.accepted} accepted, ${c.rejected} rejected; ${c.uncovered} not matched by the current rules, ${c.unproposed} not proposed by the tagger`;
      const list = item.get('rules', true);
      if (!isSeq(list)) return;
      const offset = list.items.length - c.suggestions.length;
      c.suggestions.forEach((s, j) => {
        const node = list.items[offset + j];
        if (isScalar(node)) node.comment = ` ${figures(s)}`;
      });
      if (offset > 0 && isScalar(list.items[0])) list.items[0].commentBefore = ' current rules';
      if (offset > 0 && isScalar(list.items[offset])) list.items[offset].commentBefore = ' learnt';
    });
  }
  return doc.toString({ lineWidth: 0 });
}

/** One row per suggestion, aligned. */
export function learnedTable(learned: LearnResult): string {
  const head = ['code', 'rule', 'support', 'new', 'unproposed', 'other', 'precision', 'examples'];
  const rows = learned.codes.flatMap((c) =>
    c.suggestions.map((s) => [
      c.code,
      s.rule,
      String(s.support),
      String(s.newlyCovered),
      String(s.unproposed),
      String(s.otherMatches),
      s.precision.toFixed(2),
      s.examples.join(' '),
    ]),
  );
  if (!rows.length) return `no rule terms learnt from ${learned.segments} reviewed segments\n`;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => (i >= 2 && i <= 6 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

/** Reviewed segments of a project: every segment with a decided coding (accepted/added or rejected). */
export function reviewedFromDocuments(docs: readonly DocumentDetail[]): ReviewedExample[] {
  const out: ReviewedExample[] = [];
  for (const d of docs) {
    for (const s of d.segments) {
      const accepted = s.codings.filter((c) => c.status === 'accepted').map((c) => c.code);
      const rejected = s.codings.filter((c) => c.status === 'rejected').map((c) => c.code);
      if (accepted.length || rejected.length) out.push({ id: s.id, text: s.text, accepted, rejected });
    }
  }
  return out;
}

async function projectDecisions(client: ApiClient, projectId: string): Promise<ReviewedExample[]> {
  const docs = await allOf(client, 'listDocuments', { projectId });
  const details: DocumentDetail[] = [];
  for (const d of docs) if (d.status === 'TAGGED') details.push(await client.getDocument({ projectId, documentId: d.id }));
  const examples = reviewedFromDocuments(details);
  if (!examples.length)
    throw new QualtagError(
      'NOT_FOUND',
      `project ${projectId} has no reviewed codings yet`,
      'Accept, reject or add codes in the review first (qualtag review or the review UI)',
      '--project',
    );
  return examples;
}
