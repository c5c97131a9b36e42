// Extraction off the event loop, with hard limits. PDFs, Word files and large text files are extracted in
// worker processes (child processes, so each one's memory can be measured and it can always be killed,
// even in the middle of a synchronous pdf.js loop). The pool kills a worker that runs over the wall time
// (TIMEOUT) or over its memory (TOO_LARGE: resident set of the worker and its pdftotext polled from /proc,
// and V8's heap capped with --max-old-space-size); a PDF whose streams inflate beyond the budget is refused
// inside the worker before pdftotext or pdf.js reads it. The caller's event loop only moves bytes, so an API on it keeps answering.
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QualtagError } from '../errors.js';
import type { ExtractedDocument } from '../model.js';
import { detectFormat, extractFile } from './index.js';
import { DEFAULT_LIMITS, memoryError, type ExtractLimits } from './limits.js';
import { NeedsPdfjs, resolvePdfSource, type PdfSourceChoice } from './pdftotext.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** Text files up to this size are parsed in the calling process: linear parsers, done in milliseconds. */
const IN_PROCESS_TEXT_BYTES = 1024 * 1024;
const MEMORY_POLL_MS = 100;
const STARTUP_TIMEOUT_MS = 60_000;

const seconds = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

function timeoutError(ms: number, fileName: string): QualtagError {
  return new QualtagError(
    'TIMEOUT',
    `reading the file took longer than ${seconds(ms)} and was stopped`,
    'The file may be damaged or extremely long: save it again, or split it into smaller files',
    fileName,
  );
}

/** Resident set size of a process in MiB, or null where /proc is not available. */
async function rssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** The processes a worker started (pdftotext) and theirs; [] where /proc is not available. */
function descendants(pid: number): number[] {
  try {
    const direct = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return direct.flatMap((c) => [c, ...descendants(c)]);
  } catch {
    return [];
  }
}

/** Memory of a worker and its children together: poppler grows on a flate bomb as pdf.js does. */
async function treeRssMb(pid: number): Promise<number | null> {
  const own = await rssMb(pid);
  if (own === null) return null;
  const kids = await Promise.all(descendants(pid).map((c) => rssMb(c)));
  return kids.reduce<number>((a, b) => a + (b ?? 0), own);
}

/**
 * The worker's script: the bundled extract-worker.mjs beside this file (the built CLI, the Lambda bundle),
 * or, when running from the TypeScript sources (tests, development), a bundle of the worker's sources made
 * now with esbuild, with its packages left external. Running the worker through tsx instead would also
 * transform pdf.js at every start (over a second and 200 MB).
 */
