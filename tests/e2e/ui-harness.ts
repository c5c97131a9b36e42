// Shared set-up of the UI end-to-end tests: Debian's Chromium driven by playwright-core, the web
// bundle built when stale, and screenshots a person can look at (tests/e2e/screenshots/, not committed).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { webBuildState, writeBuildStamp } from '../../lib/local/web-build.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const webDir = join(root, 'web');
export const distDir = join(webDir, 'dist');
export const screenshotDir = join(root, 'tests/e2e/screenshots');
export const CHROMIUM = process.env.QUALTAG_CHROMIUM ?? '/usr/bin/chromium';

/** Fails (never skips) without Chromium: CI installs it; a person gets the command to run. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run \`apt-get install chromium\` (CI installs it in .ci/run), or set QUALTAG_CHROMIUM to its path.`);
  }
}

/** Builds web/dist with Vite when it is missing or was built from other sources (the check `qualtag up` makes). */
export function ensureWebBuilt(): void {
  const state = webBuildState(webDir);
  if (state.fresh) return;
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', webDir, '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  writeBuildStamp(webDir, state.hash);
}

export interface BrowserSession {
  browser: Browser;
  page: Page;
  /** Page errors and console errors seen so far (an XSS payload would show up here too). */
  errors: string[];
  /** Dialogs the page opened (alert() from injected script would land here). */
  dialogs: string[];
  close(): Promise<void>;
}

/** Launches Chromium with the flags this machine needs and a fresh profile directory. */
export async function openBrowser(): Promise<BrowserSession> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'qualtag-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disk-cache-dir=${join(profile, 'cache')}`,
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`.trim());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return {
    browser,
    page,
    errors,
    dialogs,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Screenshots at the two sizes the UI is made for (`<name>-1280.png`, `<name>-1920.png`); the viewport is put back to 1280×800. */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, `${name}-1920`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await screenshot(page, `${name}-1280`);
}

/** Pids of running java processes whose command line names `marker` (e.g. a data folder). */
export function javaProcessesFor(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && basename(cmd[0] ?? '') === 'java' && cmd.some((a) => a.includes(marker))) pids.push(Number(entry));
    } catch {
      /* the process ended while we looked */
    }
  }
  return pids;
}

/** Selects `phrase` inside an element's text (the text may be split by <mark>s), as a mouse drag would. */
export async function selectText(element: Locator, phrase: string): Promise<void> {
  await element.evaluate((body, p) => {
    const start = (body.textContent ?? '').indexOf(p);
    if (start < 0) throw new Error(`"${p}" not in the element`);
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let offset = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const len = n.textContent?.length ?? 0;
      if (start >= offset && start <= offset + len) range.setStart(n, start - offset);
      if (start + p.length >= offset && start + p.length <= offset + len) {
        range.setEnd(n, start + p.length - offset);
        break;
      }
      offset += len;
    }
    const sel = window.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(range);
  }, phrase);
}

/** Polls `fn` until it gives a value; a throw counts as "not yet" (named in the time-out error). */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const v = await fn().catch((e: unknown) => {
      lastError = e;
      return undefined;
    });
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
