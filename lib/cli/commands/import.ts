// `qualtag import project.qdpx`: brings a REFI-QDA project (ATLAS.ti, NVivo, MAXQDA, QualCoder, qualtag)
// in through the API: upload, read (refused with the entry or element at fault), wait until the pipeline
// has TAGGED each source, then write its codings as accepted human codings; prints the report.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiCallError, apiClient } from '../../api/client.js';
import type { ImportedDocument } from '../../api/contract.js';
import { slugify } from '../../codebook/build.js';
import { QualtagError } from '../../errors.js';
import { formatImportReport } from '../../import/report.js';
import { assertProjectId } from '../../coding/upload-key.js';
import { connection, withConnectionOptions } from './api-options.js';
import { ensureProject } from './ingest.js';

interface Opts {
  project?: string;
  api?: string;
  token?: string;
  dataDir?: string;
  timeout: string;
  json?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerImport(program: Command): void {
  withConnectionOptions(program.command('import'))
    .description('import a REFI-QDA project (.qdpx): sources, codebook, codings (as accepted codings with their coder and date), cases and notes')
    .argument('<file>', 'the .qdpx exported by ATLAS.ti, NVivo, MAXQDA, QualCoder or qualtag')
    .option('-p, --project <id>', 'project to import into (created when missing; default: from the file name)')
    .option('--timeout <seconds>', 'give up waiting for the pipeline after this long', '600')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: Opts) => {
      const fileName = path.basename(file);
      if (!/\.qdpx$/i.test(fileName))
        throw new QualtagError('BAD_REQUEST', `${fileName} is not a .qdpx file`, 'Export the project from your QDA tool as REFI-QDA project (.qdpx)', file);
      const bytes = await readFile(file).catch(() => {
        throw new QualtagError('NOT_FOUND', `cannot read ${file}`, 'Check the path', file);
      });
      const projectId = assertProjectId(opts.project ?? slugify(fileName.replace(/\.qdpx$/i, '')));
      const client = apiClient(await connection(opts));
      if (await ensureProject(client, projectId)) process.stderr.write(`created project "${projectId}"\n`);

      const up = await client.createImport({ projectId, body: { fileName } });
      const put = await fetch(up.url, { method: 'PUT', headers: up.headers, body: bytes });
      if (!put.ok) throw new QualtagError('BAD_REQUEST', `upload of ${file} was refused (HTTP ${put.status})`, 'Try again; check the file size', file);
      const started = await client.startImport({ projectId, importId: up.importId, body: { fileName } });
      process.stderr.write(`read ${fileName}: ${started.documents.length} sources, ${started.report.counts.codings} codings; waiting for the pipeline...\n`);

      const applied: ImportedDocument[] = [];
      const deadline = Date.now() + Number(opts.timeout) * 1000;
      for (const d of started.documents) {
        for (;;) {
          const s = await client.documentStatus({ projectId, documentId: d.documentId }).catch((e: unknown) => {
            if (e instanceof ApiCallError && e.status === 404) return null;
            throw e;
          });
          if (s && (s.status === 'TAGGED' || s.status === 'FAILED')) break;
          if (Date.now() > deadline)
            throw new QualtagError(
              'TIMEOUT',
              `${d.name} is still ${s?.status ?? 'waiting to be ingested'}`,
              `See qualtag status --project ${projectId}; run the import again to finish it`,
              d.fileName,
            );
          await sleep(300);
        }
        applied.push(await client.applyImport({ projectId, importId: up.importId, documentId: d.documentId }));
      }
      if (opts.json) process.stdout.write(`${JSON.stringify({ projectId, ...started, applied }, null, 2)}\n`);
      else process.stdout.write(formatImportReport(started, applied, projectId));
      if (applied.some((d) => d.status === 'FAILED')) process.exitCode = 1;
    });
}
