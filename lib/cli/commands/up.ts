// `qualtag up` (= `npm start`): the one-machine stack with the API and the UI, loaded with the example project.
import type { Command } from 'commander';
import path from 'node:path';
import { loadExampleProject } from '../../local/examples.js';
import { localToken, startHttpServer } from '../../local/http.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { DATA_DIR_ENV, registerRunning, unregisterRunning } from '../../local/locate.js';
import { defaultDataDir, removeStackInfo, writeStackInfo } from '../../local/state.js';
import { packageRoot } from '../../local/package-root.js';
import { ensureWebUi } from '../../local/web-build.js';

const root = packageRoot();

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start the local stack: DynamoDB Local, S3 (s3rver), the pipeline, the API and the review UI')
    .option('--port <port>', 'API and UI port on 127.0.0.1', '8787')
    .option('--data-dir <dir>', `where data is kept between runs (or ${DATA_DIR_ENV})`, defaultDataDir())
    .option('--no-examples', 'do not load the example project on first start')
    .action(async (opts: { port: string; dataDir: string; examples: boolean }) => {
      const dataDir = path.resolve(opts.dataDir);
      const say = (s: string) => process.stdout.write(`${s}\n`);
      // A fresh clone has no web/dist: build it (or rebuild it after a pull) before anything else starts.
      const hasUi = await ensureWebUi(path.join(root, 'web'), say);
      say(`qualtag: starting DynamoDB Local and S3 (data in ${dataDir}) ...`);
      const stack = await startLocalStack({
        dataDir,
        onFatal: (why) => {
          process.stderr.write(`qualtag: ${why}; stopping. Start again with \`qualtag up\`: nothing acknowledged is lost, unfinished work resumes.\n`);
          removeStackInfo(dataDir);
          process.exit(1);
        },
        log: {
          info: () => {},
          warn: (m, e) => say(`qualtag: ${m} ${e ? JSON.stringify(e) : ''}`),
          error: (m, e) => process.stderr.write(`qualtag: ${m} ${e ? JSON.stringify(e) : ''}\n`),
        },
      });
      try {
        await serve(stack, dataDir, { ...opts, hasUi }, say);
      } finally {
        await stack.stop();
      }
    });
}

async function serve(stack: LocalStack, dataDir: string, opts: { port: string; examples: boolean; hasUi: boolean }, say: (s: string) => void): Promise<void> {
  const token = await localToken(dataDir);
  const webDir = path.join(root, 'web', 'dist');
  const http = await startHttpServer({
    port: Number(opts.port),
    token,
    ...(opts.hasUi ? { webDir } : {}),
    deps: {
      store: stack.store,
      blobs: stack.blobs,
      tagQueue: stack.tagQueue,
      exportQueue: stack.exportQueue,
      learnFromDecisions: true,
      deadLetters: { list: () => stack.deadLetters(), retry: (m) => stack.retryDeadLetters(m) },
    },
    stateDir: dataDir,
    // Presigned URLs go through this server's /s3 path: the UI never calls the S3 port (which has no CORS).
    s3Endpoint: stack.s3Endpoint,
  });
  writeStackInfo(dataDir, {
    pid: process.pid,
    apiUrl: http.url,
    dynamodbEndpoint: stack.dynamodbEndpoint,
    s3Endpoint: stack.s3Endpoint,
    region: stack.region,
    tableName: stack.tableName,
    bucketName: stack.bucketName,
    startedAt: new Date().toISOString(),
    ...stack.credentials,
  });
  // So `qualtag status`, `ingest`, `review` … find this stack from any folder.
  registerRunning({ pid: process.pid, dataDir, apiUrl: http.url, startedAt: new Date().toISOString() });
  if (opts.examples) {
    const loaded = await loadExampleProject(stack);
    if (loaded.length) say(`qualtag: loading the example project "example" (${loaded.length} interviews) ...`);
  }
  say('');
  say(`  API      ${http.url}/api   (Authorization: Bearer <token in ${path.join(dataDir, 'token')}>)`);
  say(`  UI       ${http.url}/#token=${token}`);
  say(`  DynamoDB ${stack.dynamodbEndpoint}   S3 ${stack.s3Endpoint}`);
  say('');
  say(`  Open the UI link: create a project, upload a codebook and transcripts, review, export.`);
  say(
    `  CLI from another terminal: npx qualtag status · ingest <files...> --project <id> (finds this stack; elsewhere: --data-dir ${dataDir})   ·   Ctrl-C stops`,
  );

  // `qualtag status --retry` asks for the dead letters to go back on their queues now.
  const retry = (): void => say(`qualtag: ${stack.retryDeadLetters()} dead letter(s) put back on their queues`);
  process.on('SIGUSR2', retry);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  say('\nqualtag: stopping ...');
  unregisterRunning(process.pid);
  removeStackInfo(dataDir);
  await http.close();
  say(`qualtag: stopped; data kept in ${dataDir}`);
}
