// `qualtag query [--code C] [--category K] [--respondent R] [--document D] [--status S] [--format table|jsonl|csv]`:
// coded segments from the API, every page (or --limit of them).
import { Option, type Command } from 'commander';
import { allOf } from '../../api/client-core.js';
import type { CodedSegment, QueryStatus } from '../../api/contract.js';
import { csvField } from '../../export/escape.js';
import { oneLine, renderTable } from '../../report/format.js';
import { connect, withApiOptions, type ApiOptions } from './api-options.js';

interface QueryOptions extends ApiOptions {
  code?: string;
  category?: string;
  respondent?: string;
  document?: string;
  status: QueryStatus;
  format: 'table' | 'jsonl' | 'csv';
  limit?: number;
}

const header = ['document', 'segment', 'respondent', 'code', 'status', 'start', 'end', 'text'];
// `segment` is one-based, as in the UI and the CSV/XLSX exports.
const rowOf = (r: CodedSegment) => [r.document.name, r.segment.index + 1, r.segment.respondent, r.coding.code, r.coding.status, r.start, r.end, r.text];

export function registerQuery(program: Command): void {
  withApiOptions(program.command('query'))
    .description('List coded segments by code, category, respondent or document (they combine)')
    .option('--code <code>', 'code id, e.g. voorwaarden/vertrouwen')
    .option('--category <id>', 'category id')
    .option('--respondent <name>', 'respondent, e.g. R3')
    .option('--document <id>', 'document id')
    .addOption(new Option('--status <status>', 'which codings').choices(['accepted', 'proposed', 'rejected', 'all']).default('accepted'))
    .addOption(new Option('--format <format>', 'output').choices(['table', 'jsonl', 'csv']).default('table'))
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10))
    .action(async (opts: QueryOptions) => {
      const { client, projectId } = await connect(opts);
      const filter = { code: opts.code, category: opts.category, respondent: opts.respondent, document: opts.document, status: opts.status };
      const rows = await allOf(client, 'codings', { projectId, query: filter }, opts.limit);
      if (opts.format === 'jsonl') {
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
      } else if (opts.format === 'csv') {
        process.stdout.write(`${[header, ...rows.map(rowOf)].map((r) => r.map((v) => csvField(v)).join(',')).join('\r\n')}\r\n`);
      } else {
        process.stdout.write(
          `${renderTable({ title: `${rows.length} coded segment${rows.length === 1 ? '' : 's'} (${opts.status})`, header, rows: rows.map((r) => rowOf(r).map((v) => (typeof v === 'string' ? oneLine(v, 70) : v))) })}\n`,
        );
      }
    });
}
