// The upload page in Chromium shows the pipeline's warning on a document whose text reads as another
// language than the project's codebook, and none on a document in the codebook's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserSession } from './ui-harness.js';
import { startUi, stopUi, type UiStack } from './ui-stack.js';

const CODEBOOK = `id: e2e-lang
language: nl
categories:
  - id: voorwaarden
    name: Voorwaarden
    codes:
      - id: voorwaarden/vertrouwen
        name: Vertrouwen
        rules: ["vertrouw*"]
`;

const DUTCH = `Interviewer: Hoe is het vertrouwen in de wijk?

Respondent 1: Ik denk dat het vertrouwen in de wijkagent wel gegroeid is, want hij komt vaak langs en dan praten we even.

Interviewer: En bij de gemeente?

Respondent 1: Daar is het minder, maar dat komt ook omdat we niet weten wie er nu verantwoordelijk is voor de aanpak.
`;

const ENGLISH = `Interviewer: How is the trust in the neighbourhood?

Respondent 2: I think the trust in the community officer has grown, because he comes by often and then we have a chat.

Interviewer: And with the council?

Respondent 2: That is less so, but that is also because we do not know who is now responsible for what they do.
`;

let stack: UiStack;
let session: BrowserSession;
let page: Page;

describe('language warning on the upload page in Chromium', () => {
  beforeAll(async () => {
    ({ stack, session, page } = await startUi());
    await stack.api('POST', `/projects/${stack.projectId}/codebook`, { fileName: 'e2e-lang.yaml', content: CODEBOOK });
  });
  afterAll(() => stopUi(stack, session));

  it('shows the warning on the English interview only', async () => {
    await stack.upload('dutch.txt', DUTCH);
    await stack.upload('english.txt', ENGLISH);
    await stack.tagged('dutch.txt');
    await stack.tagged('english.txt');
    await page.goto(`${stack.webUrl}#token=${encodeURIComponent(stack.token)}`);
    const english = page.locator('table[aria-label=Documents] tr[data-doc="english.txt"]');
    await english.locator('[data-testid=language-warning]').waitFor();
    expect(await english.locator('[data-testid=language-warning]').textContent()).toMatch(/codebook's language is Dutch \(nl\) but the texts read as English/);
    await page.locator('table[aria-label=Documents] tr[data-doc="dutch.txt"] .status', { hasText: 'TAGGED' }).waitFor();
    expect(await page.locator('table[aria-label=Documents] tr[data-doc="dutch.txt"] [data-testid=language-warning]').count()).toBe(0);
  });
});
