// Reports as text for the terminal (aligned tables) and as CSV (escaped against formula injection).
import type { KappaRow, ReportBundle } from '../api/contract.js';
import { csvField } from '../export/escape.js';

export interface Table {
  title: string;
  header: string[];
  rows: Array<Array<string | number | null>>;
}

/** One line for a terminal: whitespace collapsed, control characters (escape sequences) removed. */
export function oneLine(s: string, width = Infinity): string {
  const flat = s.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

const cell = (v: string | number | null): string => (v === null ? '' : typeof v === 'number' ? String(v) : oneLine(v, 60));

export function renderTable(t: Table): string {
  const rows = t.rows.map((r) => r.map(cell));
  const widths = t.header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`# ${t.title}`, fmt(t.header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export function tableCsv(t: Table): string {
  return [t.header, ...t.rows].map((r) => r.map((v) => csvField(v)).join(',')).join('\r\n');
}

const pct = (x: number) => Math.round(x * 1000) / 10;

function kappaRows(rows: KappaRow[]): Table['rows'] {
  return rows.filter((r) => r.units > 0).map((r) => [r.code, r.units, r.both, r.onlyA, r.onlyB, r.neither, r.agreement, r.kappa]);
}

/** Each report of the bundle as a table (one per report; matrices with one column per document/respondent). */
export function reportTables(b: ReportBundle): Table[] {
  const kappaHeader = ['code', 'units', 'both', 'only_a', 'only_b', 'neither', 'agreement', 'kappa'];
  const tables: Table[] = [
    {
      title: 'Code frequency',
      header: ['category', 'code', 'name', 'codings', 'segments', 'documents', 'respondents'],
      rows: b.frequency.rows.map((r) => [r.categoryId, r.code, r.name, r.codings, r.segments, r.documents, r.respondents]),
    },
    {
      title: `Respondent share (${b.respondentShare.respondents} respondents; hoge mate ≥ ${pct(b.respondentShare.thresholds.high)}%, redelijke mate ≥ ${pct(b.respondentShare.thresholds.moderate)}%)`,
      header: ['category', 'code', 'respondents', 'share_%', 'label'],
      rows: [
        ...b.respondentShare.categories.map((c) => [c.categoryId, '(category)', c.respondents, pct(c.share), c.label]),
        ...b.respondentShare.codes.map((c) => [c.categoryId, c.code, c.respondents, pct(c.share), c.label]),
      ],
    },
    {
      title: 'Code × document',
      header: ['code', ...b.codeByDocument.columns.map((c) => c.name)],
      rows: b.codeByDocument.rows.map((r, i) => [r.code, ...b.codeByDocument.cells[i]!]),
    },
    {
      title: 'Code × respondent',
      header: ['code', ...b.codeByRespondent.columns.map((c) => c.name)],
      rows: b.codeByRespondent.rows.map((r, i) => [r.code, ...b.codeByRespondent.cells[i]!]),
    },
    { title: 'Co-occurrence (segments with both codes)', header: ['code_a', 'code_b', 'segments'], rows: b.coOccurrence.pairs.map((p) => [p.a, p.b, p.segments]) },
    { title: "Agreement, tagger (A) vs reviewers (B), Cohen's kappa", header: kappaHeader, rows: kappaRows(b.agreement.taggerVsReviewers) },
  ];
  if (b.agreement.reviewers) {
    tables.push({ title: `Agreement, ${b.agreement.reviewers.a} (A) vs ${b.agreement.reviewers.b} (B), Cohen's kappa`, header: kappaHeader, rows: kappaRows(b.agreement.reviewers.codes) });
  }
  return tables;
}
