// A new user's first project, in Chromium against the real local stack: a user with no project lands on
// Projects, creates one (name, coding unit, a codebook with a mistake: the loader's error in plain words),
// gives the corrected codebook, switches between projects, and deletes a FAILED and a reviewed document
// (segments and codings gone, the deletion in the audit trail).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AuditEventView, DocumentDetail, DocumentSummary, Page as ApiPage, ProjectView, UploadUrl } from '../../lib/api/contract.js';
import { screenshotBoth, until, type BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

const GOOD = `id: thesis
title: Thesis codebook
language: nl
categories:
  - id: samenwerking
    name: Samenwerking
    codes:
      - id: samenwerking/vertrouwen
        name: Vertrouwen
        rules: ["vertrouw*"]
      - id: samenwerking/overleg
        name: Overleg
        rules: ["overleg*"]
`;
// The second code has no name.
const BAD = GOOD.replace('        name: Overleg\n', '');
const TRANSCRIPT =
  'Interviewer: Hoe gaat het overleg?\n\nRespondent 2: Het overleg is goed en ik vertrouw de gemeente.\n\nInterviewer: En verder?\n\nRespondent 2: Vertrouwen groeit met de tijd.\n';

let stack: UiStack;
let session: BrowserSession;
let page: Page;

/** The API as the newcomer (the user the browser is signed in as). */
async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.newcomerToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function upload(projectId: string, fileName: string, text: string): Promise<void> {
  const up = await api<UploadUrl>('POST', `/projects/${projectId}/uploads`, { fileName, contentType: 'text/plain' });
  expect((await fetch(up.url, { method: 'PUT', headers: up.headers, body: text })).ok).toBe(true);
}

const settled = (projectId: string, fileName: string) =>
  until(`${fileName} to be TAGGED or FAILED`, async () => {
    const docs = await api<ApiPage<DocumentSummary>>('GET', `/projects/${projectId}/documents`);
    const d = docs.items.find((x) => x.name === fileName);
    return d && (d.status === 'TAGGED' || d.status === 'FAILED') ? d : undefined;
  });

/** Page errors, without the browser's notes on the answers this test provokes (the refused codebook, a project without one). */
const unexpectedErrors = () => session.errors.filter((e) => !/status of (400|404) .*\/codebook$/.test(e));

describe('Projects from the UI in Chromium', () => {
  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
  });
  afterAll(() => stopUi(stack, session));

  it('a user without a project lands on Projects, creates one; a codebook mistake is shown in plain words; the corrected file is stored', async () => {
    await page.goto(`${stack.webUrl}#token=${stack.newcomerToken}`);
    await page.locator('h1', { hasText: 'Projects' }).waitFor();
    await page.getByText('You have no project yet').waitFor();
    await screenshotBoth(page, 'projects-1-new-user');

    await page.fill('#project-name', 'Thesis interviews 2026');
    expect(await page.inputValue('#project-id')).toBe('thesis-interviews-2026');
    await page.selectOption('#project-unit', 'paragraph');
    await page.setInputFiles('#project-codebook', { name: 'thesis.yaml', mimeType: 'text/yaml', buffer: Buffer.from(BAD) });
    await page.click('[data-testid=create-project]');

    const error = page.locator('[data-testid=codebook-error]');
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('thesis.yaml, category 1, code 2: the name is missing.');
    expect(text).not.toMatch(/body\.|Invalid input|\[\d+\]|received undefined/);
    await screenshotBoth(page, 'projects-2-codebook-error');

    // The project exists with its unit, and has no codebook yet.
    const { items } = await api<{ items: ProjectView[] }>('GET', '/projects');
    expect(items.map((p) => [p.id, p.segmentUnit, p.codebookVersion])).toEqual([['thesis-interviews-2026', 'paragraph', null]]);

    await page.setInputFiles('[data-testid=codebook-retry]', { name: 'thesis.yaml', mimeType: 'text/yaml', buffer: Buffer.from(GOOD) });
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    await page.getByText('Current codebook: Thesis codebook — 2 codes').waitFor();
    expect(await page.locator('#project-select option:checked').textContent()).toBe('Thesis interviews 2026');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('a second project is created without a codebook, and the project menu and the Open button switch between them', async () => {
    await page.click('nav >> text=Projects');
    await page.fill('#project-name', 'Pilot');
    await page.click('[data-testid=create-project]');
    await page.locator('h1', { hasText: 'Upload' }).waitFor();
    await page.getByText('This project has no codebook yet').waitFor();
    expect(await page.locator('#project-select option').allTextContents()).toEqual(['Pilot', 'Thesis interviews 2026']);

    await page.selectOption('#project-select', 'thesis-interviews-2026');
    await page.getByText('Current codebook: Thesis codebook').waitFor();
    await page.click('nav >> text=Projects');
    await page.locator('tr[data-project=pilot] [data-testid=open-project]').click();
    await page.getByText('This project has no codebook yet').waitFor();
    await page.click('nav >> text=Projects');
    await page.locator('[data-testid=members-local]').waitFor();
    await screenshotBoth(page, 'projects-3-two-projects');
    await page.locator('tr[data-project=thesis-interviews-2026] [data-testid=open-project]').click();
    await page.getByText('Current codebook: Thesis codebook').waitFor();
  });

  it('deletes a FAILED and a reviewed document with their segments and codings; the audit trail records both', async () => {
    const P = '/projects/thesis-interviews-2026';
    await upload('thesis-interviews-2026', 'leeg.txt', '');
    await upload('thesis-interviews-2026', 'respondent-2.txt', TRANSCRIPT);
    const failed = await settled('thesis-interviews-2026', 'leeg.txt');
    const tagged = await settled('thesis-interviews-2026', 'respondent-2.txt');
    expect([failed.status, tagged.status]).toEqual(['FAILED', 'TAGGED']);
    // Paragraph unit: the project setting reached the pipeline (4 paragraphs, not 2 respondent turns).
    const detail = await api<DocumentDetail>('GET', `${P}/documents/${tagged.id}`);
    expect(detail.segments).toHaveLength(4);
    const proposal = detail.segments.flatMap((s) => s.codings).find((c) => c.status === 'proposed')!;
    await api('POST', `${P}/decisions`, { action: 'accept', documentId: tagged.id, codingId: proposal.id, version: proposal.version });

    await page.locator('tr[data-doc="leeg.txt"] [data-testid=reason]').waitFor();
    await screenshotBoth(page, 'projects-4-documents');
    for (const doc of [failed, tagged]) {
      const btn = page.locator(`tr[data-doc="${doc.name}"] [data-testid=delete-document]`);
      await btn.click();
      await expect.poll(() => btn.textContent()).toContain('cannot be undone');
      await btn.click();
      await page.locator(`tr[data-doc="${doc.name}"]`).waitFor({ state: 'detached' });
    }
    const docs = await api<ApiPage<DocumentSummary>>('GET', `${P}/documents`);
    expect(docs.items).toEqual([]);
    const gone = await fetch(`${stack.apiUrl}${P}/documents/${tagged.id}`, { headers: { authorization: `Bearer ${stack.newcomerToken}` } });
    expect(gone.status).toBe(404);
    const codings = await api<ApiPage<unknown>>('GET', `${P}/codings?code=${encodeURIComponent(proposal.code)}&status=all`);
    expect(codings.items).toEqual([]);

    const audit = await api<ApiPage<AuditEventView>>('GET', `${P}/audit?document=${tagged.id}`);
    const deletions = audit.items.filter((e) => e.action === 'delete');
    expect(deletions.map((e) => [e.code, e.from, e.by]).sort()).toEqual(
      [
        ['', null, 'newcomer'],
        [proposal.code, 'accepted', 'newcomer'],
      ].sort(),
    );
    expect(deletions.find((e) => e.code === '')!.note).toMatch(
      /^deleted "respondent-2\.txt" \(TAGGED\) with 4 segments and \d+ codings \(1 accepted, 0 rejected, \d+ proposed\)$/,
    );
    const failedAudit = await api<ApiPage<AuditEventView>>('GET', `${P}/audit?document=${failed.id}`);
    expect(failedAudit.items.map((e) => e.action)).toEqual(['delete']);
    expect(failedAudit.items[0]!.note).toContain('(FAILED: ');
    expect(unexpectedErrors()).toEqual([]);
  });
});
