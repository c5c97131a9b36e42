// The review UI in real Chromium against the real local stack (DynamoDB Local + s3rver + the
// pipeline + the HTTP API): upload, wait for TAGGED, review with the keyboard, code a selected span,
// see counts and the report change, export a .qdpx, and an XSS transcript rendered inert.
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, selectText, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

const CODEBOOK = `id: e2e
title: E2E codebook
language: nl
categories:
  - id: voorwaarden
    name: Voorwaarden
    codes:
      - id: voorwaarden/vertrouwen
        name: Vertrouwen
        rules: ["vertrouw*"]
      - id: voorwaarden/informatie
        name: Informatie-uitwisseling
        rules: ["informatie*"]
  - id: effecten
    name: Effecten
    codes:
      - id: effecten/besluiten
        name: Betere besluiten
        rules: ["besluit*"]
      - id: effecten/snelheid
        name: Snelheid
        rules: ["snelheid"]
`;

const TRANSCRIPT = `Interview respondent 9 — e2e

Interviewer: Hoe gaat de samenwerking tussen gemeente en politie?

Respondent 9: Het vertrouwen is groot. We delen informatie over ondermijning.

Interviewer: En de besluitvorming?

Respondent 9: De besluiten worden beter, maar het gaat soms traag.
`;

const XSS = `Interviewer: Wat vond u van het vertrouwen?

Respondent 10: <img src=x onerror=alert(1)> en <script>alert(2)</script> vertrouwen
`;

const QUEUE_TRANSCRIPT = `Interviewer: Hoe is het vertrouwen in de wijk?

Respondent 11: Het vertrouwen in de wijkagent is gegroeid.

Interviewer: En bij de gemeente?

Respondent 11: Daar is het vertrouwen minder, zeker na het besluit over de sluiting.

Interviewer: Wat zou helpen?

Respondent 11: Meer vertrouwen door vaker langs te komen.
`;

let stack: UiStack;
let session: BrowserSession;
let page: Page;

interface FreqRow {
  code: string;
  codings: number;
}
async function frequencyInUi(): Promise<Map<string, number>> {
  await page.goto(`${stack.webUrl}#/report`);
  await page.locator('[data-testid=frequency] tbody tr').first().waitFor();
  const rows = await page
    .locator('[data-testid=frequency] tbody tr')
    .evaluateAll((trs) => trs.map((tr) => ({ code: (tr as HTMLElement).dataset.code ?? '', codings: Number(tr.children[1]?.textContent ?? 'NaN') })));
  return new Map(rows.map((r: FreqRow) => [r.code, r.codings]));
}

/** Drops files on a drop zone the way a browser does (DataTransfer with File objects). */
async function dropFiles(selector: string, files: { name: string; content: string; type: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([f.content], f.name, { type: f.type }));
    return dt;
  }, files);
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

async function waitForStatus(name: string, status: 'TAGGED' | 'FAILED'): Promise<void> {
  await page.locator(`table[aria-label=Documents] tr[data-doc="${name}"] .status`, { hasText: status }).waitFor({ timeout: 90_000 });
}

async function openReview(name: string): Promise<void> {
  await page.goto(`${stack.webUrl}#/upload`);
  await page.locator(`table[aria-label=Documents] tr[data-doc="${name}"] a`).first().click();
  await page.locator('.segment.current').waitFor();
}

