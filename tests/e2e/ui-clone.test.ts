// A new user's first minutes, as the README says: a fresh clone of the repository (no web/dist),
// `npm start` (node_modules linked from this checkout instead of `npm ci`, to keep it fast), the printed
// link opened in Chromium. Then the CLI from another folder finds that stack (the registry of running
// stacks, `--data-dir`, QUALTAG_DATA_DIR), and says which option and variable to use when it cannot.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/shared.js';
import { javaProcessesFor, openBrowser, requireChromium, screenshotBoth, until, type BrowserSession } from './ui-harness.js';

const run = promisify(execFile);
let tmp: string;
let clone: string;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let child: ChildProcess;
let output = '';
let exited: Promise<number | null>;
let session: BrowserSession | undefined;

/** `node <clone>/bin/qualtag.mjs ...` from `cwd`; never throws: stdout, stderr and the exit code. */
async function qualtag(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(clone, 'bin/qualtag.mjs'), ...args], { cwd, env: { ...env, ...extraEnv } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

describe('a fresh clone: npm start serves the UI at the printed link; the CLI finds the stack from anywhere', () => {
  beforeAll(() => {
    requireChromium();
    tmp = mkdtempSync(path.join(tmpdir(), 'qualtag-clone-'));
    clone = path.join(tmp, 'qualtag');
    dataDir = path.join(tmp, 'data');
    // The committed state of this checkout, as `git clone` gives it to a new user.
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim();
    execFileSync('git', ['clone', '--quiet', '--no-checkout', projectRoot, clone]);
    execFileSync('git', ['checkout', '--quiet', head], { cwd: clone });
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    // Its own home, so the registry of running stacks is this test's alone.
    mkdirSync(path.join(tmp, 'home'));
    const { QUALTAG_STATE_DIR: _s, QUALTAG_DATA_DIR: _d, ...rest } = process.env;
    env = { ...rest, HOME: path.join(tmp, 'home'), XDG_STATE_HOME: path.join(tmp, 'home', 'state') };
  });

  afterAll(async () => {
    await session?.close();
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exited;
    }
    for (const pid of javaProcessesFor(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  it('builds web/dist (saying so in one line), prints the link, and the link opens the UI with no warnings printed', async () => {
    expect(existsSync(path.join(clone, 'web', 'dist'))).toBe(false);
    // `npm start` exactly (plus a free port and a data folder of the test's own), in its own process group.
    child = spawn('npm', ['start', '--', '--port', '0', '--data-dir', dataDir], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));

    const link = await until('the UI link', async () => /^\s*UI\s+(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)\s*$/m.exec(output)?.[1], 180_000);
    const buildLines = output.split('\n').filter((l) => l.includes('web/dist'));
    expect(buildLines).toHaveLength(1);
    expect(buildLines[0]).toMatch(/^qualtag: web\/dist is missing: built the review UI into web\/dist \(\d+\.\d s\)$/);
    expect(existsSync(path.join(clone, 'web', 'dist', 'index.html'))).toBe(true);

    session = await openBrowser();
    const page = session.page;
    await page.goto(link);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    expect(await page.textContent('body')).not.toContain('no route');
    await page.locator('table[aria-label=Documents] tr[data-doc] .status', { hasText: 'TAGGED' }).first().waitFor({ timeout: 120_000 });
    await screenshotBoth(page, 'clone-1-first-start');
    expect(session.errors).toEqual([]);
    // Nothing a user cannot act on (the AWS SDK's Node version notice, Node warnings).
    expect(output).not.toMatch(/Warning|NodeVersionSupport|DeprecationWarning/);
  });

  it('the CLI in another folder finds the stack; --data-dir and QUALTAG_DATA_DIR choose one; the error names both', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    mkdirSync(elsewhere);
    const found = await qualtag(elsewhere, ['status']);
    expect(found.err).toBe('');
    expect(found.code).toBe(0);
    expect(found.out).toMatch(/local stack: API http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(found.out).toContain('TAGGED');

    const byOption = await qualtag(elsewhere, ['review', '--data-dir', dataDir, '--project', 'example', '--limit', '1']);
    expect(byOption.err).toBe('');
    expect(byOption.code).toBe(0);

    const byEnv = await qualtag(elsewhere, ['report', '--project', 'example'], { QUALTAG_DATA_DIR: dataDir });
    expect(byEnv.err).toBe('');
    expect(byEnv.code).toBe(0);

    const wrong = path.join(tmp, 'not-a-stack');
    const missing = await qualtag(elsewhere, ['status', '--data-dir', wrong]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(wrong);
    expect(missing.err).toContain('--data-dir');
    expect(missing.err).toContain('QUALTAG_DATA_DIR');
    const missingApi = await qualtag(elsewhere, ['review', '--project', 'example'], { QUALTAG_DATA_DIR: wrong });
    expect(missingApi.code).toBe(1);
    expect(missingApi.err).toContain('--data-dir');
    expect(missingApi.err).toContain('QUALTAG_DATA_DIR');

    for (const cmd of ['status', 'ingest', 'review', 'query', 'report', 'export']) {
      const help = await qualtag(elsewhere, [cmd, '--help']);
      expect(help.out, `${cmd} --help`).toContain('--data-dir <dir>');
      expect(help.out, `${cmd} --help`).toContain('QUALTAG_DATA_DIR');
    }

    // Ctrl-C reaches npm and qualtag alike (npm itself then ends by the signal).
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    expect(output).toContain('qualtag: stopped; data kept in');
    const after = await qualtag(elsewhere, ['status']);
    expect(after.code).toBe(1);
    expect(after.err).toContain('npm start');
  });
});
