// The Rules view in real Chromium against the real local stack (DynamoDB Local + s3rver + the pipeline +
// the HTTP API): decisions made on a tagged transcript teach a term, the researcher sees it with its
// figures and example passages, adds it to the codebook, sees the new version, and the re-tag that
// follows proposes the code where only the new term matches while every decision stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CodebookView, DocumentDetail } from '../../lib/api/contract.js';
import { screenshot, until, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

const CODEBOOK = `id: e2e-rules
title: E2E rules codebook
language: nl
categories:
  - id: voorwaarden
    name: Voorwaarden
    codes:
      - id: voorwaarden/vertrouwen
        name: Vertrouwen
        rules: ["vertrouw*"]
  - id: effecten
    name: Effecten
    codes:
      - id: effecten/besluiten
        name: Betere besluiten
        rules: ["besluit*"]
`;

// Three accepted Vertrouwen turns name the wijkagent (one added by hand: no rule matches it); five
// accepted Besluiten turns are the other reviewed passages; the last turn is left undecided.
const answers = [
  'Het vertrouwen in de wijkagent is groot.',
  'De wijkagent geeft vertrouwen omdat hij er altijd is.',
  'De wijkagent kent iedereen bij naam.',
  'De besluiten van de gemeente komen te laat.',
  'Over ieder besluit wordt lang gepraat.',
  'Het besluit over de sluiting was goed.',
  'Besluiten worden beter uitgelegd.',
  'Na het besluit kwam er rust.',
  'Ook de wijkagent van de buurman helpt.',
];
const TRANSCRIPT = answers.map((a, i) => `Interviewer: Vraag ${i + 1}, hoe ziet u dat?\n\nRespondent 7: ${a}\n`).join('\n');

let stack: UiStack;
let session: BrowserSession;
let page: Page;

const P = () => `/projects/${stack.projectId}`;
const turn = (d: DocumentDetail, answer: string) => d.segments.find((s) => s.text.includes(answer))!;

describe('Rules view in Chromium', () => {
  let documentId: string;

  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
    // Codebook and transcript through the API, then the decisions a reviewer would make.
    await stack.api('POST', `${P()}/codebook`, { fileName: 'e2e-rules.yaml', content: CODEBOOK });
    await stack.upload('respondent-7.txt', TRANSCRIPT);
    documentId = await stack.tagged('respondent-7.txt');
    const doc = await stack.api<DocumentDetail>('GET', `${P()}/documents/${documentId}`);
    for (const s of doc.segments) {
      for (const c of s.codings)
        if (c.status === 'proposed') await stack.api('POST', `${P()}/decisions`, { action: 'accept', documentId, codingId: c.id, version: c.version });
    }
    await stack.api('POST', `${P()}/decisions`, { action: 'add', documentId, segmentId: turn(doc, answers[2]!).id, code: 'voorwaarden/vertrouwen' });
  });

  afterAll(() => stopUi(stack, session));

  it('shows a learnt term with its figures and passages, adds it to the codebook, and shows the new version', async () => {
    const before = await stack.api<DocumentDetail>('GET', `${P()}/documents/${documentId}`);
    const decided = (d: DocumentDetail) =>
      d.segments.flatMap((s) => s.codings.filter((c) => c.status !== 'proposed').map((c) => `${s.index} ${c.code} ${c.status} ${c.origin}`)).sort();
    expect(decided(before)).toHaveLength(8);
    const oldVersion = (await stack.api<CodebookView>('GET', `${P()}/codebook`)).version;

    await page.goto(`${stack.webUrl}#token=${encodeURIComponent(stack.token)}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    await page.locator('#nav a', { hasText: 'Rules' }).click();
    await page.locator('h1', { hasText: 'Rules learnt from your decisions' }).waitFor();

    const row = page.locator('section[data-code="voorwaarden/vertrouwen"] tr[data-rule="wijkagent"]');
    await row.waitFor();
    // support 3, precision 100%, 1 accepted passage the tagger does not propose Vertrouwen for yet.
    expect(await row.locator('td.num').allTextContents()).toEqual(['3', '100%', '1']);
    // The passages, with the term marked (as text, not markup).
    expect(await row.locator('.examples li').count()).toBe(3);
    expect(await row.locator('.examples mark').first().textContent()).toBe('wijkagent');
    expect(await row.locator('.examples .quote').first().textContent()).toBe(answers[2]);
    await screenshot(page, 'ui-rules-1-suggestions');

    await row.locator('input[type=checkbox]').check();
    await page.locator('[data-testid=selected-count]', { hasText: '1 term selected' }).waitFor();
    await page.locator('[data-testid=apply-terms]').click();
    const banner = page.locator('[data-testid=apply-result] .banner.info');
    await banner.waitFor();
    const cb = await stack.api<CodebookView>('GET', `${P()}/codebook`);
    expect(cb.version).not.toBe(oldVersion);
    expect(cb.categories[0]!.codes[0]!.rules).toEqual(['vertrouw*', 'wijkagent']);
    const text = await banner.textContent();
    expect(text).toContain(`New codebook version ${cb.version}`);
    expect(text).toContain(`was ${oldVersion}`);
    expect(text).toMatch(/Re-tagging 1 document runs now/);
    // The term is in force now: the list no longer offers it.
    await page.locator('section[data-code="voorwaarden/vertrouwen"] tr[data-rule="wijkagent"]').waitFor({ state: 'detached' });
    await expect(page.locator('[data-testid=rules-empty]').textContent()).resolves.toMatch(/No new rule terms: the codes' rules already match/);
    await screenshot(page, 'ui-rules-2-applied');
    // Asking for more support than any code's decisions give: the empty state says what to do.
    await page.goto(`${stack.webUrl}#/rules?minSupport=9`);
    await page.locator('[data-testid=rules-empty]', { hasText: 'accept or add codes on at least 9 passages per code first' }).waitFor();
    await screenshot(page, 'ui-rules-3-too-few');

    // The re-tag proposes Vertrouwen on the undecided wijkagent turn and keeps every decision.
    const after = await until('the re-tag with the new version', async () => {
      const d = await stack.api<DocumentDetail>('GET', `${P()}/documents/${documentId}`);
      return d.document.codebookVersion === cb.version && d.document.status === 'TAGGED' ? d : undefined;
    });
    expect(turn(before, answers[8]!).codings.map((c) => c.code)).not.toContain('voorwaarden/vertrouwen');
    // The researcher's own rule now counts first; the decisions also trained the learned ranker, whose
    // other proposals on the turn (if any) come below it.
    const retagged = [...turn(after, answers[8]!).codings].sort((a, b) => b.score - a.score);
    expect(retagged[0]).toMatchObject({ code: 'voorwaarden/vertrouwen', status: 'proposed' });
    expect(retagged[0]!.evidence).toContainEqual(expect.objectContaining({ rule: 'wijkagent' }));
    expect(retagged.slice(1).every((c) => c.status === 'proposed' && c.score <= retagged[0]!.score)).toBe(true);
    expect(decided(after)).toEqual(decided(before));
    expect(session.errors).toEqual([]);
  });
});
