// How a CLI command finds the running local stack, wherever `qualtag up` was started: `--data-dir`, else
// QUALTAG_DATA_DIR, else `.qualtag/` of the current folder when a stack runs there, else the one stack
// `qualtag up` registered as running for this user (under ~/.local/state/qualtag/running/).
// Node built-ins only: the CLI loads this before anything heavy.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The environment variable naming the data folder (QUALTAG_STATE_DIR is its older name, still read). */
export const DATA_DIR_ENV = 'QUALTAG_DATA_DIR';
/** Where to say a command looks, in errors and --help. */
export const DATA_DIR_HELP = `the data folder of the running \`qualtag up\` (or ${DATA_DIR_ENV}; default: ./.qualtag when a stack runs there, else the one running stack)`;

export function envDataDir(): string | undefined {
  return process.env[DATA_DIR_ENV] || process.env.QUALTAG_STATE_DIR || undefined;
}

/** Per-user folder of running stacks: one `<pid>.json` each ({ pid, dataDir, apiUrl, startedAt }). */
export function runningDir(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'qualtag', 'running');
}

interface Running {
  pid: number;
  dataDir: string;
  apiUrl: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Called by `qualtag up` once it serves; best effort (a read-only home only loses the lookup from elsewhere). */
export function registerRunning(entry: Running): void {
  try {
    mkdirSync(runningDir(), { recursive: true });
    writeFileSync(path.join(runningDir(), `${entry.pid}.json`), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch {
    /* see above */
  }
}

export function unregisterRunning(pid: number): void {
  rmSync(path.join(runningDir(), `${pid}.json`), { force: true });
}

/** Stacks registered as running whose process is alive (entries of ended processes are removed). */
export function runningStacks(): Running[] {
  const dir = runningDir();
  if (!existsSync(dir)) return [];
  const out: Running[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const r = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Running;
      if (typeof r.pid === 'number' && typeof r.dataDir === 'string' && alive(r.pid) && existsSync(r.dataDir)) out.push(r);
      else rmSync(path.join(dir, name), { force: true });
    } catch {
      rmSync(path.join(dir, name), { force: true });
    }
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** True when `qualtag up` (stack.json) or a local API (api.json) of a live process uses the folder. */
function stackRunsIn(dataDir: string): boolean {
  return ['stack.json', 'api.json'].some((f) => {
    try {
      const { pid } = JSON.parse(readFileSync(path.join(dataDir, f), 'utf8')) as { pid?: unknown };
      return typeof pid === 'number' && alive(pid);
    } catch {
      return false;
    }
  });
}

export interface Located {
  dataDir: string;
  /** How it was found, for messages. */
  how: 'option' | 'env' | 'cwd' | 'running' | 'default';
  /** Other running stacks, when the choice was not unique. */
  others?: string[];
}

/** The data folder a client command should use. */
export function locateDataDir(option?: string): Located {
  if (option) return { dataDir: path.resolve(option), how: 'option' };
  const env = envDataDir();
  if (env) return { dataDir: path.resolve(env), how: 'env' };
  const here = path.resolve('.qualtag');
  if (stackRunsIn(here)) return { dataDir: here, how: 'cwd' };
  const running = runningStacks();
  if (running.length === 1) return { dataDir: running[0]!.dataDir, how: 'running' };
  if (running.length > 1) return { dataDir: here, how: 'default', others: running.map((r) => r.dataDir) };
  return { dataDir: here, how: 'default' };
}

/** The "what to do" of a not-found error: names the option and the variable. */
export function notRunningHint(located: Located): string {
  if (located.others?.length) {
    return `${located.others.length} stacks are running (${located.others.join(', ')}): choose one with --data-dir <dir> or ${DATA_DIR_ENV}=<dir>`;
  }
  return `Start it with \`npm start\` (qualtag up); if it runs with another data folder, pass --data-dir <dir> or set ${DATA_DIR_ENV}=<dir>; for a deployed API pass --api URL --token T`;
}
