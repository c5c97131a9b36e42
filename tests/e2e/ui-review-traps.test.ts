// Review without traps, in Chromium against the real local stack: the document chooser's counts, the
// active item after adding a missed code, "reject all and add" as one short sequence with one undo, undo
// after a reload (from the server's audit trail), readable evidence on a long paragraph, a coding narrowed
// to a span without the old rule evidence, one-based segment numbers in the UI and CSV/XLSX, the next
// document offered after the last decision, respondent filters as people write them, and a long failure
// reason that wraps at 1280 px.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CodingView, DocumentDetail, DocumentSummary, Page as ApiPage, QueueItem } from '../../lib/api/contract.js';
import { READABLE_EVIDENCE_MAX } from '../../lib/review/evidence-view.js';
import { screenshotBoth, selectText, until, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

const CODEBOOK = `id: buurt
title: Buurtonderzoek
language: nl
categories:
  - id: buurt
    name: Buurt
    codes:
      - id: buurt/vertrouwen
        name: Vertrouwen
        rules: ["vertrouw*", "wijkagent"]
      - id: buurt/veiligheid
        name: Veiligheid
        rules: ["veilig*", "politie"]
      - id: buurt/overlast
        name: Overlast
        rules: ["overlast", "lawaai"]
      - id: buurt/contact
        name: Contact met de gemeente
        rules: ["gemeente", "overleg*", "wethouder", "ambtenaar", "loket", "inspraak"]
      - id: buurt/jongeren
        name: Jongeren
        rules: ["hangjongeren"]
`;
const LONG =
  'De gemeente zegt dat de gemeente luistert, maar de gemeente doet weinig. Het overleg met de gemeente is traag, ' +
  'de wethouder komt niet, de ambtenaar aan het loket weet van niets, en de inspraak van de gemeente is een formaliteit. ' +
  'Elk overleg begint met de gemeente en eindigt met de gemeente. Toch zoeken we het overleg, want zonder gemeente lukt het niet.';
const DOC_A = [
  'Interviewer: Hoe is het in de buurt?',
  'R6: Ik vertrouw de wijkagent, en de politie is er vaak.',
  'Interviewer: En de overlast?',
  'R6: Er is lawaai op het plein, maar eigenlijk gaat het om de jongeren daar.',
  'Interviewer: Wat vindt u van de gemeente?',
  `R6: ${LONG}`,
].join('\n\n');
const DOC_B = 'Interviewer: Voelt u zich veilig?\n\nRespondent 7: Ja, ik voel me veilig in de straat.\n';
const LONG_NAME = 'verslag_groepsgesprek_bewoners_wijkaanpak_zuidoost_ronde_twee_definitief_versie_3_2026.txt';

let stack: UiStack;
let session: BrowserSession;
let page: Page;
let docA: string;
let docB: string;
const P = () => `/projects/${stack.projectId}`;

const detailOf = (id: string) => stack.api<DocumentDetail>('GET', `${P()}/documents/${id}`);
const turnWith = (d: DocumentDetail, words: string) => d.segments.find((s) => s.text.includes(words))!;
const codingOn = async (words: string, code: string): Promise<CodingView | undefined> =>
  turnWith(await detailOf(docA), words).codings.find((c) => c.code === code);
const current = () => page.locator('.segment.current');

async function openSegment(documentId: string, words: string): Promise<void> {
  const s = turnWith(await detailOf(documentId), words);
  await page.goto(`${stack.webUrl}#/review/${encodeURIComponent(documentId)}?segment=${encodeURIComponent(s.id)}`);
  await page.locator(`.segment.current[data-segment="${s.id}"]`).waitFor();
}

async function pick(search: string): Promise<void> {
  await page.locator('dialog.picker').waitFor();
  await page.keyboard.type(search);
  await page.keyboard.press('Enter');
  await page.locator('dialog.picker').waitFor({ state: 'hidden' });
}

describe('Review without traps in Chromium', () => {
  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
    await stack.api('POST', `${P()}/codebook`, { fileName: 'buurt.yaml', content: CODEBOOK });
    await stack.upload('respondent-6.txt', DOC_A);
    await stack.upload('respondent-7.txt', DOC_B);
    await stack.upload(LONG_NAME, '');
    docA = await stack.tagged('respondent-6.txt');
    docB = await stack.tagged('respondent-7.txt');
    await page.goto(`${stack.webUrl}#token=${stack.token}`);
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
  });
  afterAll(() => stopUi(stack, session));

  it('the document chooser shows to review / accepted / rejected per document, from GET …/documents?counts=true', async () => {
    const docs = await stack.api<ApiPage<DocumentSummary>>('GET', `${P()}/documents?counts=true`);
    const a = docs.items.find((d) => d.id === docA)!;
    expect(a.counts).toEqual({ proposed: expect.any(Number), accepted: 0, rejected: 0 });
    expect(a.counts!.proposed).toBeGreaterThanOrEqual(4);
    await page.goto(`${stack.webUrl}#/review`);
    const row = page.locator('tr[data-doc="respondent-6.txt"] td');
    await row.first().waitFor();
    expect(await row.allTextContents()).toEqual(['respondent-6.txt', String(a.counts!.proposed), '0', '0']);
    await screenshotBoth(page, 'review-1-chooser');
  });

  it('after adding a missed code the active item is the next undecided proposal: r rejects it, not the added code', async () => {
    await openSegment(docA, 'Ik vertrouw de wijkagent');
    await page.keyboard.press('c');
    await pick('Jongeren');
    await current().locator('.chip.accepted[data-code="buurt/jongeren"]').waitFor();
    expect(await page.locator('.side .proposal.active').getAttribute('data-status')).toBe('proposed');
    await page.keyboard.press('r');
    await page.locator('.side .proposal[data-status=rejected]').waitFor();
    expect((await codingOn('Ik vertrouw', 'buurt/jongeren'))?.status).toBe('accepted');
    const statuses = [(await codingOn('Ik vertrouw', 'buurt/vertrouwen'))?.status, (await codingOn('Ik vertrouw', 'buurt/veiligheid'))?.status].sort();
    expect(statuses).toEqual(['proposed', 'rejected']);
  });

  it('x rejects every proposal of the segment and opens the picker; the code is added; one u undoes all of it', async () => {
    await openSegment(docA, 'Er is lawaai');
    const seg = page.locator(`.segment[data-segment="${turnWith(await detailOf(docA), 'Er is lawaai').id}"]`);
    await page.keyboard.press('x');
    await pick('Jongeren');
    await seg.locator('.chip.accepted[data-code="buurt/jongeren"]').waitFor();
    // The segment is done: the view went on to the next segment with undecided proposals.
    expect(await seg.getAttribute('aria-current')).toBeNull();
    expect((await codingOn('Er is lawaai', 'buurt/overlast'))?.status).toBe('rejected');
    expect((await codingOn('Er is lawaai', 'buurt/jongeren'))?.status).toBe('accepted');
    await screenshotBoth(page, 'review-2-reject-all-add');
    await page.keyboard.press('u');
    // The added code is gone again, or (when the tagger, having learnt from the first test, proposed it there
    // too) back to an undecided proposal.
    await until(
      'the undo of reject all + add',
      async () => {
        const j = await codingOn('Er is lawaai', 'buurt/jongeren');
        return j === undefined || j.status === 'proposed' ? true : undefined;
      },
      15_000,
    );
    expect((await codingOn('Er is lawaai', 'buurt/overlast'))?.status).toBe('proposed');
    await seg.locator('.chip.proposed[data-code="buurt/overlast"]').waitFor();
    expect(await seg.getAttribute('aria-current')).toBe('true');
  });

  it('undo works after a reload: the last decision comes from the audit trail', async () => {
    await openSegment(docA, 'Er is lawaai');
    await page.keyboard.press('a');
    await until('the accept', async () => ((await codingOn('Er is lawaai', 'buurt/overlast'))?.status === 'accepted' ? true : undefined), 15_000);
    await page.reload();
    await current().waitFor();
    // The undo list is rebuilt from the trail in the background; the button says when it is ready.
    await page.locator('.side button:has-text("Undo"):not([disabled])').waitFor();
    await page.keyboard.press('u');
    await until(
      'the undo after the reload',
      async () => ((await codingOn('Er is lawaai', 'buurt/overlast'))?.status === 'proposed' ? true : undefined),
      15_000,
    );
    // And the next u goes on with my earlier decisions in this document (the reject of the first test).
    await page.keyboard.press('u');
    await until(
      'the second undo',
      async () => {
        const d = turnWith(await detailOf(docA), 'Ik vertrouw');
        return d.codings.every((c) => c.status !== 'rejected') ? true : undefined;
      },
      15_000,
    );
  });

  it('a long paragraph shows each matched word once, a few per code; a coding narrowed to a span drops the rule evidence outside it', async () => {
    await openSegment(docA, 'De gemeente zegt');
    const marks = await current()
      .locator('.body mark')
      .evaluateAll((ms) => ms.map((m) => ({ keys: (m as HTMLElement).dataset.keys ?? '', text: (m.textContent ?? '').toLowerCase() })));
    const contactId = (await codingOn('De gemeente zegt', 'buurt/contact'))!.id;
    const contact = marks.filter((m) => m.keys.split(' ').includes(contactId)).map((m) => m.text);
    expect(contact.length).toBeGreaterThan(1);
    expect(contact.length).toBeLessThanOrEqual(READABLE_EVIDENCE_MAX);
    expect(new Set(contact).size).toBe(contact.length);
    const evidenceText = (await page.locator('.side .proposal[data-code="buurt/contact"] .evidence').first().textContent()) ?? '';
    expect(evidenceText).toMatch(/“gemeente” ×\d+/);
    expect(evidenceText).toMatch(/and \d+ more/);
    await screenshotBoth(page, 'review-3-long-paragraph');

    await selectText(current().locator('.body'), 'Toch zoeken we het overleg');
    await page.keyboard.press('c');
    await pick('Contact');
    await until('the narrowed coding', async () => ((await codingOn('De gemeente zegt', 'buurt/contact'))?.span ? true : undefined), 15_000);
    const side = page.locator('.side .proposal[data-code="buurt/contact"]');
    await side.locator('.evidence', { hasText: 'Span:' }).waitFor();
    const shown = (await side.locator('.evidence').allTextContents()).join(' | ');
    expect(shown).toContain('“overleg”');
    expect(shown).not.toContain('“gemeente”');
    expect(await current().locator(`.body mark[data-keys~="${contactId}"]`).allTextContents()).toEqual(expect.arrayContaining(['overleg']));
    await screenshotBoth(page, 'review-4-narrowed');
  });

  it('segment numbers are one-based in the UI, the CSV and the XLSX alike; the narrowed coding exports without the old evidence', async () => {
    const s = turnWith(await detailOf(docA), 'De gemeente zegt');
    await openSegment(docA, 'De gemeente zegt');
    expect(await current().locator('.meta').textContent()).toContain(`#${s.index + 1}`);
    const res = await fetch(`${stack.apiUrl}${P()}/exports/csv?status=all`, { headers: { authorization: `Bearer ${stack.token}` } });
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n');
    const header = lines[0]!.split(',');
    const row = lines.find((l) => l.includes(',buurt/contact,') && l.includes('human'))!.split(',');
    expect(row[header.indexOf('segment')]).toBe(String(s.index + 1));
    expect(row[header.indexOf('segment_id')]).toBe(s.id);
    const evidenceCol = lines.find((l) => l.includes(',buurt/contact,') && l.includes('human'))!;
    expect(evidenceCol).toContain('overleg [');
    expect(evidenceCol).not.toContain('gemeente [');

    const xlsx = await fetch(`${stack.apiUrl}${P()}/exports/xlsx?status=all`, { headers: { authorization: `Bearer ${stack.token}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const heads = (sheet.getRow(1).values as unknown[]).map(String);
    let found = false;
    sheet.eachRow((r, i) => {
      if (i === 1) return;
      const v = r.values as unknown[];
      if (v[heads.indexOf('segment_id')] === s.id) {
        expect(v[heads.indexOf('segment')]).toBe(s.index + 1);
        found = true;
      }
    });
    expect(found).toBe(true);
  });

  it('after the last decision of a document the view offers the next document with undecided proposals; n opens it', async () => {
    await openSegment(docA, 'Ik vertrouw de wijkagent');
    for (let i = 0; i < 20; i++) {
      const left = await page.locator('[data-testid=progress]').textContent();
      if (left?.includes(' 0 to review')) break;
      await page.keyboard.press('a');
      await page.waitForTimeout(400);
    }
    const done = page.locator('[data-testid=document-done]');
    await done.waitFor();
    expect(await done.textContent()).toContain('Next: respondent-7.txt (');
    await screenshotBoth(page, 'review-5-next-document');
    await page.keyboard.press('n');
    await page.waitForURL(new RegExp(`#/review/${docB}`));
    await page.locator('h1', { hasText: 'respondent-7.txt' }).waitFor();
  });

  it('respondent filters accept R6, respondent 6 and Respondent 6 in Queue and Browse', async () => {
    // Every spelling shows the list the API gives for R7 (waiting for the list to settle, not its first item).
    const api = await stack.api<ApiPage<QueueItem>>('GET', `${P()}/review-queue?respondent=R7`);
    expect(api.items.length).toBeGreaterThan(0);
    for (const written of ['R7', 'respondent 7', 'Respondent 7']) {
      await page.goto(`${stack.webUrl}#/queue`);
      const input = page.locator('input[aria-label=Respondent]');
      await input.fill(written);
      await input.press('Enter');
      await page.waitForURL(/respondent=/);
      await page.locator('[aria-label=Queue] article').first().waitFor();
      await expect.poll(() => page.locator('[aria-label=Queue] article').count(), { timeout: 10_000 }).toBe(api.items.length);
      expect(await page.locator('[aria-label=Queue] article').first().textContent()).toContain('Respondent 7');
    }

    const browse: string[] = [];
    for (const written of ['R6', 'respondent 6', 'Respondent 6']) {
      await page.goto(`${stack.webUrl}#/browse?status=all&respondent=${encodeURIComponent(written)}`);
      const count = page.locator('[data-testid=result-count]');
      await count.waitFor();
      browse.push((await count.textContent()) ?? '');
    }
    expect(browse[0]).toMatch(/^[1-9]\d* coded segment/);
    expect(new Set(browse).size).toBe(1);
    await screenshotBoth(page, 'review-6-browse-respondent');
  });

  it('a long failure reason wraps inside the page at 1280 px', async () => {
    await page.goto(`${stack.webUrl}#/upload`);
    const reason = page.locator(`tr[data-doc="${LONG_NAME}"] [data-testid=reason]`);
    await reason.waitFor();
    const box = (await reason.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await screenshotBoth(page, 'review-7-failure-reason');
    expect(session.errors.filter((e) => !/status of 404 .*\/codebook$/.test(e))).toEqual([]);
  });
});
