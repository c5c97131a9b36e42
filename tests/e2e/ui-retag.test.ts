// Re-tag after a codebook change, in Chromium against the real local stack: a finished document (every
// proposal decided) gets only a confident new proposal (the best of its passage, score ≥ 2), not a weak one;
// a document still in review gets every new proposal; the Upload page says how many were added where and
// how many were left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DocumentDetail, DocumentSummary, Page as ApiPage } from '../../lib/api/contract.js';
import { screenshotBoth, until, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

const V1 = `id: buurt
title: Buurt v1
language: nl
categories:
  - id: buurt
    name: Buurt
    codes:
      - id: buurt/vertrouwen
        name: Vertrouwen
        rules: ["vertrouw*"]
      - id: buurt/overlast
        name: Overlast
        rules: ["overlast"]
`;
// v2 adds a strong code (wijkagent, weight 2.5: the best proposal of its passage) and a weak one (gemeente, weight 1).
const V2 = `${V1.replace('Buurt v1', 'Buurt v2')}      - id: buurt/wijkagent
        name: Wijkagent
        rules: ["wijkagent^2.5"]
      - id: buurt/gemeente
        name: Gemeente
        rules: ["gemeente"]
`;
const FINISHED = 'Ik vertrouw de buren en de wijkagent.\n\nEr is overlast en veel overlast bij de gemeente.\n';
const OPEN = 'De gemeente doet niets.\n\nEr is overlast.\n';

let stack: UiStack;
let session: BrowserSession;
let page: Page;
const P = () => `/projects/${stack.projectId}`;

describe('Re-tag after a codebook change in Chromium', () => {
  let finished: string;
  let open: string;

  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
    await stack.api('POST', `${P()}/codebook`, { fileName: 'buurt.yaml', content: V1 });
    await stack.upload('afgerond.txt', FINISHED);
    await stack.upload('open.txt', OPEN);
    finished = await stack.tagged('afgerond.txt');
    open = await stack.tagged('open.txt');
    // Every proposal of the first document decided; the second keeps its proposals open.
    const d = await stack.api<DocumentDetail>('GET', `${P()}/documents/${finished}`);
    const proposals = d.segments.flatMap((s) => s.codings);
    expect(proposals.length).toBeGreaterThanOrEqual(2);
    for (const c of proposals) await stack.api('POST', `${P()}/decisions`, { action: 'accept', documentId: finished, codingId: c.id, version: c.version });
  });
  afterAll(() => stopUi(stack, session));

  it('the finished document gets the confident new proposal only; the open one every new proposal; the page says where', async () => {
    await page.goto(`${stack.webUrl}#token=${stack.token}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    await page.setInputFiles('[data-testid=codebook-drop] input[type=file]', { name: 'buurt.yaml', mimeType: 'text/yaml', buffer: Buffer.from(V2) });
    const summary = page.locator('[data-testid=retag-summary][data-done=true]');
    await summary.waitFor({ timeout: 60_000 });
    const text = (await summary.textContent()) ?? '';
    await screenshotBoth(page, 'retag-1-summary');

    // What each document's last tagging did, as the API says; the banner says the same.
    const docs = await until('both re-tagged', async () => {
      const page = await stack.api<ApiPage<DocumentSummary>>('GET', `${P()}/documents`);
      return page.items.every((d) => d.lastTagging?.retag) ? page.items : undefined;
    });
    const byName = new Map(docs.map((d) => [d.name, d.lastTagging!]));
    const fin = byName.get('afgerond.txt')!;
    const opn = byName.get('open.txt')!;
    expect(fin).toMatchObject({ retag: true, finished: true });
    expect(opn).toMatchObject({ retag: true, finished: false, withheld: 0 });
    const total = fin.added + opn.added;
    expect(text).toContain(`Re-tagged with the new codebook: ${total} new proposal${total === 1 ? '' : 's'}`);
    if (fin.added) {
      expect(text).toContain(`afgerond.txt: ${fin.added} (was finished)`);
      await page.locator('tr[data-doc="afgerond.txt"] [data-testid=new-proposals]', { hasText: `+${fin.added} new proposal` }).waitFor();
    }
    expect(text).toContain(`open.txt: ${opn.added}`);
    if (fin.withheld) expect(text).toContain(`at least 50 % confidence: afgerond.txt: ${fin.withheld} left out`);

    const codings = async (id: string) => (await stack.api<DocumentDetail>('GET', `${P()}/documents/${id}`)).segments.flatMap((s) => s.codings);
    const finCodings = await codings(finished);
    // Decisions kept; the strong new code (the best proposal of its passage) reopened the finished document;
    // every new proposal there is at or above the re-open confidence (the ranker's, when it gives one).
    expect(
      finCodings
        .filter((c) => c.status === 'accepted')
        .map((c) => c.code)
        .sort(),
    ).toEqual(['buurt/overlast', 'buurt/vertrouwen']);
    const reopened = finCodings.filter((c) => c.status === 'proposed');
    expect(reopened.map((c) => c.code)).toContain('buurt/wijkagent');
    expect(reopened.length).toBe(fin.added);
    for (const c of reopened) if (c.confidence !== undefined) expect(c.confidence).toBeGreaterThanOrEqual(0.5);
    expect((await codings(open)).filter((c) => c.status === 'proposed').map((c) => c.code)).toContain('buurt/gemeente');
    expect(session.errors).toEqual([]);
  });
});
