// `qualtag review`: the review queue, and decisions from the terminal.
//   qualtag review [--code C] [--document D] [--respondent R] [--order score|uncertain]   list undecided proposals
//   qualtag review --accept <codingId> | --reject <codingId> | --undo <codingId> [--version N]
//   qualtag review --add <code> --segment <segmentId> --document <id> [--span start-end]
// Without --version the decision uses the version the queue/document shows now; a stale write is
// refused by the API (409) and reported with the coding's current state.
import { Option, type Command } from 'commander';
import { ApiCallError } from '../../api/client.js';
import type { CodingView, DecisionBody } from '../../api/contract.js';
import { QualtagError } from '../../errors.js';
import { oneLine, renderTable } from '../../report/format.js';
import { confidencePercent } from '../../review/evidence.js';
import { connect, withApiOptions, type ApiOptions } from './api-options.js';

interface ReviewOptions extends ApiOptions {
  accept?: string;
  reject?: string;
  undo?: string;
  add?: string;
  segment?: string;
  document?: string;
  span?: string;
  version?: number;
  code?: string;
  category?: string;
  respondent?: string;
  order: 'position' | 'score' | 'uncertain';
  limit: number;
}

function parseSpan(s: string): { start: number; end: number } {
  const m = /^(\d+)-(\d+)$/.exec(s.trim());
  if (!m || Number(m[1]) >= Number(m[2]))
    throw new QualtagError('BAD_REQUEST', `"${s}" is not a span`, 'Write --span START-END with offsets into the segment text, START < END', '--span');
  return { start: Number(m[1]), end: Number(m[2]) };
}

const describeCoding = (c: CodingView | null) =>
  c
    ? `${c.code} on ${c.documentId} segment ${c.segmentIndex === undefined ? '?' : `#${c.segmentIndex + 1}`}: ${c.status} (version ${c.version}${c.decidedBy ? `, by ${c.decidedBy}` : ''})`
    : 'removed';

export function registerReview(program: Command): void {
  withApiOptions(program.command('review'))
    .description('Show the review queue, or accept / reject / undo a proposal, or add a code to a segment')
    .option('--accept <codingId>', 'accept this proposal')
    .option('--reject <codingId>', 'reject this proposal')
    .option('--undo <codingId>', "undo this coding's last decision")
    .option('--add <code>', 'add this code (with --segment and --document)')
    .option('--segment <segmentId>', 'segment for --add')
    .option('--document <id>', 'document for --add, or filter for the queue')
    .option('--span <start-end>', 'for --add: code only this part of the segment (offsets into its text)')
    .option('--version <n>', 'the coding version you saw (default: the current one)', (v) => Number.parseInt(v, 10))
    .option('--code <code>', 'queue filter: code id')
    .option('--category <id>', 'queue filter: category id')
    .option('--respondent <name>', 'queue filter: respondent')
    .addOption(
      new Option('--order <order>', 'queue order: reading order, highest score, or most uncertain first (each code in turn)')
        .choices(['position', 'score', 'uncertain'])
        .default('position'),
    )
    .option('--limit <n>', 'queue: at most this many', (v) => Number.parseInt(v, 10), 50)
    .action(async (opts: ReviewOptions) => {
      const { client, projectId } = await connect(opts);
      const picked = [opts.accept && 'accept', opts.reject && 'reject', opts.undo && 'undo', opts.add && 'add'].filter(Boolean);
      if (picked.length > 1)
        throw new QualtagError(
          'BAD_REQUEST',
          `choose one of --accept, --reject, --undo, --add (got ${picked.join(', ')})`,
          'Give one decision per call',
          'review',
        );
      let body: DecisionBody | undefined;
      if (opts.add) {
        if (!opts.segment || !opts.document)
          throw new QualtagError(
            'BAD_REQUEST',
            '--add needs --segment and --document',
            'Find segment ids with `qualtag query --document D --status all --format jsonl`',
            '--add',
          );
        body = { action: 'add', documentId: opts.document, segmentId: opts.segment, code: opts.add, ...(opts.span ? { span: parseSpan(opts.span) } : {}) };
      } else {
        const action = opts.accept ? 'accept' : opts.reject ? 'reject' : opts.undo ? 'undo' : undefined;
        const codingId = opts.accept ?? opts.reject ?? opts.undo;
        if (action && codingId) {
          const documentId = codingId.split('~')[0] ?? '';
          let version = opts.version;
          if (version === undefined) {
            const doc = await client.getDocument({ projectId, documentId });
            const current = doc.segments.flatMap((s) => s.codings).find((c) => c.id === codingId);
            if (!current) throw new QualtagError('NOT_FOUND', `coding ${codingId} does not exist`, 'List proposals with `qualtag review`', codingId);
            version = current.version;
          }
          body = { action, documentId, codingId, version };
        }
      }
      if (body) {
        try {
          const r = await client.decide({ projectId, body });
          process.stdout.write(`${body.action}: ${describeCoding(r.coding)}\n`);
        } catch (e) {
          if (e instanceof ApiCallError && e.status === 409) {
            process.stderr.write(
              `qualtag: not applied: ${e.body.message}\n  now: ${describeCoding((e.body.current as CodingView | null | undefined) ?? null)}\n`,
            );
            process.exitCode = 2;
            return;
          }
          throw e;
        }
        return;
      }
      const page = await client.reviewQueue({
        projectId,
        query: { limit: opts.limit, order: opts.order, code: opts.code, category: opts.category, document: opts.document, respondent: opts.respondent },
      });
      const rows = page.items.map((i) => [
        i.coding.id,
        i.document.name,
        i.segment.respondent,
        i.coding.code,
        Math.round(i.coding.score * 100) / 100,
        confidencePercent(i.coding.confidence) ?? '',
        oneLine(i.segment.text, 60),
      ]);
      process.stdout.write(
        `${renderTable({ title: `Review queue (${rows.length}${page.nextCursor ? '+' : ''} undecided)`, header: ['coding', 'document', 'respondent', 'code', 'score', 'confidence', 'text'], rows })}\n`,
      );
    });
}
