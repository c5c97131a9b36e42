// Spreadsheet formula injection: a cell that starts with = + - @ (or a tab / carriage return, which
// some spreadsheets skip before reading the formula) is prefixed with an apostrophe, so it shows as text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * One CSV field (RFC 4180): escaped against formulas, quoted when it holds , ; " CR or LF. Excel set
 * to a locale whose list separator is `;` (Dutch) splits at semicolons, so a formula start right after
 * a `;` (spaces allowed) is escaped too: the field is inert whichever separator Excel uses.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const s = escapeCell(value).replace(/;([ ]*)(?=[=+\-@\t\r])/g, ";$1'");
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
