// Upload: drop transcripts/documents (presigned PUT with per-file progress) and a codebook; the
// table below follows every document through UPLOADED → EXTRACTED → TAGGED (or FAILED, with why).
import { api, type DocumentSummary, every } from '../api.js';
import type { Ctx, View } from '../context.js';
import { h, replaceChildren } from '../dom.js';
import { errorBanner } from '../errors.js';
import { deleteDocumentButton } from '../delete-document.js';
import { putWithProgress } from '../http.js';
import { uploadCodebookFile } from './projects.js';
import { uploadAccept, uploadLabels } from '../../../lib/formats.js';
import { RETAG_REOPEN_MIN_CONFIDENCE } from '../../../lib/coding/rules.js';
import { retagBanner, tallyRetag } from '../retag-summary.js';
import { importQdpxControl } from '../import-qdpx.js';
import { deadLettersPanel } from '../dead-letters.js';
import { formatRoute, type Route } from '../route.js';

const CODEBOOK_RE = /\.(ya?ml|qdc)$/i;
const POLL_MS = 1500;
// Documents also arrive from elsewhere (the CLI, a colleague): keep looking, less often, when nothing is busy.
const IDLE_POLL_MS = 5000;

interface UploadRow {
  file: File;
  progress: HTMLProgressElement;
  state: HTMLElement;
  done: boolean;
}

function dropzone(label: string, accept: string, multiple: boolean, onFiles: (files: File[]) => void, id: string): HTMLElement {
  const input = h('input', { attrs: { type: 'file', accept, multiple, id, class: 'visually-hidden', hidden: true } });
  input.addEventListener('change', () => {
    onFiles(Array.from(input.files ?? []));
    input.value = '';
  });
  const choose = h('button', { attrs: { type: 'button' }, on: { click: () => input.click() } }, 'Choose files…');
  const zone = h(
    'div',
    { class: 'dropzone', attrs: { 'data-testid': id } },
    h('strong', null, label),
    h('span', { class: 'muted small' }, 'Drag and drop here, or'),
    choose,
    input,
  );
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    onFiles(Array.from(e.dataTransfer?.files ?? []));
  });
  return zone;
}

