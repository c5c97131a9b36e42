// Report: code × respondent heat map, the share of respondents per code with its scale label
// (hoge / redelijke / lage mate, n.v.t.), code frequency, and the exports.
import type { ExportFormat, QueryStatus } from '../../../lib/api/contract.js';
import type { ReportKind, ReportTable } from '../../../lib/api/contract.js';
import { api, type ReportBundle, type ReportTablesResult } from '../api.js';
import type { Ctx, View } from '../context.js';
import { h, replaceChildren, toast } from '../dom.js';
import { errorBanner } from '../errors.js';
import { formatRoute, type Route } from '../route.js';

const FORMATS: { format: ExportFormat; label: string; title: string }[] = [
  { format: 'qdpx', label: 'REFI-QDA project (.qdpx)', title: 'Opens in ATLAS.ti, NVivo, MAXQDA' },
  { format: 'qdc', label: 'Codebook (.qdc)', title: 'REFI-QDA codebook' },
  { format: 'csv', label: 'CSV', title: 'Coded segments as CSV' },
  { format: 'xlsx', label: 'Excel (.xlsx)', title: 'Coded segments as a spreadsheet' },
];

/** Background for a heat-map cell: white → accent blue, text colour kept readable. */
export function heatStyle(value: number, max: number): { background: string; color: string } {
  if (value <= 0 || max <= 0) return { background: '#ffffff', color: '#4a5260' };
  const t = Math.min(1, value / max);
  const light = Math.round(96 - t * 58); // 96% → 38% lightness
  return { background: `hsl(217 75% ${light}%)`, color: light < 60 ? '#ffffff' : '#1b1f24' };
}

function heatMap(m: ReportBundle['codeByRespondent']): HTMLElement {
  const max = Math.max(0, ...m.cells.flat());
  return h(
    'div',
    { class: 'heat-wrap' },
    h(
      'table',
      { class: 'heat', attrs: { 'aria-label': 'Codes by respondent', 'data-testid': 'heatmap' } },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Code'),
          m.columns.map((c) => h('th', { class: 'rot', attrs: { scope: 'col' } }, c.name)),
          h('th', { class: 'num' }, 'Total'),
        ),
      ),
      h(
        'tbody',
        null,
        m.rows.map((r, i) => {
          const row = m.cells[i] ?? [];
          return h(
            'tr',
            { dataset: { code: r.code } },
            h('th', { attrs: { scope: 'row' } }, r.name),
            m.columns.map((col, j) => {
              const v = row[j] ?? 0;
              const s = heatStyle(v, max);
              return h(
                'td',
                { class: 'cell', style: { background: s.background, color: s.color }, attrs: { title: `${r.name} × ${col.name}: ${v}` } },
                v ? String(v) : '',
              );
            }),
            h(
              'td',
              { class: 'num' },
              row.reduce((a, b) => a + b, 0),
            ),
          );
        }),
      ),
    ),
  );
}

function shareTable(r: ReportBundle['respondentShare']): HTMLElement {
  return h(
    'table',
    { attrs: { 'aria-label': 'Share of respondents per code', 'data-testid': 'share' } },
    h('thead', null, h('tr', null, h('th', null, 'Code'), h('th', { class: 'num' }, 'Respondents'), h('th', null, 'Share'), h('th', null, 'Scale'))),
    h(
      'tbody',
      null,
      r.codes.map((c) =>
        h(
          'tr',
          { dataset: { code: c.code } },
          h('td', null, c.name),
          h('td', { class: 'num' }, `${c.respondents} / ${r.respondents}`),
          h(
            'td',
            null,
            h(
              'div',
              { class: 'bar-track', attrs: { role: 'img', 'aria-label': `${Math.round(c.share * 100)}%` } },
              h('div', { class: 'bar', style: { width: `${Math.round(c.share * 100)}%` } }),
            ),
            h('span', { class: 'small muted' }, ` ${Math.round(c.share * 100)}%`),
          ),
          h('td', { class: 'scale' }, c.label),
        ),
      ),
    ),
  );
}

/** Reports with a view of their own above; every other report of the registry shows as its tables. */
const OWN_VIEW: readonly ReportKind[] = ['frequency', 'code-respondent', 'respondent-share'];

