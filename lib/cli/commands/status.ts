// `qualtag status`: the local stack's documents and their pipeline states, and the dead-letter list.
import type { Command } from 'commander';
import path from 'node:path';
import { LOCAL_USER } from '../../local/examples.js';
import { readDeadLetters } from '../../local/stack.js';
import { DATA_DIR_HELP, locateDataDir } from '../../local/locate.js';
import { connectToStack, readStackInfo } from '../../local/state.js';
import { all } from '../../paging.js';
import type { DocumentRecord, Store } from '../../coding/index.js';

const allDocuments = (store: Store, projectId: string): Promise<DocumentRecord[]> => all((p) => store.listDocuments(projectId, p));

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('list the documents of the local stack and their states, and the dead-letter list')
    .option('-p, --project <id>', 'only this project')
    .option('--json', 'print JSON')
    .option('--retry', 'put every dead letter back on its queue now (the running stack retries them)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (opts: { project?: string; json?: boolean; retry?: boolean; dataDir?: string }) => {
      const located = locateDataDir(opts.dataDir);
      const dataDir = located.dataDir;
      const info = readStackInfo(located);
      const { store } = connectToStack(info);
      if (opts.retry) {
        const waiting = readDeadLetters(dataDir).length;
        process.kill(info.pid, 'SIGUSR2');
        process.stdout.write(`asked the stack (pid ${info.pid}) to retry ${waiting} dead letter(s)\n`);
        return;
      }
      const projects = opts.project ? [opts.project] : (await store.listProjectsForUser(LOCAL_USER, { limit: 500 })).items.map((p) => p.id);
      const docs = (await Promise.all(projects.map((p) => allDocuments(store, p)))).flat();
      const dead = readDeadLetters(dataDir);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ stack: info, documents: docs, deadLetters: dead }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`local stack: API ${info.apiUrl}/api · DynamoDB ${info.dynamodbEndpoint} · S3 ${info.s3Endpoint} (since ${info.startedAt})\n\n`);
      const rows = docs.map((d) => ({
        project: d.projectId,
        file: d.fileName,
        status: d.status,
        format: d.format ?? '',
        segments: d.segmentCount ?? '',
        proposals: d.proposalCount ?? '',
        respondents: d.respondents.join(', '),
        reason: d.reason ?? '',
      }));
      if (rows.length) console.table(rows);
      else process.stdout.write('no documents yet: qualtag ingest <files...> --project <id>\n');
      const counts = new Map<string, number>();
      for (const d of docs) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
      process.stdout.write(`\n${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || '0 documents'}\n`);
      if (dead.length) {
        process.stdout.write(`\n${dead.length} message(s) in the dead-letter list (${path.join(dataDir, 'dead-letters.jsonl')}):\n`);
        for (const d of dead) {
          const next = d.nextRetryAt ? `retried automatically at ${d.nextRetryAt}` : 'no more automatic retries: qualtag status --retry';
          process.stdout.write(
            `  ${d.at} ${d.queue} after ${d.receiveCount} tries (${d.redrives ?? 0} redrives; ${next})\n    reason: ${d.error}\n    message: ${d.body.slice(0, 160)}\n`,
          );
        }
      } else {
        process.stdout.write('dead-letter list: empty\n');
      }
    });
}
