// `qualtag export --format qdpx|qdc|csv|xlsx --out FILE [--status S] [--direct]`: runs an export job
// (the API answers at once; progress on stderr; the file is downloaded when it is done). --direct asks
// for the file in the response instead, fine for small projects.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { ExportFormat, QueryStatus } from '../../api/contract.js';
import { connect, withApiOptions, type ApiOptions } from './api-options.js';

interface ExportOptions extends ApiOptions {
  format: ExportFormat;
  out: string;
  status: QueryStatus;
  direct?: boolean;
}

export function registerExport(program: Command): void {
  withApiOptions(program.command('export'))
    .description('Export the project: REFI-QDA project (.qdpx) or codebook (.qdc) for ATLAS.ti/NVivo/MAXQDA, or coded segments as CSV/XLSX')
    .addOption(new Option('--format <format>', 'file format').choices(['qdpx', 'qdc', 'csv', 'xlsx']).makeOptionMandatory())
    .requiredOption('-o, --out <file>', 'where to write the file')
    .addOption(new Option('--status <status>', 'csv/xlsx: which codings').choices(['accepted', 'proposed', 'rejected', 'all']).default('accepted'))
    .option('--direct', 'small projects: the file in the API response, no job')
    .action(async (opts: ExportOptions) => {
      const { client, projectId } = await connect(opts);
      const status = opts.format === 'csv' || opts.format === 'xlsx' ? opts.status : undefined;
      let bytes: Uint8Array;
      if (opts.direct)
        bytes = new Uint8Array(await (await client.exportFile({ projectId, format: opts.format, query: status ? { status } : {} })).arrayBuffer());
      else {
        let shown = '';
        const r = await client.exportByJob(projectId, opts.format, status, (job) => {
          const line = job.state === 'queued' ? 'export queued' : `exporting: ${job.done}/${job.total} documents read`;
          if (line !== shown) process.stderr.write(`${line}\n`);
          shown = line;
        });
        bytes = r.bytes;
      }
      await writeFile(opts.out, bytes);
      process.stdout.write(`wrote ${opts.out} (${bytes.length} bytes, ${opts.format})\n`);
    });
}
