// "Import a .qdpx" on the upload page, in real Chromium against the real local stack: the file is read,
// its source goes through the pipeline, its codings arrive as accepted codings, and the report lists the
// selection that did not slice cleanly (as text: names from the file never become markup).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DocumentDetail, DocumentSummary, Page as ApiPage } from '../../lib/api/contract.js';
import { zipFixture } from '../helpers/qdpx-fixture.js';
import { screenshot, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

let stack: UiStack;
let session: BrowserSession;
let page: Page;

describe('import a REFI-QDA project from the upload page (Chromium)', () => {
  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
  });
  afterAll(() => stopUi(stack, session));

  it('imports the file and shows what came in and what was skipped', async () => {
    await page.goto(`${stack.webUrl}#token=${encodeURIComponent(stack.token)}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    await page.locator('#qdpx-input').setInputFiles({
      name: 'Buurt <img src=x onerror=alert(1)>.qdpx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(zipFixture('selection-not-slicing')),
    });
    const summary = page.locator('[data-testid=import-summary]');
    const report = page.locator('[data-testid=import-report]');
    await page.locator('[data-testid=import-summary], [data-testid=import-report] .banner').first().waitFor({ timeout: 120_000 });
    if (!(await summary.count())) throw new Error(`the import failed: ${await report.textContent()}`);
    expect(await summary.textContent()).toContain('1 sources, 2 codes, 2 of 2 codings imported as accepted codings');
    const skipped = page.locator('[data-testid=import-skipped]');
    expect(await skipped.textContent()).toMatch(/Skipped \(1\).*source "Interview 1".*does not match the selection's name "de burgemeester"/s);
    expect(await page.locator('.import-qdpx img').count()).toBe(0);
    expect(await summary.textContent()).toContain('Buurt <img src=x onerror=alert(1)>.qdpx:');
    await screenshot(page, 'import-qdpx-report');

    const P = `/projects/${stack.projectId}`;
    const docs = await stack.api<ApiPage<DocumentSummary>>('GET', `${P}/documents`);
    const doc = docs.items.find((d) => d.name === 'Interview 1.txt')!;
    const detail = await stack.api<DocumentDetail>('GET', `${P}/documents/${encodeURIComponent(doc.id)}`);
    const human = detail.segments.flatMap((s) => s.codings).filter((c) => c.origin === 'human');
    expect(human.map((c) => [c.status, c.decidedBy])).toEqual([
      ['accepted', 'Anna'],
      ['accepted', 'Anna'],
    ]);
    // The documents table shows the imported source.
    await page.locator('tr[data-doc="Interview 1.txt"]').waitFor();
  }, 240_000);

  it('shows the notes that came with the project above the document in the review view', async () => {
    await page.goto(`${stack.webUrl}#/upload`);
    await page
      .locator('#qdpx-input')
      .setInputFiles({ name: 'memos.qdpx', mimeType: 'application/octet-stream', buffer: Buffer.from(zipFixture('memos-without-author')) });
    await page.locator('[data-testid=import-summary]', { hasText: 'memos.qdpx' }).waitFor({ timeout: 120_000 });
    const P = `/projects/${stack.projectId}`;
    const docs = await stack.api<ApiPage<DocumentSummary>>('GET', `${P}/documents`);
    // The same text as the first import's source: the document is reused, its codings are already there.
    const doc = docs.items.find((d) => d.name === 'Interview 1.txt')!;
    await page.goto(`${stack.webUrl}#/review/${encodeURIComponent(doc.id)}`);
    const notes = page.locator('[data-testid=document-notes]');
    await notes.locator('summary', { hasText: 'Notes from the imported project (4)' }).waitFor();
    await notes.locator('summary').click();
    const text = await notes.textContent();
    expect(text).toContain('Deze codering is met Piet besproken.');
    expect(text).toMatch(/on vertrouwen\/politie, segment \d+: “ik vertrouw de wijkagent”/);
    expect(text).toContain('Opgenomen in het buurthuis.');
    await screenshot(page, 'import-qdpx-notes');
  }, 240_000);
});
