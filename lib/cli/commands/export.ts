// `qualtag export --format qdpx|qdc|csv|xlsx --out FILE [--status S]`.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { ExportFormat, QueryStatus } from '../../api/contract.js';
import { connect, withApiOptions, type ApiOptions } from './api-options.js';

interface ExportOptions extends ApiOptions {
  format: ExportFormat;
  out: string;
  status: QueryStatus;
}

export function registerExport(program: Command): void {
  withApiOptions(program.command('export'))
    .description('Export the project: REFI-QDA project (.qdpx) or codebook (.qdc) for ATLAS.ti/NVivo/MAXQDA, or coded segments as CSV/XLSX')
    .addOption(new Option('--format <format>', 'file format').choices(['qdpx', 'qdc', 'csv', 'xlsx']).makeOptionMandatory())
    .requiredOption('-o, --out <file>', 'where to write the file')
    .addOption(new Option('--status <status>', 'csv/xlsx: which codings').choices(['accepted', 'proposed', 'rejected', 'all']).default('accepted'))
    .action(async (opts: ExportOptions) => {
      const { client, projectId } = await connect(opts);
      const bytes = await client.exportFile(projectId, opts.format, opts.format === 'csv' || opts.format === 'xlsx' ? { status: opts.status } : {});
      await writeFile(opts.out, bytes);
      process.stdout.write(`wrote ${opts.out} (${bytes.length} bytes, ${opts.format})\n`);
    });
}
