// A corrected transcript re-uploaded, in real Chromium against the real local stack: the review view
// shows the "moved" badge on a decision that followed its passage and lists the one whose passage is
// gone; the researcher places that detached coding on a span of the new text, undoes it, places it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DocumentDetail, DocumentSummary } from '../../lib/api/contract.js';
import { ensureWebBuilt, openBrowser, requireChromium, screenshot, type BrowserSession } from './ui-harness.js';
import { startUiStack, type UiStack } from './ui-stack.js';

const CODEBOOK = `id: e2e-reupload
title: E2E re-upload codebook
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
`;

const V1 = `Interviewer: Hoe gaat de samenwerking met de politie?

Respondent 7: Het vertrouwen is groot, we kennen elkaar goed.

Interviewer: En hoe deelt u gegevens?

Respondent 7: We delen informatie over ondermijning in het wekelijkse overleg.

Interviewer: Wat kan beter?

Respondent 7: Soms gaat het te traag.
`;

// The corrected file: a question and answer inserted at the top, the turns about sharing data rewritten.
const V2 = `Interviewer: Wat is uw rol?

Respondent 7: Ik ben wijkcoördinator bij de gemeente.

Interviewer: Hoe gaat de samenwerking met de politie?

Respondent 7: Het vertrouwen is groot, we kennen elkaar goed.

Interviewer: Wat kan beter?

Respondent 7: Soms gaat het te traag, al lopen de gegevens nu via een gedeeld portaal.
`;

const NAME = 'respondent-7.txt';

let stack: UiStack;
let session: BrowserSession;
let page: Page;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Uploads the way the CLI does: a presigned PUT; the S3 event starts the pipeline. */
async function put(text: string): Promise<void> {
  const up = await api<{ url: string; headers: Record<string, string> }>('POST', `/projects/${stack.projectId}/uploads`, { fileName: NAME, contentType: 'text/plain' });
  const res = await fetch(up.url, { method: 'PUT', headers: up.headers, body: text });
  expect(res.ok).toBe(true);
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Selects `phrase` inside an element's text (the text may be split by <mark>s). */
async function selectText(selector: ReturnType<Page['locator']>, phrase: string): Promise<void> {
  await selector.evaluate((body, p) => {
    const start = (body.textContent ?? '').indexOf(p);
    if (start < 0) throw new Error(`"${p}" not in the segment`);
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

describe('re-upload in the review UI (Chromium)', () => {
  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    stack = await startUiStack();
    session = await openBrowser();
    page = session.page;
  });

  afterAll(async () => {
    await session?.close();
    await stack?.stop();
  });

  it('shows the moved badge and the detached list, and places a detached coding on a span of the new text', async () => {
    const P = `/projects/${stack.projectId}`;
    await api('POST', `${P}/codebook`, { fileName: 'e2e.yaml', content: CODEBOOK });
    await put(V1);
    const docId = await waitFor('the first version TAGGED', async () => {
      const d = (await api<{ items: DocumentSummary[] }>('GET', `${P}/documents`)).items.find((x) => x.name === NAME);
      return d?.status === 'TAGGED' ? d.id : undefined;
    });
    const v1 = await api<DocumentDetail>('GET', `${P}/documents/${encodeURIComponent(docId)}`);
    const proposal = (code: string) => v1.segments.flatMap((s) => s.codings).find((c) => c.code === code && c.status === 'proposed')!;
    const vertrouwen = proposal('voorwaarden/vertrouwen');
    const informatie = proposal('voorwaarden/informatie');
    expect(informatie.segmentIndex).toBe(3);
    for (const c of [vertrouwen, informatie]) await api('POST', `${P}/decisions`, { action: 'accept', documentId: docId, codingId: c.id, version: c.version });

    // The corrected file: vertrouwen moves 1 -> 3, the informatie passage is gone.
    await put(V2);
    await waitFor('the re-upload re-anchored', async () => {
      const d = await api<DocumentDetail>('GET', `${P}/documents/${encodeURIComponent(docId)}`);
      return d.document.status === 'TAGGED' && d.detached?.length ? d : undefined;
    });

    await page.goto(`${stack.webUrl}#token=${encodeURIComponent(stack.token)}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    await page.goto(`${stack.webUrl}#/review/${encodeURIComponent(docId)}`);
    await page.locator('.segment.current').waitFor();
    const moved = page.locator('.segment', { hasText: 'Het vertrouwen is groot' }).locator('.chip[data-code="voorwaarden/vertrouwen"] .badge.moved');
    await moved.waitFor();
    expect(await moved.getAttribute('title')).toContain('segment 2');
    const detached = page.locator('[data-testid=detached]');
    await detached.locator('.proposal[data-code="voorwaarden/informatie"]').waitFor();
    expect(await detached.textContent()).toContain('We delen informatie over ondermijning');
    await detached.scrollIntoViewIfNeeded();
    await screenshot(page, 'reupload-1-moved-and-detached');

    // Place it: choose the segment, select the words, "Place on selection".
    await detached.locator('[data-testid=place]').click();
    await page.locator('[data-testid=placing]').waitFor();
    const target = page.locator('.segment', { hasText: 'gedeeld portaal' });
    await target.click();
    await page.locator('[data-testid=place-here]').waitFor();
    const phrase = 'de gegevens nu via een gedeeld portaal';
    await selectText(target.locator('.body'), phrase);
    await page.locator('[data-testid=place-here]', { hasText: 'Place on selection' }).waitFor();
    await screenshot(page, 'reupload-2-placing');
    await page.locator('[data-testid=place-here]').click();
    await page.locator('.segment', { hasText: 'gedeeld portaal' }).locator('.chip[data-code="voorwaarden/informatie"][data-status=accepted]').waitFor();
    await page.locator('[data-testid=detached]').waitFor({ state: 'detached' });
    await screenshot(page, 'reupload-3-placed');

    const coded = await api<{ items: { text: string; coding: { origin: string; decidedBy: string | null } }[] }>('GET', `${P}/codings?code=${encodeURIComponent('voorwaarden/informatie')}&status=accepted`);
    expect(coded.items.map((i) => i.text)).toEqual([phrase]);
    expect(coded.items[0]!.coding).toMatchObject({ origin: 'human', decidedBy: 'local' });

    // u undoes the placement: the coding is detached again; placing it once more puts it back.
    await page.keyboard.press('u');
    await page.locator('[data-testid=detached] .proposal[data-code="voorwaarden/informatie"]').waitFor();
    expect((await api<{ items: unknown[] }>('GET', `${P}/codings?code=${encodeURIComponent('voorwaarden/informatie')}&status=accepted`)).items).toEqual([
      expect.objectContaining({ coding: expect.objectContaining({ anchor: expect.objectContaining({ state: 'detached' }) }) }),
    ]);
    await page.locator('[data-testid=detached] [data-testid=place]').click();
    await page.locator('.segment', { hasText: 'gedeeld portaal' }).click();
    await page.keyboard.press('Enter');
    await page.locator('.segment', { hasText: 'gedeeld portaal' }).locator('.chip[data-code="voorwaarden/informatie"][data-status=accepted]').waitFor();
    await page.locator('[data-testid=detached]').waitFor({ state: 'detached' });
    expect(session.errors).toEqual([]);
  });
});
