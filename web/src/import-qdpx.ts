// "Import a REFI-QDA project (.qdpx)" on the upload page: the same three API calls as `qualtag import`
// (presigned PUT, start, then each document's codings once the pipeline has TAGGED it), with the report
// shown as it comes: sources, codes and codings imported, and every skipped item with its reason.
import type { ImportedDocument, ImportIssue } from '../../lib/api/contract.js';
import { h, replaceChildren } from './dom.js';
import { errorBanner } from './errors.js';
import { api } from './api.js';
import { putWithProgress } from './http.js';

const POLL_MS = 1500;
const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

function issues(title: string, list: readonly ImportIssue[], cls: string): HTMLElement | null {
  if (!list.length) return null;
  return h(
    'details',
    { class: `import-issues ${cls}`, attrs: { open: list.length <= 5, 'data-testid': `import-${cls}` } },
    h('summary', null, `${title} (${list.length})`),
    h(
      'ul',
      null,
      list.map((i) => h('li', null, h('span', { class: 'muted' }, `${i.where}: `), i.message)),
    ),
  );
}

/** Runs one import; `onChange` refreshes the page's documents and codebook as they arrive. */
async function runImport(projectId: string, file: File, out: HTMLElement, onChange: () => void): Promise<void> {
  const progress = h('progress', { attrs: { max: 1, value: 0, 'aria-label': `Upload progress of ${file.name}` } });
  const status = h('p', { attrs: { 'aria-live': 'polite' } }, `Uploading ${file.name}…`);
  replaceChildren(out, status, progress);
  try {
    const up = await api.createImport({ projectId, body: { fileName: file.name } });
    await putWithProgress(up.url, file, up.headers, (f) => (progress.value = f));
    status.textContent = `Reading ${file.name}…`;
    const started = await api.startImport({ projectId, importId: up.importId, body: { fileName: file.name } });
    onChange();
    const applied: ImportedDocument[] = [];
    for (const [i, d] of started.documents.entries()) {
      status.textContent = `${started.documents.length} sources read; placing the codings of ${d.name} (${i + 1} of ${started.documents.length}) once it is tagged…`;
      for (;;) {
        const s = await api.documentStatus({ projectId, documentId: d.documentId }).catch(() => null);
        if (s && (s.status === 'TAGGED' || s.status === 'FAILED')) break;
        await sleep(POLL_MS);
      }
      applied.push(await api.applyImport({ projectId, importId: up.importId, documentId: d.documentId }));
    }
    const imported = applied.reduce((n, a) => n + a.imported, 0);
    const c = started.report.counts;
    replaceChildren(
      out,
      h(
        'p',
        { class: 'banner info', attrs: { 'data-testid': 'import-summary' } },
        `${file.name}: ${started.documents.length} sources, ${c.codes} codes, ${imported} of ${c.codings} codings imported as accepted codings; ${c.notes} notes, ${c.cases} cases.`,
      ),
      issues('Skipped', [...started.report.skipped, ...applied.flatMap((a) => a.skipped)], 'skipped'),
      issues('Warnings', [...started.report.warnings, ...applied.flatMap((a) => a.warnings)], 'warnings'),
    );
    onChange();
  } catch (e) {
    replaceChildren(out, errorBanner(e, `${file.name} was not imported`));
  }
}

export function importQdpxControl(projectId: string, onChange: () => void): HTMLElement {
  const out = h('div', { attrs: { 'data-testid': 'import-report' } });
  const input = h('input', { attrs: { type: 'file', accept: '.qdpx', id: 'qdpx-input', class: 'visually-hidden', hidden: true } });
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    input.value = '';
    if (f) void runImport(projectId, f, out, onChange);
  });
  const choose = h('button', { attrs: { type: 'button', 'data-testid': 'qdpx-choose' }, on: { click: () => input.click() } }, 'Import a .qdpx…');
  return h(
    'div',
    { class: 'import-qdpx' },
    h('strong', null, 'Coded elsewhere?'),
    h(
      'p',
      { class: 'muted small' },
      'Import a REFI-QDA project (.qdpx) from ATLAS.ti, NVivo, MAXQDA or QualCoder: its sources, codebook, codings (as accepted codings), cases and notes.',
    ),
    choose,
    input,
    out,
  );
}
