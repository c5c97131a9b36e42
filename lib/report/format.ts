// Reports as text for the terminal (aligned tables) and as CSV (escaped against formula injection).
import { csvField } from '../export/escape.js';
import type { ReportTable } from './schemas.js';

/** A report table (ReportTable in schemas.ts); the registry says which tables each report has. */
export type Table = ReportTable;

/** One line for a terminal: whitespace collapsed, control characters (escape sequences) removed. */
export function oneLine(s: string, width = Infinity): string {
  const flat = s.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

const cell = (v: string | number | null): string => (v === null ? '' : typeof v === 'number' ? String(v) : oneLine(v, 60));

export function renderTable(t: Table): string {
  const rows = t.rows.map((r) => r.map(cell));
  const widths = t.header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [`# ${t.title}`, fmt(t.header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export function tableCsv(t: Table): string {
  return [t.header, ...t.rows].map((r) => r.map((v) => csvField(v)).join(',')).join('\r\n');
}
