// A corrected transcript re-uploaded, in real Chromium against the real local stack: the review view
// shows the "moved" badge on a decision that followed its passage and lists the one whose passage is
// gone; the researcher places that detached coding on a span of the new text, undoes it, places it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DocumentDetail } from '../../lib/api/contract.js';
import { screenshot, selectText, until, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

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

describe('re-upload in the review UI (Chromium)', () => {
  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
  });
  afterAll(() => stopUi(stack, session));

  it('shows the moved badge and the detached list, and places a detached coding on a span of the new text', async () => {
    const P = `/projects/${stack.projectId}`;
    await stack.api('POST', `${P}/codebook`, { fileName: 'e2e.yaml', content: CODEBOOK });
    await stack.upload(NAME, V1);
    const docId = await stack.tagged(NAME);
    const v1 = await stack.api<DocumentDetail>('GET', `${P}/documents/${encodeURIComponent(docId)}`);
    const proposal = (code: string) => v1.segments.flatMap((s) => s.codings).find((c) => c.code === code && c.status === 'proposed')!;
    const vertrouwen = proposal('voorwaarden/vertrouwen');
    const informatie = proposal('voorwaarden/informatie');
    expect(informatie.segmentIndex).toBe(3);
    for (const c of [vertrouwen, informatie])
      await stack.api('POST', `${P}/decisions`, { action: 'accept', documentId: docId, codingId: c.id, version: c.version });

    // The corrected file: vertrouwen moves 1 -> 3, the informatie passage is gone.
    await stack.upload(NAME, V2);
    await until('the re-upload re-anchored', async () => {
      const d = await stack.api<DocumentDetail>('GET', `${P}/documents/${encodeURIComponent(docId)}`);
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

    const coded = await stack.api<{ items: { text: string; coding: { origin: string; decidedBy: string | null } }[] }>(
      'GET',
      `${P}/codings?code=${encodeURIComponent('voorwaarden/informatie')}&status=accepted`,
    );
    expect(coded.items.map((i) => i.text)).toEqual([phrase]);
    expect(coded.items[0]!.coding).toMatchObject({ origin: 'human', decidedBy: 'local' });

    // u undoes the placement: the coding is detached again; placing it once more puts it back.
    await page.keyboard.press('u');
    await page.locator('[data-testid=detached] .proposal[data-code="voorwaarden/informatie"]').waitFor();
    expect((await stack.api<{ items: unknown[] }>('GET', `${P}/codings?code=${encodeURIComponent('voorwaarden/informatie')}&status=accepted`)).items).toEqual([
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