function plainTable(t: ReportTable): HTMLElement {
  return h(
    'div',
    { class: 'heat-wrap' },
    h(
      'table',
      { attrs: { 'aria-label': t.title } },
      h('caption', { class: 'muted small' }, t.title),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          t.header.map((c) => h('th', { attrs: { scope: 'col' } }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        t.rows.map((row) =>
          h(
            'tr',
            null,
            row.map((v) => h('td', typeof v === 'number' ? { class: 'num' } : null, v === null ? '' : String(v))),
          ),
        ),
      ),
    ),
  );
}

/** The reports without a view of their own, as the tables the CLI prints. */
export function otherReports(result: ReportTablesResult): HTMLElement[] {
  return result.items
    .filter((r) => !OWN_VIEW.includes(r.kind))
    .flatMap((r) => [
      h('h2', { dataset: { report: r.kind } }, r.title),
      ...(r.tables.some((t) => t.rows.length) ? r.tables.filter((t) => t.rows.length).map(plainTable) : [h('p', { class: 'muted' }, 'Nothing to show yet.')]),
    ]);
}

/**
 * Runs an export job (large projects do not fit one API request): the button shows its progress, and the
 * finished file comes from the job's presigned link and is saved under its name.
 */
async function exportFile(ctx: Ctx, format: ExportFormat, status: QueryStatus, button: HTMLButtonElement): Promise<void> {
  const label = button.textContent;
  button.disabled = true;
  try {
    let job = await api.startExportJob({ projectId: ctx.projectId, body: { format, ...(format === 'csv' || format === 'xlsx' ? { status } : {}) } });
    while (job.state === 'queued' || job.state === 'running') {
      button.textContent = job.total ? `Exporting ${job.done}/${job.total}…` : 'Exporting…';
      await new Promise((r) => setTimeout(r, 500));
      job = await api.exportJob({ projectId: ctx.projectId, jobId: job.id });
    }
    if (job.state === 'failed' || !job.downloadUrl) throw new Error(job.reason ?? 'no file was written');
    const res = await fetch(job.downloadUrl);
    if (!res.ok) throw new Error(`the file could not be downloaded (HTTP ${res.status})`);
    const url = URL.createObjectURL(await res.blob());
    const filename = job.fileName ?? `qualtag.${format}`;
    const a = h('a', { attrs: { href: url, download: filename } });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    toast(`Exported ${filename}`);
  } catch (e) {
    toast(e instanceof Error ? `Export failed: ${e.message}` : 'Export failed', 'error');
  } finally {
    button.textContent = label;
    button.disabled = false;
  }
}

export function reportView(ctx: Ctx, route: Route): View {
  const status: QueryStatus = route.query.get('status') === 'all' ? 'all' : route.query.get('status') === 'proposed' ? 'proposed' : 'accepted';
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const statusSelect = h(
    'select',
    { attrs: { 'aria-label': 'Count codings' }, on: { change: () => ctx.navigate(formatRoute('report', null, { status: statusSelect.value })) } },
    (['accepted', 'proposed', 'all'] as const).map((s) => h('option', { attrs: { value: s, selected: s === status } }, s)),
  );
  const exportButtons = FORMATS.map((f) => {
    const b: HTMLButtonElement = h(
      'button',
      { attrs: { type: 'button', title: f.title, 'data-format': f.format }, on: { click: () => void exportFile(ctx, f.format, status, b) } },
      `Export ${f.label}`,
    );
    return b;
  });

  async function load(): Promise<void> {
    try {
      const [r, more] = await Promise.all([
        api.reports({ projectId: ctx.projectId, query: { status } }),
        api.reportTables({ projectId: ctx.projectId, query: { status } }),
      ]);
      const t = r.respondentShare.thresholds;
      replaceChildren(
        body,
        h(
          'p',
          { class: 'muted small' },
          `${r.frequency.total} ${status === 'all' ? '' : `${status} `}coding(s) · ${r.respondentShare.respondents} respondent(s). Scale: hoge mate ≥ ${Math.round(t.high * 100)}%, redelijke mate ≥ ${Math.round(t.moderate * 100)}%, lage mate > 0, niet van toepassing = 0.`,
        ),
        h('h2', null, 'Codes × respondents'),
        r.codeByRespondent.columns.length ? heatMap(r.codeByRespondent) : h('p', { class: 'muted' }, 'No coded segments with a respondent yet.'),
        h('h2', null, 'Share of respondents per code'),
        shareTable(r.respondentShare),
        h('h2', null, 'Per category'),
        h(
          'table',
          { attrs: { 'aria-label': 'Share of respondents per category' } },
          h(
            'thead',
            null,
            h('tr', null, h('th', null, 'Category'), h('th', { class: 'num' }, 'Respondents'), h('th', { class: 'num' }, 'Share'), h('th', null, 'Scale')),
          ),
          h(
            'tbody',
            null,
            r.respondentShare.categories.map((c) =>
              h(
                'tr',
                null,
                h('td', null, c.name),
                h('td', { class: 'num' }, c.respondents),
                h('td', { class: 'num' }, `${Math.round(c.share * 100)}%`),
                h('td', { class: 'scale' }, c.label),
              ),
            ),
          ),
        ),
        h('h2', null, 'Code frequency'),
        h(
          'table',
          { attrs: { 'aria-label': 'Code frequency', 'data-testid': 'frequency' } },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, 'Code'),
              h('th', { class: 'num' }, 'Codings'),
              h('th', { class: 'num' }, 'Segments'),
              h('th', { class: 'num' }, 'Documents'),
              h('th', { class: 'num' }, 'Respondents'),
            ),
          ),
          h(
            'tbody',
            null,
            r.frequency.rows.map((row) =>
              h(
                'tr',
                { dataset: { code: row.code } },
                h('td', null, h('a', { attrs: { href: formatRoute('browse', null, { code: row.code, status }) } }, row.name)),
                h('td', { class: 'num' }, row.codings),
                h('td', { class: 'num' }, row.segments),
                h('td', { class: 'num' }, row.documents),
                h('td', { class: 'num' }, row.respondents),
              ),
            ),
          ),
        ),
        ...otherReports(more),
      );
    } catch (e) {
      replaceChildren(body, errorBanner(e, 'Cannot load the report'));
    }
  }

  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'report-h' } },
    h('div', { class: 'toolbar' }, h('h1', { attrs: { id: 'report-h' } }, 'Report'), h('label', { class: 'muted' }, 'Count ', statusSelect)),
    h('div', { class: 'toolbar', attrs: { role: 'group', 'aria-label': 'Exports' } }, exportButtons),
    body,
  );
  void load();
  return { el };
}