let devWorker: Promise<string> | undefined;
function workerEntry(): Promise<string> {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return Promise.resolve(fileURLToPath(new URL('./extract-worker.mjs', here)));
  devWorker ??= (async () => {
    const devOnly = 'esbuild'; // a devDependency, needed only with the sources: kept out of bundles
    const { build } = (await import(devOnly)) as typeof import('esbuild');
    const root = fileURLToPath(new URL('../..', here));
    const outfile = path.join(root, 'node_modules/.cache/qualtag', `extract-worker-${process.pid}-${Date.now()}.mjs`);
    await build({
      entryPoints: [fileURLToPath(new URL('./extract-worker.ts', here))],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
    process.once('exit', () => rmSync(outfile, { force: true }));
    return outfile;
  })();
  return devWorker;
}

interface Job {
  bytes: Uint8Array;
  fileName: string;
  limits: ExtractLimits;
  pdfSource: PdfSourceChoice | undefined;
  resolve(doc: ExtractedDocument): void;
  reject(e: unknown): void;
}

class Worker {
  child: ChildProcess | undefined;
  readonly ready: Promise<void>;
  job: Job | null = null;
  private stderrTail = '';
  private nextId = 1;
  private onReply: ((msg: WorkerReply) => void) | null = null;
  private onExit: ((how: string) => void) | null = null;
  exited = false;

  constructor(maxMemoryMb: number) {
    this.ready = this.start(maxMemoryMb);
    this.ready.catch(() => undefined);
  }

  private async start(maxMemoryMb: number): Promise<void> {
    const file = await workerEntry();
    const child = fork(file, [], {
      execArgv: [`--max-old-space-size=${maxMemoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-2000);
    });
    (child.stderr as { unref?: () => void } | null)?.unref?.(); // kept for crash reports, never keeps the process alive
    if (this.job) this.busy();
    else this.idle();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the extraction worker did not start within ${seconds(STARTUP_TIMEOUT_MS)}`)), STARTUP_TIMEOUT_MS);
      child.on('message', (msg: WorkerReply) => {
        if (msg.id === 0) {
          clearTimeout(timer);
          resolve();
        } else this.onReply?.(msg);
      });
      child.on('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        const how = `${signal ?? `exit code ${code}`}${this.stderrTail ? `: ${this.stderrTail.trim().split('\n').slice(-3).join(' ')}` : ''}`;
        reject(new Error(`the extraction worker stopped before it was ready (${how})`));
        this.onExit?.(how);
      });
    });
  }

  /** Closes the channel (the worker then exits by itself) and waits until it has exited. */
  stop(): Promise<void> {
    const child = this.child;
    if (this.exited || !child) return Promise.resolve();
    return new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.ref();
      if (child.connected) child.disconnect();
      else this.kill();
    });
  }

  /** Kills the worker and what it started (a running pdftotext would outlive it). */
  kill(): void {
    if (!this.exited && this.child?.pid) {
      for (const pid of descendants(this.child.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      this.child.kill('SIGKILL');
    }
    this.exited = true;
  }

  /** An idle worker does not keep the process alive (the CLI exits when its work is done). */
  idle(): void {
    this.child?.unref();
    (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  busy(): void {
    this.child?.ref();
    (this.child?.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  /** Runs one job under its limits; settles the job's promise and tells whether the worker survived. */
  async run(job: Job): Promise<boolean> {
    this.job = job;
    this.busy();
    const { limits, fileName } = job;
    try {
      await this.ready;
    } catch (e) {
      job.reject(e);
      return false;
    }
    return new Promise<boolean>((done) => {
      let settled = false;
      const finish = (survived: boolean, settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.onReply = null;
        this.onExit = null;
        this.job = null;
        if (!survived) this.kill();
        if (survived) this.idle();
        settle();
        done(survived);
      };
      const timer = setTimeout(() => finish(false, () => job.reject(timeoutError(limits.timeoutMs, fileName))), limits.timeoutMs);
      const poll = setInterval(() => {
        void treeRssMb(this.child?.pid ?? 0).then((mb) => {
          if (mb !== null && mb > limits.maxMemoryMb) finish(false, () => job.reject(memoryError(limits.maxMemoryMb, fileName)));
        });
      }, MEMORY_POLL_MS);
      const id = this.nextId++;
      this.onReply = (msg) => {
        if (msg.id !== id) return;
        if (msg.ok) {
          if ('doc' in msg) finish(true, () => job.resolve(msg.doc));
          return;
        }
        const e = msg.error;
        finish(true, () => job.reject(e.kind && e.hint !== undefined ? new QualtagError(e.kind, e.message, e.hint, e.where) : new Error(e.message)));
      };
      this.onExit = (how) => {
        // V8 aborts when the heap cap is reached; anything else that kills the worker is the file's doing too.
        if (/heap out of memory|Allocation failed/i.test(how)) finish(false, () => job.reject(memoryError(limits.maxMemoryMb, fileName)));
        else
          finish(false, () =>
            job.reject(
              new QualtagError(
                'CORRUPT_FILE',
                `reading the file crashed the extractor (${how.slice(0, 200)})`,
                'Open it and save or print it to a new file, then upload that copy',
                fileName,
              ),
            ),
          );
      };
      const options = {
        maxBytes: limits.maxBytes,
        timeoutMs: limits.timeoutMs,
        maxInflatedBytes: limits.maxInflatedBytes,
        ...(job.pdfSource ? { pdfSource: job.pdfSource } : {}),
      };
      const req: WorkerRequest = { id, bytes: job.bytes, fileName, options };
      this.child?.send(req);
    });
  }
}

export interface ExtractPoolOptions {
  /** Worker processes at most (default: 2, or 1 on a one-core machine). */
  size?: number;
  /** Limits for every file (default DEFAULT_LIMITS); each call may override them. */
  limits?: Partial<ExtractLimits>;
  /** Which reader gives PDFs' text (default: the worker's QUALTAG_PDF_SOURCE, else pdftotext when installed). */
  pdfSource?: PdfSourceChoice;
}

export class ExtractPool {
  private readonly size: number;
  private readonly limits: ExtractLimits;
  readonly pdfSource: PdfSourceChoice | undefined;
  private readonly workers = new Set<Worker>();
  private readonly queue: Job[] = [];

  constructor(opts: ExtractPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? Math.min(2, availableParallelism())); // not cpus(): it parses /proc/cpuinfo
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.pdfSource = opts.pdfSource;
  }

  /** Extracts one file in a worker under the limits. Rejects with the same QualtagErrors as extractFile. */
  extract(bytes: Uint8Array, fileName: string, limits: Partial<ExtractLimits> = {}): Promise<ExtractedDocument> {
    return new Promise<ExtractedDocument>((resolve, reject) => {
      this.queue.push({ bytes, fileName, limits: { ...this.limits, ...limits }, pdfSource: this.pdfSource, resolve, reject });
      this.pump();
    });
  }

  /** Starts a worker ahead of the first file (the CLI does while it reads its files). */
  warm(): void {
    if (this.workers.size === 0) this.workers.add(new Worker(this.limits.maxMemoryMb));
  }

  private pump(): void {
    for (const w of this.workers) if (w.exited && !w.job) this.workers.delete(w);
    while (this.queue.length) {
      let worker = [...this.workers].find((w) => !w.job && !w.exited);
      if (!worker) {
        if (this.workers.size >= this.size) return;
        worker = new Worker(this.limits.maxMemoryMb);
        this.workers.add(worker);
      }
      const job = this.queue.shift()!;
      const w = worker;
      w.job = job;
      void w.run(job).then((survived) => {
        if (!survived) this.workers.delete(w);
        this.pump();
      });
    }
  }

  /** Lets the idle workers exit and waits for them (so their process is reaped, and counted, by this one). */
  async drain(): Promise<void> {
    await Promise.all([...this.workers].filter((w) => !w.job).map((w) => w.stop()));
  }

  /** Stops every worker; queued files are rejected. */
  close(): void {
    for (const job of this.queue.splice(0)) job.reject(new Error('the extraction pool was closed'));
    for (const w of this.workers) w.kill();
    this.workers.clear();
  }
}

let shared: ExtractPool | undefined;

/** The process-wide pool (size from QUALTAG_EXTRACT_WORKERS when set). */
export function sharedPool(): ExtractPool {
  const size = Number(process.env.QUALTAG_EXTRACT_WORKERS) || undefined;
  if (!shared) {
    const pool = new ExtractPool(size ? { size } : {});
    // When this process has nothing left to do, its idle workers end with it rather than after it.
    process.once('beforeExit', () => void pool.drain());
    shared = pool;
  }
  return shared;
}

export interface BoundedOptions {
  /** The pool for files read in a worker (default: the shared pool). */
  pool?: ExtractPool;
  /**
   * Read PDFs with pdftotext from this process, when that is the source (the CLI): poppler parses the untrusted
   * file in its own process, killed at the wall time, the text budget and the memory limit (pdftotext.ts), and
   * what is left here is linear work bounded by the text budget. It saves starting a Node worker (a third of a
   * 60-page PDF's CPU). A server keeps every PDF in the pool: the parsing would still hold its event loop.
   */
  popplerInProcess?: boolean;
}

/**
 * Extracts an upload with every limit enforced: small text files in this process (fast, linear), the
 * rest in the shared worker pool (PDFs read by pdftotext in this process with popplerInProcess). This is
 * what the pipeline and the CLI call.
 */
export async function extractBounded(
  bytes: Uint8Array,
  fileName: string,
  limits: Partial<ExtractLimits> = {},
  opts: BoundedOptions = {},
): Promise<ExtractedDocument> {
  const maxBytes = limits.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  // Empty, oversized and unsupported files are refused here, without a worker.
  const format = bytes.length > 0 && bytes.length <= maxBytes ? detectFormat(fileName, bytes) : null;
  if (format === null || (format !== 'pdf' && format !== 'docx' && bytes.length <= IN_PROCESS_TEXT_BYTES)) {
    return extractFile(bytes, fileName, { maxBytes, ...(limits.timeoutMs !== undefined ? { timeoutMs: limits.timeoutMs } : {}) });
  }
  const pool = opts.pool ?? sharedPool();
  if (format === 'pdf' && opts.popplerInProcess && resolvePdfSource(pool.pdfSource) === 'pdftotext') {
    const all = { ...DEFAULT_LIMITS, ...limits };
    try {
      return await extractFile(bytes, fileName, { ...all, pdfSource: 'pdftotext', pdfjsFallback: false });
    } catch (e) {
      if (!(e instanceof NeedsPdfjs)) throw e;
      // pdftotext could not read it (a crash, a permission flag): pdf.js tries, in a worker.
    }
  }
  return pool.extract(bytes, fileName, limits);
}

/** Whether extractBounded would start a worker for this file name (the CLI starts one early while it reads files). */
export function needsWorker(fileName: string, opts: BoundedOptions = {}): boolean {
  if (/\.docx$/i.test(fileName)) return true;
  if (!/\.pdf$/i.test(fileName)) return false;
  return !(opts.popplerInProcess && resolvePdfSource((opts.pool ?? sharedPool()).pdfSource) === 'pdftotext');
}
