// `npm start` as a researcher runs it: `node bin/qualtag.mjs up` in a child process with its own data
// folder, the printed UI link opened in Chromium, the example project followed to TAGGED and reviewed,
// then Ctrl-C (SIGINT): the command exits 0 and leaves no DynamoDB Local JVM behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/shared.js';
import { ensureWebBuilt, javaProcessesFor, openBrowser, requireChromium, screenshot, type BrowserSession } from './ui-harness.js';

const EXAMPLE_DOCS = readdirSync(path.join(projectRoot, 'examples'))
  .filter((f) => f.startsWith('interview-'))
  .sort();

async function until<T>(what: string, fn: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let dataDir: string;
let child: ChildProcess;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let session: BrowserSession;

describe('npm start (qualtag up) in Chromium', () => {
  beforeAll(() => {
    requireChromium();
    ensureWebBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'qualtag-up-'));
  });

  afterAll(async () => {
    await session?.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    for (const pid of javaProcessesFor(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a UI link with the token; the example project is TAGGED and the review page shows proposals; Ctrl-C stops it cleanly', async () => {
    child = spawn(process.execPath, ['bin/qualtag.mjs', 'up', '--port', '0', '--data-dir', dataDir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, QUALTAG_STATE_DIR: dataDir },
    });
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));

    const link = await until('the UI link', () => /^\s*UI\s+(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)\s*$/m.exec(output)?.[1], 120_000);
    expect(output).toContain('loading the example project "example"');
    expect(existsSync(path.join(dataDir, 'stack.json'))).toBe(true);
    const javas = javaProcessesFor(dataDir);
    expect(javas.length).toBe(1);

    session = await openBrowser();
    const page = session.page;
    await page.goto(link);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    expect(page.url()).not.toContain('token=');
    for (const name of EXAMPLE_DOCS) {
      await page.locator(`table[aria-label=Documents] tr[data-doc="${name}"] .status`, { hasText: 'TAGGED' }).waitFor({ timeout: 120_000 });
    }
    await screenshot(page, 'up-1-example-tagged');

    await page.locator(`table[aria-label=Documents] tr[data-doc="${EXAMPLE_DOCS[0]}"] a`).first().click();
    await page.locator('.segment.current').waitFor();
    expect(await page.locator('.proposal[data-status=proposed]').count()).toBeGreaterThan(0);
    expect(await page.locator('.segments mark').count()).toBeGreaterThan(0);
    await screenshot(page, 'up-2-example-review');
    expect(session.errors).toEqual([]);
    await session.close();

    child.kill('SIGINT');
    const { code, signal } = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).toContain('qualtag: stopped; data kept in');
    expect(existsSync(path.join(dataDir, 'stack.json'))).toBe(false);
    for (const pid of javas) expect(existsSync(`/proc/${pid}`) && javaProcessesFor(dataDir).includes(pid)).toBe(false);
    expect(javaProcessesFor(dataDir)).toEqual([]);
  });
});
