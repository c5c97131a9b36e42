// Spreadsheet formula injection: a cell that starts with = + - @ (or a tab / carriage return, which
// some spreadsheets skip before reading the formula) is prefixed with an apostrophe, so it shows as text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CSV field (RFC 4180): escaped against formulas, quoted when it holds , " CR or LF. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const s = escapeCell(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
