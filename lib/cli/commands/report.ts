// `qualtag report [--format table|csv|json] [--kind K] [--status S] [--high X --moderate Y]`.
import { Option, type Command } from 'commander';
import type { QueryStatus, ReportBundle, ReportKind } from '../../api/contract.js';
import { QualtagError } from '../../errors.js';
import { renderTable, tableCsv } from '../../report/format.js';
import { bundleTables, reportKinds, reportOf } from '../../report/registry.js';
import { connect, withApiOptions, type ApiOptions } from './api-options.js';

interface ReportOptions extends ApiOptions {
  format: 'table' | 'csv' | 'json';
  kind?: ReportKind;
  status: QueryStatus;
  category?: string;
  high?: string;
  moderate?: string;
}

function fraction(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const x = m ? Number(m[1]) / Number(m[2]) : Number(v);
  if (!Number.isFinite(x) || x <= 0 || x > 1)
    throw new QualtagError('BAD_REQUEST', `${name} must be a share between 0 and 1 (like 0.5 or 2/3), not "${v}"`, `Write ${name} 2/3`, name);
  return x;
}

export function registerReport(program: Command): void {
  withApiOptions(program.command('report'))
    .description(`Reports of the project's codings (all, or one --kind): ${reportKinds.join(', ')}`)
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
    .addOption(new Option('--kind <kind>', 'only this report').choices(reportKinds))
    .addOption(new Option('--status <status>', 'which codings count').choices(['accepted', 'proposed', 'rejected', 'all']).default('accepted'))
    .option('--category <id>', 'only codes of this category')
    .option('--high <share>', '"hoge mate" from this share of respondents (default 2/3)')
    .option('--moderate <share>', '"redelijke mate" from this share (default 1/3)')
    .action(async (opts: ReportOptions) => {
      const { client, projectId } = await connect(opts);
      const high = fraction(opts.high, '--high');
      const moderate = fraction(opts.moderate, '--moderate');
      const query = { status: opts.status, category: opts.category, high, moderate };
      // One report: only it is computed; its entry in the registry says which tables it prints.
      const kind = opts.kind;
      const out = kind ? await client.report({ projectId, kind, query }) : await client.reports({ projectId, query });
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const tables = kind ? reportOf(kind)!.tables(out) : bundleTables(out as ReportBundle);
      if (opts.format === 'csv') {
        // One CSV block per report; with --kind the output is a single plain CSV table.
        process.stdout.write(`${tables.map((t) => (opts.kind ? tableCsv(t) : `${t.title}\r\n${tableCsv(t)}`)).join('\r\n\r\n')}\r\n`);
        return;
      }
      process.stdout.write(`${tables.map(renderTable).join('\n\n')}\n`);
    });
}
