// The learned ranker's proposals in real Chromium against the real local stack: the review view shows
// each proposal's calibrated confidence, the words that carried it highlighted apart from rule matches
// (dotted underline, a legend, each word listed once), the nearest example as an escaped note; the
// queue offers the uncertain order and "Accept all above 90 %", which first shows the count and the
// estimated precision, accepts exactly those proposals, and undoes the batch.
// The confidences and learned evidence are written through the store as the ranker writes them, so the
// test does not depend on what the ranker makes of this tiny codebook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CodingView, DocumentDetail } from '../../lib/api/contract.js';
import type { Evidence } from '../../lib/model.js';
import type { CodingChange } from '../../lib/coding/index.js';
import { screenshot, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

const CODEBOOK = `id: e2e-learned
title: E2E learned codebook
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
      - id: voorwaarden/tempo
        name: Tempo
        rules: ["traag*"]
`;

const TEXT = `Interviewer: Hoe gaat de samenwerking met de politie?

Respondent 7: Het vertrouwen is groot, we kennen elkaar goed. Vertrouwen komt te voet en gaat te paard.

Interviewer: En hoe deelt u gegevens?

Respondent 7: We delen informatie over ondermijning in het wekelijkse overleg.

Interviewer: Wat kan beter?

Respondent 7: Soms gaat het te traag.
`;

const NAME = 'respondent-7.txt';
const EXAMPLE = 'Ik <b>vertrouw</b> de wijkagent & "de buurt"';
const CONFIDENCE: Record<string, number> = { 'voorwaarden/vertrouwen': 0.96, 'voorwaarden/informatie': 0.91, 'voorwaarden/tempo': 0.55 };

let stack: UiStack;
let session: BrowserSession;
let page: Page;

/** Every occurrence of `word` (case-insensitive) as learned evidence. */
function learned(text: string, word: string, stem: string): Evidence[] {
  const out: Evidence[] = [];
  for (let i = text.toLowerCase().indexOf(word); i >= 0; i = text.toLowerCase().indexOf(word, i + 1))
    out.push({ start: i, end: i + word.length, rule: `learned: ${stem}`, source: 'learned' });
  return out;
}

describe('learned proposals and bulk accept in the review UI (Chromium)', () => {
  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
  });
  afterAll(() => stopUi(stack, session));

  it('shows confidence and learned evidence, and bulk-accepts above 90 % with one undo', async () => {
    const P = `/projects/${stack.projectId}`;
    await stack.api('POST', `${P}/codebook`, { fileName: 'e2e.yaml', content: CODEBOOK });
    await stack.upload(NAME, TEXT);
    const docId = await stack.tagged(NAME);

    // The ranker's view of the three proposals.
    const stored = (await stack.store.listDocumentCodings(docId)).filter((c) => c.status === 'proposed');
    expect(stored.map((c) => c.code).sort()).toEqual(Object.keys(CONFIDENCE).sort());
    const changes: CodingChange[] = stored.map((c) => {
      const confidence = CONFIDENCE[c.code]!;
      const extra: Evidence[] =
        c.code === 'voorwaarden/vertrouwen'
          ? [
              ...learned(c.segmentText, 'vertrouwen', 'vertrouw'),
              ...learned(c.segmentText, 'kennen', 'kenn'),
              { start: 0, end: 0, rule: `example: ${EXAMPLE}`, source: 'example' },
            ]
          : [];
      return {
        kind: 'put',
        coding: {
          ...c,
          confidence,
          score: confidence,
          evidence: [...c.evidence.filter((e) => e.source !== 'learned' && e.source !== 'example'), ...extra],
          version: c.version + 1,
        },
        expectedVersion: c.version,
      };
    });
    expect((await stack.store.applyCodingChanges(changes)).conflicts).toEqual([]);

    await page.goto(`${stack.webUrl}#token=${encodeURIComponent(stack.token)}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    await page.goto(`${stack.webUrl}#/review/${encodeURIComponent(docId)}`);
    const seg = page.locator('.segment', { hasText: 'Het vertrouwen is groot' });
    await seg.click();

    // Learned words: highlighted apart from the rule's match, with a legend; each word listed once.
    const learnedMarks = seg.locator('mark.learned');
    expect(await learnedMarks.allTextContents()).toEqual(['kennen']);
    expect(await learnedMarks.first().evaluate((m) => getComputedStyle(m).borderBottomStyle)).toBe('dotted');
    // "vertrouwen" is both a rule match and a learned word: drawn as the rule's match (its first occurrence)
    expect(await seg.locator('mark:not(.learned)').allTextContents()).toEqual(['vertrouwen']);
    await expect.poll(() => page.locator('[data-testid=evidence-legend]').textContent()).toContain('words the model learned');
    const side = page.locator('aside .proposal[data-code="voorwaarden/vertrouwen"]');
    expect(await side.locator('.evidence').first().textContent()).toBe('Evidence: “vertrouwen” ×2');
    expect(await side.locator('[data-testid=learned-words]').textContent()).toBe('Words the model learned: vertrouwen, kennen');
    // The example is text, escaped: its markup shows as characters and makes no element.
    expect(await side.locator('[data-testid=example-note]').textContent()).toBe(`Like this example: “${EXAMPLE}”`);
    expect(await side.locator('[data-testid=example-note] b').count()).toBe(0);
    expect(await side.locator('[data-testid=confidence]').textContent()).toBe('confidence 96 %');
    expect(await seg.locator('.chip[data-code="voorwaarden/vertrouwen"] [data-testid=confidence]').textContent()).toBe('96 %');
    await screenshot(page, 'learned-1-review-evidence');

    // The queue: the confidence on each item, the uncertain order, bulk accept.
    await page.goto(`${stack.webUrl}#/queue?order=uncertain`);
    await page.locator('.segment[data-code]').first().waitFor();
    expect(await page.locator('select[aria-label=Order]').inputValue()).toBe('uncertain');
    // most uncertain (closest to 0.5) first
    expect(await page.locator('.segment[data-code]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual([
      'voorwaarden/tempo',
      'voorwaarden/informatie',
      'voorwaarden/vertrouwen',
    ]);
    expect(await page.locator('.segment[data-code="voorwaarden/informatie"] [data-testid=confidence]').textContent()).toBe('confidence 91 %');

    const above = stored.filter((c) => CONFIDENCE[c.code]! >= 0.9);
    const mean = Math.round((above.reduce((s, c) => s + CONFIDENCE[c.code]!, 0) / above.length) * 100);
    await page.locator('[data-testid=bulk-threshold]').fill('90');
    await page.locator('[data-testid=bulk-check]').click();
    const estimate = page.locator('[data-testid=bulk-estimate]');
    await estimate.waitFor();
    expect(await estimate.textContent()).toBe(`${above.length} proposals, estimated precision ${mean} %`);
    await screenshot(page, 'learned-2-bulk-estimate');
    // Nothing is decided by the check.
    const statuses = async () =>
      new Map(
        (await stack.api<DocumentDetail>('GET', `${P}/documents/${encodeURIComponent(docId)}`)).segments
          .flatMap((s) => s.codings)
          .map((c: CodingView) => [c.code, c.status]),
      );
    expect([...(await statuses()).values()]).toEqual(['proposed', 'proposed', 'proposed']);

    await page.locator('[data-testid=bulk-apply]').click();
    await page.locator('[data-testid=bulk-done]').waitFor();
    const afterApply = await statuses();
    for (const c of stored) expect(afterApply.get(c.code)).toBe(CONFIDENCE[c.code]! >= 0.9 ? 'accepted' : 'proposed');
    // The queue reloads: only the uncertain one is left.
    await expect
      .poll(() => page.locator('.segment[data-code]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code'))))
      .toEqual(['voorwaarden/tempo']);
    await screenshot(page, 'learned-3-bulk-applied');

    await page.locator('[data-testid=bulk-undo]').click();
    await page.locator('[data-testid=bulk-undone]').waitFor();
    expect(await page.locator('[data-testid=bulk-undone]').textContent()).toBe(`Undone: ${above.length} back to review.`);
    expect([...(await statuses()).values()]).toEqual(['proposed', 'proposed', 'proposed']);
    await expect.poll(() => page.locator('.segment[data-code]').count()).toBe(3);
    await screenshot(page, 'learned-4-bulk-undone');

    // The same in the review view, for its document: the chips follow the batch and its undo.
    await page.goto(`${stack.webUrl}#/review/${encodeURIComponent(docId)}`);
    await page.locator('.segment.current').waitFor();
    await page.locator('[data-testid=bulk-check]').click();
    expect(await page.locator('[data-testid=bulk-estimate]').textContent()).toBe(`${above.length} proposals, estimated precision ${mean} %`);
    await page.locator('[data-testid=bulk-apply]').click();
    await page.locator('[data-testid=bulk-done]').waitFor();
    await expect.poll(() => page.locator('.chip[data-status=accepted]').count()).toBe(above.length);
    await screenshot(page, 'learned-5-review-bulk-applied');
    await page.locator('[data-testid=bulk-undo]').click();
    await page.locator('[data-testid=bulk-undone]').waitFor();
    await expect.poll(() => page.locator('.chip[data-status=proposed]').count()).toBe(3);
    expect([...(await statuses()).values()]).toEqual(['proposed', 'proposed', 'proposed']);
    expect(session.errors).toEqual([]);
    expect(session.dialogs).toEqual([]);
  });
});