export function uploadView(ctx: Ctx, _route: Route): View {
  const uploadsBody = h('tbody');
  const uploadsTable = h(
    'table',
    { attrs: { 'aria-label': 'Uploads' } },
    h('thead', null, h('tr', null, h('th', null, 'File'), h('th', null, 'Upload'), h('th', null, 'State'))),
    uploadsBody,
  );
  uploadsTable.hidden = true;
  const docsBody = h('tbody');
  const docsMsg = h('div');
  const codebookMsg = h('div', { attrs: { 'aria-live': 'polite' } });
  // After a codebook change: how many new proposals the re-tag brought where (retag-summary.ts).
  const retagSlot = h('div', { attrs: { 'aria-live': 'polite' } });
  let retagVersion: string | null = null;
  const rows: UploadRow[] = [];
  let docs: DocumentSummary[] = [];
  let timer: number | undefined;
  let destroyed = false;
  const stuck = deadLettersPanel(
    ctx.projectId,
    () => ctx.projects.find((p) => p.id === ctx.projectId)?.role === 'owner',
    () => schedule(200),
  );

  const codebookInfo = () =>
    ctx.codebook
      ? h(
          'p',
          { class: 'muted small' },
          `Current codebook: ${ctx.codebook.book.title ?? ctx.codebook.book.id} — ${ctx.codebook.codes.size} codes, version ${ctx.codebook.book.version.slice(0, 10)}`,
        )
      : h('p', { class: 'banner info' }, 'This project has no codebook yet: drop one (YAML, CSV or .qdc) before or after the documents.');
  const codebookInfoSlot = h('div', null, codebookInfo());

  async function uploadCodebook(file: File): Promise<void> {
    replaceChildren(codebookMsg, h('p', { class: 'muted' }, `Uploading codebook ${file.name}…`));
    const up = await uploadCodebookFile(ctx.projectId, file);
    if (!up.ok) {
      replaceChildren(codebookMsg, up.banner);
      return;
    }
    const res = up.result;
    await ctx.reloadCodebook();
    replaceChildren(codebookInfoSlot, codebookInfo());
    replaceChildren(
      codebookMsg,
      h(
        'p',
        { class: 'banner info' },
        `${file.name}: ${res.codeCount} codes, ${res.created ? 'new version' : 'same as a stored version'}; re-tagging ${res.retag.documents} document(s).`,
      ),
      ...(res.warnings ?? []).map((w) => h('p', { class: 'banner warn' }, w)),
    );
    retagVersion = res.retag.requested && res.retag.documents > 0 ? res.version : null;
    replaceChildren(retagSlot);
    void refresh();
  }

  async function uploadDocument(file: File): Promise<void> {
    const progress = h('progress', { attrs: { max: 1, value: 0, 'aria-label': `Upload progress of ${file.name}` } });
    const state = h('span', { class: 'status' }, 'waiting');
    const row: UploadRow = { file, progress, state, done: false };
    rows.push(row);
    uploadsTable.hidden = false;
    uploadsBody.append(h('tr', { dataset: { file: file.name } }, h('td', null, file.name), h('td', null, progress), h('td', null, state)));
    try {
      state.textContent = 'uploading';
      const target = await api.uploadUrl({ projectId: ctx.projectId, body: { fileName: file.name, ...(file.type ? { contentType: file.type } : {}) } });
      await putWithProgress(target.url, file, target.headers, (f) => (progress.value = f));
      progress.value = 1;
      state.textContent = 'uploaded';
      schedule(200);
    } catch (e) {
      row.done = true;
      state.className = 'status FAILED';
      state.textContent = 'upload failed';
      state.after(errorBanner(e));
    }
  }

  function onFiles(files: File[]): void {
    for (const f of files) {
      if (CODEBOOK_RE.test(f.name)) void uploadCodebook(f);
      else void uploadDocument(f);
    }
  }

  function onCodebookFiles(files: File[]): void {
    const f = files[0];
    if (f) void uploadCodebook(f);
  }

  function statusBadge(d: DocumentSummary): HTMLElement {
    return h('span', { class: `status ${d.status}` }, d.status);
  }

  /** "+3 new proposals from the codebook change" on a document the last re-tag added to. */
  function newProposalsNote(d: DocumentSummary): HTMLElement | null {
    const t = d.lastTagging;
    if (!t?.retag || t.added === 0 || t.codebookVersion !== ctx.codebook?.book.version) return null;
    return h('div', { class: 'small', attrs: { 'data-testid': 'new-proposals' } }, `+${t.added} new proposal${t.added === 1 ? '' : 's'} with this codebook`);
  }

  function renderRetag(): void {
    if (!retagVersion) return;
    const tally = tallyRetag(docs, retagVersion);
    replaceChildren(retagSlot, retagBanner(tally, Math.round(RETAG_REOPEN_MIN_CONFIDENCE * 100)));
    if (tally.pending === 0) retagVersion = null;
  }

  function renderDocs(): void {
    replaceChildren(
      docsBody,
      docs.map((d) =>
        h(
          'tr',
          { dataset: { doc: d.name } },
          h('td', null, d.status === 'TAGGED' ? h('a', { attrs: { href: formatRoute('review', d.id) } }, d.name) : d.name),
          h(
            'td',
            null,
            statusBadge(d),
            d.reason ? h('div', { class: 'small', attrs: { 'data-testid': 'reason' } }, d.reason) : null,
            newProposalsNote(d),
            d.languageWarning
              ? h('div', { class: 'small doc-warning', attrs: { 'data-testid': 'language-warning', role: 'note' } }, `Warning: ${d.languageWarning}`)
              : null,
          ),
          h('td', { class: 'small' }, (d.respondents ?? (d.respondent ? [d.respondent] : [])).join(', ')),
          h('td', { class: 'num' }, d.segmentCount ?? ''),
          h(
            'td',
            null,
            h(
              'div',
              { class: 'actions' },
              d.status === 'TAGGED' ? h('a', { attrs: { href: formatRoute('review', d.id) } }, 'Review') : '',
              deleteDocumentButton(ctx.projectId, d, () => void refresh()),
            ),
          ),
        ),
      ),
    );
    if (docs.length === 0) docsBody.append(h('tr', null, h('td', { attrs: { colspan: 5 }, class: 'muted' }, 'No documents yet.')));
    // Each upload row follows its document's pipeline state.
    for (const row of rows) {
      if (row.done || row.state.textContent === 'uploading' || row.state.textContent === 'waiting') continue;
      const d = docs.find((x) => x.name === row.file.name);
      if (!d) continue;
      row.state.className = `status ${d.status}`;
      row.state.textContent = d.status === 'FAILED' && d.reason ? `FAILED: ${d.reason}` : d.status;
      row.done = d.status === 'TAGGED' || d.status === 'FAILED';
    }
  }

  async function refresh(): Promise<void> {
    try {
      docs = (await every('listDocuments', { projectId: ctx.projectId })).sort((a, b) => a.name.localeCompare(b.name));
      replaceChildren(docsMsg);
      renderDocs();
      renderRetag();
      await stuck.refresh();
    } catch (e) {
      replaceChildren(docsMsg, errorBanner(e, 'Cannot list documents'));
    }
    const busy = docs.some((d) => d.status === 'UPLOADED' || d.status === 'EXTRACTED') || rows.some((r) => !r.done) || retagVersion !== null;
    schedule(busy ? POLL_MS : IDLE_POLL_MS);
  }

  function schedule(ms: number): void {
    if (destroyed) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), ms);
  }

  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'upload-h' } },
    h('h1', { attrs: { id: 'upload-h' } }, 'Upload'),
    h(
      'div',
      { class: 'upload-grid' },
      h('div', null, dropzone('Transcripts and documents', uploadAccept, true, onFiles, 'doc-drop'), h('p', { class: 'muted small' }, `${uploadLabels}.`)),
      h('div', null, dropzone('Codebook', '.yaml,.yml,.csv,.qdc', false, onCodebookFiles, 'codebook-drop'), codebookInfoSlot, codebookMsg, retagSlot),
    ),
    importQdpxControl(
      ctx.projectId,
      () =>
        void ctx
          .reloadCodebook()
          .then(
            () => replaceChildren(codebookInfoSlot, codebookInfo()),
            () => undefined,
          )
          .finally(() => void refresh()),
    ),
    uploadsTable,
    h('h2', null, 'Documents'),
    docsMsg,
    h(
      'table',
      { attrs: { 'aria-label': 'Documents' } },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Document'),
          h('th', null, 'State'),
          h('th', null, 'Respondent'),
          h('th', { class: 'num' }, 'Segments'),
          h('th', null, h('span', { class: 'visually-hidden' }, 'Open')),
        ),
      ),
      docsBody,
    ),
    stuck.el,
  );
  void refresh();
  return {
    el,
    destroy() {
      destroyed = true;
      window.clearTimeout(timer);
    },
  };
}