describe('review UI in Chromium', () => {
  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
  });
  afterAll(() => stopUi(stack, session));

  it('takes the token from the address, uploads a codebook and a dropped transcript, and follows it to TAGGED', async () => {
    await page.goto(`${stack.webUrl}#token=${encodeURIComponent(stack.token)}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    expect(page.url()).not.toContain('token=');

    await page.setInputFiles('#codebook-drop', { name: 'e2e.yaml', mimeType: 'application/yaml', buffer: Buffer.from(CODEBOOK) });
    await page.locator('text=/4 codes/').first().waitFor();

    await dropFiles('[data-testid=doc-drop]', [{ name: 'respondent-9.txt', content: TRANSCRIPT, type: 'text/plain' }]);
    await page.locator('table[aria-label=Uploads] tr[data-file="respondent-9.txt"] progress[value="1"]').waitFor();
    await waitForStatus('respondent-9.txt', 'TAGGED');
    await screenshot(page, 'ui-1-upload');
  });

  it('accepts and rejects proposals with the keyboard, undoes, and the report follows', async () => {
    const before = await frequencyInUi();
    await openReview('respondent-9.txt');
    await screenshot(page, 'ui-2-review-before');

    const current = page.locator('.segment.current');
    const firstCode = await page.locator('.proposal.active').getAttribute('data-code');
    expect(firstCode).toBeTruthy();
    await page.keyboard.press('a');
    await page.locator(`.proposal[data-code="${firstCode}"][data-status=accepted]`).waitFor();

    // The next undecided proposal (same or next segment) is rejected with r, undone with u, rejected again.
    const secondCode = await page.locator('.proposal.active').getAttribute('data-code');
    expect(secondCode).toBeTruthy();
    await page.keyboard.press('r');
    await page.locator(`.chip[data-code="${secondCode}"][data-status=rejected]`).first().waitFor();
    await page.keyboard.press('u');
    await page.locator(`.chip[data-code="${secondCode}"][data-status=proposed]`).first().waitFor();
    await page.keyboard.press('r');
    await page.locator(`.chip[data-code="${secondCode}"][data-status=rejected]`).first().waitFor();

    // j/k move between segments.
    const at = await current.getAttribute('data-segment');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    expect(await page.locator('.segment.current').getAttribute('data-segment')).toBe(at);
    await screenshot(page, 'ui-3-review-decided');

    const after = await frequencyInUi();
    expect(after.get(firstCode!)).toBe((before.get(firstCode!) ?? 0) + 1);
    expect(after.get(secondCode!) ?? 0).toBe(before.get(secondCode!) ?? 0);
    await screenshot(page, 'ui-4-report');
  });

  it('shows every registered report without a view of its own as its tables (review progress counts the decision)', async () => {
    await page.goto(`${stack.webUrl}#/report`);
    const progress = page.locator('h2[data-report="review-progress"]');
    await progress.waitFor();
    await page.locator('h2[data-report="co-occurrence"]').waitFor();
    const api = await stack.api<{ codes: Array<{ code: string; accepted: number }> }>('GET', `/projects/${stack.projectId}/reports/review-progress`);
    const accepted = api.codes.reduce((n, c) => n + c.accepted, 0);
    expect(accepted).toBeGreaterThan(0);
    const table = page.locator('table[aria-label^="Review progress"]');
    const header = await table.locator('thead th').allTextContents();
    const col = header.indexOf('accepted');
    const cells = await table.locator(`tbody tr td:nth-child(${col + 1})`).allTextContents();
    expect(cells.reduce((n, t) => n + Number(t), 0)).toBe(accepted);
  });

  it('codes a selected span through the code picker and shows it in Browse with its count', async () => {
    await openReview('respondent-9.txt');
    // Select "het gaat soms traag" in the last respondent turn.
    const target = page.locator('.segment', { hasText: 'soms traag' });
    await target.click();
    const phrase = 'het gaat soms traag';
    await selectText(target.locator('.body'), phrase);
    await page.locator('[data-testid=add-code]', { hasText: 'Code selection' }).waitFor();
    await page.keyboard.press('c');
    await page.locator('dialog.picker').waitFor();
    await page.keyboard.type('snelh');
    await screenshot(page, 'ui-5-picker');
    await page.keyboard.press('Enter');
    await page.locator('.chip[data-code="effecten/snelheid"][data-status=accepted]').waitFor();
    await screenshot(page, 'ui-6-span-coded');

    const coded = await stack.api<{ items: { text: string; coding: { span: { start: number; end: number } | null } }[] }>(
      'GET',
      `/projects/${stack.projectId}/codings?code=${encodeURIComponent('effecten/snelheid')}&status=accepted`,
    );
    expect(coded.items.map((i) => i.text)).toContain(phrase);
    expect(coded.items.find((i) => i.text === phrase)?.coding.span).not.toBeNull();

    await page.goto(`${stack.webUrl}#/browse?status=accepted&code=effecten%2Fsnelheid`);
    await page.locator('[data-testid="count-effecten/snelheid"]', { hasText: '1' }).waitFor();
    await page.locator('.quote mark', { hasText: phrase }).waitFor();
    await screenshot(page, 'ui-7-browse');
  });

  it('shows a stale decision (409) with the current state and keeps the reviewer’s intent', async () => {
    await openReview('respondent-9.txt');
    const documentId = decodeURIComponent(page.url().split('/review/')[1]!.split('?')[0]!);
    const activeCode = await page.locator('.proposal.active').getAttribute('data-code');
    const doc = await stack.api<{ segments: { id: string; codings: { id: string; code: string; status: string; version: number }[] }[] }>(
      'GET',
      `/projects/${stack.projectId}/documents/${encodeURIComponent(documentId)}`,
    );
    const segmentId = await page.locator('.segment.current').getAttribute('data-segment');
    const coding = doc.segments.find((s) => s.id === segmentId)?.codings.find((c) => c.code === activeCode && c.status === 'proposed');
    expect(coding).toBeDefined();
    // Someone else rejects it behind the page's back; the page still holds the old version.
    await stack.api('POST', `/projects/${stack.projectId}/decisions`, { action: 'reject', documentId, codingId: coding!.id, version: coding!.version });
    await page.keyboard.press('a');
    const banner = page.locator('[data-testid=conflict]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('now rejected');
    await page.locator(`.proposal[data-code="${activeCode}"][data-status=rejected]`).waitFor();
    await screenshot(page, 'ui-8-conflict');
    // The reviewer's intent is still on offer and applies against the current version.
    await banner.locator('button', { hasText: 'Accept anyway' }).click();
    await page.locator(`.proposal[data-code="${activeCode}"][data-status=accepted]`).waitFor();
    const after = await stack.api<{ segments: { codings: { id: string; status: string }[] }[] }>(
      'GET',
      `/projects/${stack.projectId}/documents/${encodeURIComponent(documentId)}`,
    );
    expect(after.segments.flatMap((s) => s.codings).find((c) => c.id === coding!.id)?.status).toBe('accepted');
  });

  it('queue: filters by code, accepts with the keyboard so the item leaves, u brings it back; accepted codings list without a filter', async () => {
    // Three turns that each propose "Vertrouwen", uploaded the way the CLI does (presigned PUT).
    await stack.upload('queue.txt', QUEUE_TRANSCRIPT);
    await page.goto(`${stack.webUrl}#/upload`);
    await waitForStatus('queue.txt', 'TAGGED');

    await page.goto(`${stack.webUrl}#/queue`);
    await page.locator('select[aria-label=Code]').selectOption('voorwaarden/vertrouwen');
    await page.waitForURL(/code=voorwaarden%2Fvertrouwen/);
    const items = page.locator('[aria-label=Queue] > article');
    await page.locator('[aria-label=Queue] article[data-document-name="queue.txt"]').first().waitFor();
    const codes = await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.code));
    expect(new Set(codes)).toEqual(new Set(['voorwaarden/vertrouwen']));
    const n = codes.length;
    expect(n).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'ui-9a-queue');

    const first = await page.locator('[aria-label=Queue] article.current').getAttribute('data-coding');
    const second = await items.nth(1).getAttribute('data-coding');
    await page.keyboard.press('a');
    await page.locator(`[aria-label=Queue] article[data-coding="${first}"]`).waitFor({ state: 'detached' });
    expect(await items.count()).toBe(n - 1);
    expect(await page.locator('[aria-label=Queue] article.current').getAttribute('data-coding')).toBe(second);
    const accepted = await stack.api<{ items: { coding: { id: string } }[] }>(
      'GET',
      `/projects/${stack.projectId}/codings?code=voorwaarden%2Fvertrouwen&status=accepted&limit=500`,
    );
    expect(accepted.items.map((i) => i.coding.id)).toContain(first);
    await screenshot(page, 'ui-9b-queue-accepted');

    // u: the decision is undone and the item is back, proposed, in its place.
    await page.keyboard.press('u');
    await page.locator(`[aria-label=Queue] article.current[data-coding="${first}"][data-status=proposed]`).waitFor();
    expect(await items.count()).toBe(n);
    await page.keyboard.press('a');
    await page.locator(`[aria-label=Queue] article[data-coding="${first}"]`).waitFor({ state: 'detached' });

    // Accepted codings without a filter: listed category by category, with the total from the counts.
    await page.goto(`${stack.webUrl}#/queue?status=accepted`);
    await page.locator(`[aria-label=Queue] article[data-coding="${first}"][data-status=accepted]`).waitFor();
    const freq = await stack.api<{ total: number }>('GET', `/projects/${stack.projectId}/reports/frequency?status=accepted`);
    expect(await page.locator('[data-testid=queue-count]').textContent()).toBe(`${freq.total} item(s) of ${freq.total}`);
    expect(await items.count()).toBe(freq.total);
    await screenshot(page, 'ui-9c-queue-accepted-all');

    // Browse "All codes" walks the categories the same way, one heading per category with codings.
    await page.goto(`${stack.webUrl}#/browse`);
    await page.locator('[data-testid=result-count]', { hasText: `${freq.total} coded segment(s)` }).waitFor();
    await page.locator('h3.group', { hasText: 'Voorwaarden' }).waitFor();
    expect(await page.locator('#main .segments[data-category] > article').count()).toBe(freq.total);
    await screenshot(page, 'ui-9d-browse-all');
  });

  it('exports a REFI-QDA project (.qdpx) as a download', async () => {
    await page.goto(`${stack.webUrl}#/report`);
    await page.locator('[data-testid=frequency]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-format=qdpx]').click()]);
    const file = await download.path();
    const zip = unzipSync(new Uint8Array(readFileSync(file)));
    expect(Object.keys(zip)).toContain('project.qde');
    const qde = new TextDecoder().decode(zip['project.qde']);
    expect(qde).toContain('respondent-9.txt');
    expect(qde).toContain('PlainTextSelection');
    await screenshot(page, 'ui-9-export');
  });

  it('renders an XSS transcript as inert text', async () => {
    await page.goto(`${stack.webUrl}#/upload`);
    await page.setInputFiles('#doc-drop', { name: 'xss.txt', mimeType: 'text/plain', buffer: Buffer.from(XSS) });
    await waitForStatus('xss.txt', 'TAGGED');
    await openReview('xss.txt');
    const body = page.locator('.segment', { hasText: 'onerror' }).locator('.body');
    expect(await body.textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await body.textContent()).toContain('<script>alert(2)</script>');
    expect(await page.locator('.segments img, .segments script').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(session.dialogs).toEqual([]);
    await screenshot(page, 'ui-10-xss');
  });
});
