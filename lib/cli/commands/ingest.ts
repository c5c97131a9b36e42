// `qualtag ingest <files...>`: uploads files through the API's presigned upload URLs (the running local
// stack, or a deployed API with --api), waits until each document is TAGGED or FAILED, prints a summary.
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiCallError, type ApiClient, apiClient } from '../../api/client.js';
import type { DocumentStatusView } from '../../api/contract.js';
import { connection, withConnectionOptions } from './api-options.js';
import { QualtagError } from '../../errors.js';
import { uploadContentType, uploadLabels } from '../../formats.js';
import { assertProjectId, documentIdFor } from '../../coding/upload-key.js';

/** Creates the project through the API (the caller becomes its first member) when it does not exist yet; true when created. */
export async function ensureProject(client: ApiClient, projectId: string): Promise<boolean> {
  try {
    await client.getProject({ projectId });
    return false;
  } catch (e) {
    if (!(e instanceof ApiCallError) || e.status !== 404) throw e; // 403: it exists, but not for this user
  }
  try {
    await client.createProject({ body: { id: projectId, name: projectId } });
    return true;
  } catch (e) {
    // Created by someone else in between: go on if this user can see it (else its 403 explains).
    if (e instanceof ApiCallError && e.status === 409) {
      await client.getProject({ projectId });
      return false;
    }
    throw e;
  }
}

interface Opts {
  project: string;
  codebook?: string;
  api?: string;
  token?: string;
  dataDir?: string;
  timeout: string;
}

export function registerIngest(program: Command): void {
  withConnectionOptions(program.command('ingest'))
    .description('upload transcripts/documents, wait until each is TAGGED or FAILED, and print a summary')
    .argument('<files...>', `files to upload (${uploadLabels})`)
    .option('-p, --project <id>', 'project id (created through the API, with you as its first member, when missing)', 'example')
    .option('-c, --codebook <file>', "codebook (YAML, CSV or .qdc) to make the project's current version first")
    .option('--timeout <seconds>', 'give up waiting after this long', '600')
    .action(async (files: string[], opts: Opts) => {
      const projectId = assertProjectId(opts.project);
      const client = apiClient(await connection(opts));
      if (await ensureProject(client, projectId)) process.stdout.write(`created project "${projectId}"\n`);
      if (opts.codebook) {
        const content = await readFile(opts.codebook, 'utf8');
        const r = await client.uploadCodebook({ projectId, body: { fileName: path.basename(opts.codebook), content, retag: true } });
        for (const w of r.warnings) process.stderr.write(`qualtag: warning: ${w}\n`);
        process.stdout.write(
          `codebook ${r.version} ${r.created ? 'stored' : 'unchanged'}${r.retag.documents ? `; re-tagging ${r.retag.documents} documents` : ''}\n`,
        );
      }

      const bar = new SingleBar(
        { format: 'ingest [{bar}] {value}/{total} done · {tagged} tagged · {failed} failed', hideCursor: true },
        Presets.shades_classic,
      );
      const names = files.map((f) => path.basename(f));
      const dupes = names.filter((n, i) => names.indexOf(n) !== i);
      if (dupes.length) throw new QualtagError('BAD_REQUEST', `two files are named ${dupes[0]}`, 'A project keys documents by file name: rename one of them');
      const started = new Map<string, number>();
      bar.start(files.length, 0, { tagged: 0, failed: 0 });
      for (const [i, f] of files.entries()) {
        const bytes = await readFile(f).catch(() => {
          throw new QualtagError('NOT_FOUND', `cannot read ${f}`, 'Check the path', f);
        });
        const up = await client.uploadUrl({ projectId, body: { fileName: names[i]!, contentType: uploadContentType(f) } });
        const put = await fetch(up.url, { method: 'PUT', headers: up.headers, body: bytes });
        if (!put.ok) throw new QualtagError('BAD_REQUEST', `upload of ${f} was refused (HTTP ${put.status})`, 'Try again; check the file size', f);
        started.set(names[i]!, Date.now());
      }

      const done = new Map<string, DocumentStatusView>();
      const deadline = Date.now() + Number(opts.timeout) * 1000;
      while (done.size < names.length && Date.now() < deadline) {
        for (const name of names) {
          if (done.has(name)) continue;
          const id = documentIdFor(projectId, name);
          const s = await client.documentStatus({ projectId, documentId: id }).catch(() => null);
          if (!s || (s.status !== 'TAGGED' && s.status !== 'FAILED')) continue;
          // A finished state from before this upload counts only once ingest had time to pick the new one up
          // (identical bytes are a duplicate and leave the document as it was).
          const fresh = Date.parse(s.updatedAt) >= started.get(name)! - 1000 || Date.now() - started.get(name)! > 5000;
          if (fresh) done.set(name, s);
        }
        const all = [...done.values()];
        bar.update(done.size, { tagged: all.filter((s) => s.status === 'TAGGED').length, failed: all.filter((s) => s.status === 'FAILED').length });
        if (done.size < names.length) await new Promise((r) => setTimeout(r, 300));
      }
      bar.stop();

      const all = [...done.values()];
      const failed = names.filter((n) => done.get(n)?.status === 'FAILED');
      const pending = names.filter((n) => !done.has(n));
      process.stdout.write(
        `\n${all.filter((s) => s.status === 'TAGGED').length} TAGGED, ${failed.length} FAILED${pending.length ? `, ${pending.length} still in progress` : ''} (project ${projectId})\n`,
      );
      for (const n of failed) process.stdout.write(`  FAILED ${n}: ${done.get(n)?.reason ?? 'no reason given'}\n`);
      for (const n of pending) process.stdout.write(`  waiting ${n} (see qualtag status)\n`);
      if (failed.length || pending.length) process.exitCode = 1;
    });
}
