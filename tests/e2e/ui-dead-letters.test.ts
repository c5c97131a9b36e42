// Dead letters in the UI, in Chromium against the real local stack: two uploads whose ingest keeps failing
// (the database "is unavailable" for them) land in the upload page's "Stuck in the pipeline" panel with
// the reason and time; once the cause is gone, Retry brings one to TAGGED and Retry all the other; the
// reason and file name are shown as text, never as markup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DeadLetters, DocumentSummary, Page as ApiPage } from '../../lib/api/contract.js';
import { screenshot, until, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

let stack: UiStack;
let session: BrowserSession;
let page: Page;

const FIRST = 'stuck <img src=x onerror=alert(1)>.txt';
const SECOND = 'stuck-2.txt';
const TEXT = 'Interviewer: Hoe verliep de samenwerking?\n\nRespondent 1: We vertrouwen elkaar en overleggen vaak.\n';

describe('dead letters in the upload view (Chromium)', () => {
  beforeAll(async () => {
    // Dead-lettered after 3 quick deliveries; no automatic redrive during the test: only the buttons retry.
    ({ stack, session, page } = await startUi({ retryDelayMs: 50, redriveDelaysMs: [] }));
  });
  afterAll(() => stopUi(stack, session));

  it('shows each stuck upload with why and when, and Retry / Retry all bring them to TAGGED', async () => {
    const original = stack.store.putClaim.bind(stack.store);
    let broken = true;
    stack.store.putClaim = async (u, seen) => {
      if (broken && u.fileName.startsWith('stuck')) throw new Error('database unavailable <b>now</b>');
      return original(u, seen);
    };
    const before = Date.now();
    await stack.upload(FIRST, TEXT);
    await stack.upload(SECOND, TEXT);
    const P = `/projects/${stack.projectId}`;
    await until('two dead letters', async () => ((await stack.api<DeadLetters>('GET', `${P}/dead-letters`)).items.length === 2 ? true : undefined));

    await page.goto(`${stack.webUrl}#token=${encodeURIComponent(stack.token)}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    const panel = page.locator('[data-testid=dead-letters]');
    await panel.waitFor();
    const rows = panel.locator('tbody tr');
    await until('two rows', async () => ((await rows.count()) === 2 ? true : undefined));
    const first = panel.locator('tr', { hasText: FIRST });
    expect(await first.locator('td').first().textContent()).toBe(FIRST);
    expect(await first.locator('[data-testid=dead-letter-reason]').textContent()).toContain('database unavailable <b>now</b>');
    expect(await first.textContent()).toContain('reading the file');
    expect(await first.textContent()).toContain('3 tries, 0 retries so far; no more automatic retries');
    const failedAt = Date.parse((await first.locator('time').getAttribute('datetime'))!);
    expect(failedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(failedAt).toBeLessThanOrEqual(Date.now());
    // Escaped: no element came out of the file name or the reason.
    expect(await panel.locator('img, b').count()).toBe(0);
    await screenshot(page, 'dead-letters');

    // The cause is gone: Retry on the first, then Retry all for the rest.
    broken = false;
    await first.getByRole('button', { name: `Retry ${FIRST}` }).click();
    await page.locator('tr[data-doc] .status.TAGGED').first().waitFor({ timeout: 60_000 });
    const firstRow = page.locator('tr[data-doc]', { hasText: FIRST });
    await firstRow.locator('.status.TAGGED').waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBe(1);
    expect(await panel.locator('tr', { hasText: SECOND }).count()).toBe(1);
    await panel.getByRole('button', { name: 'Retry all' }).click();
    await page.locator('tr[data-doc]', { hasText: SECOND }).locator('.status.TAGGED').waitFor({ timeout: 60_000 });
    await until('the panel to go', async () => ((await panel.isHidden()) ? true : undefined));

    const docs = await stack.api<ApiPage<DocumentSummary>>('GET', `${P}/documents`);
    expect(docs.items.map((d) => [d.name, d.status]).sort()).toEqual([
      [FIRST, 'TAGGED'],
      [SECOND, 'TAGGED'],
    ]);
    expect((await stack.api<DeadLetters>('GET', `${P}/dead-letters`)).items).toEqual([]);
    expect(session.dialogs).toEqual([]);
    // The project has no codebook: the browser notes the 404 of GET …/codebook; nothing else.
    expect(session.errors.filter((e) => !/status of 404 .*\/codebook$/.test(e))).toEqual([]);
    stack.store.putClaim = original;
  }, 240_000);
});
