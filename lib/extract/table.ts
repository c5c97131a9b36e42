// Survey answers (CSV, JSONL) → one block per row: columns `id`, `text`, optional `respondent`.
// The row id becomes the segment id, so it must be present and unique. Rows with an empty text are skipped.
import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import { QualtagError } from '../errors.js';
import type { Block, ExtractedDocument, SourceFormat } from '../model.js';

interface Row {
  line: number;
  id: string;
  text: string;
  respondent?: string;
}

const MAX_REPORTED = 5;

function badRows(where: string, problems: string[], hint: string): QualtagError {
  const more = problems.length > MAX_REPORTED ? ` (and ${problems.length - MAX_REPORTED} more)` : '';
  return new QualtagError('BAD_ROWS', `${problems.slice(0, MAX_REPORTED).join('; ')}${more}`, hint, where);
}

const ROW_HINT = 'Every row needs an `id` (unique) and a `text`; `respondent` is optional';

function tableDocument(rows: Row[], format: SourceFormat, where: string): ExtractedDocument {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (!r.id) problems.push(`line ${r.line}: the id is empty`);
    const first = seen.get(r.id);
    if (r.id && first !== undefined) problems.push(`line ${r.line}: id "${r.id}" is used before on line ${first}`);
    else seen.set(r.id, r.line);
  }
  if (problems.length) throw badRows(where, problems, ROW_HINT);

  let text = '';
  const blocks: Block[] = [];
  for (const r of rows) {
    const words = r.text.trim();
    if (!words) continue;
    if (text) text += '\n\n';
    const b: Block = { start: text.length, end: text.length + words.length, rowId: r.id };
    text += words;
    const respondent = r.respondent?.trim();
    if (respondent) {
      b.respondent = respondent;
      b.speaker = respondent;
    }
    blocks.push(b);
  }
  if (!blocks.length) {
    throw new QualtagError('EMPTY_FILE', 'no row has any text', 'Fill the `text` column (one answer per row)', where);
  }
  return { text, format, blocks, kind: 'table' };
}

/** The most frequent of `,`, `;` and tab in the header line (Dutch Excel writes `;`). */
function sniffDelimiter(text: string): string {
  const header = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    const n = header.split(d).length - 1;
    if (n > bestCount) [best, bestCount] = [d, n];
  }
  return best;
}

export function parseCsv(text: string, where: string): ExtractedDocument {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter: sniffDelimiter(text),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: unknown }).lines;
    const msg = e instanceof Error ? e.message.replace(/^Invalid Record Length: |\.$/, '') : String(e);
    throw badRows(
      where,
      [`${typeof line === 'number' ? `line ${line}: ` : ''}the CSV cannot be read (${msg})`],
      'Check the quotes in that row: a text with commas or line breaks must be in double quotes, and a quote inside it doubled ("")',
    );
  }
  const header = (records[0]?.record ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const [idCol, textCol, respCol] = [col('id'), col('text'), col('respondent')];
  if (idCol === -1 || textCol === -1) {
    const missing = [idCol === -1 ? '`id`' : '', textCol === -1 ? '`text`' : ''].filter(Boolean).join(' and ');
    throw badRows(
      where,
      [`line 1: the header has no ${missing} column (found: ${header.join(', ') || 'nothing'})`],
      'The first row must name the columns: id, text and optionally respondent',
    );
  }
  // A quoted text may span lines: a record starts on the line after the previous record ended.
  const rows: Row[] = [];
  const problems: string[] = [];
  records.slice(1).forEach(({ record: rec }, i) => {
    const line = (records[i]?.info.lines ?? 0) + 1;
    if (rec.length < Math.max(idCol, textCol) + 1) {
      problems.push(`line ${line}: has ${rec.length} fields, the header has ${header.length}`);
      return;
    }
    const row: Row = { line, id: rec[idCol]!.trim(), text: rec[textCol]! };
    if (respCol !== -1 && rec[respCol]) row.respondent = rec[respCol];
    rows.push(row);
  });
  if (problems.length) throw badRows(where, problems, ROW_HINT);
  return tableDocument(rows, 'csv', where);
}

const JsonRow = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string(),
  respondent: z.string().nullish(),
});

export function parseJsonl(text: string, where: string): ExtractedDocument {
  const rows: Row[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`line ${line}: is not valid JSON`);
      return;
    }
    const r = JsonRow.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
      if (!obj) problems.push(`line ${line}: is not a JSON object`);
      else if (field && obj[field] === undefined) problems.push(`line ${line}: has no \`${field}\``);
      else problems.push(`line ${line}: field \`${field}\` must be ${field === 'id' ? 'a string or number' : 'a string'}`);
      return;
    }
    const row: Row = { line, id: r.data.id.trim(), text: r.data.text };
    if (r.data.respondent) row.respondent = r.data.respondent;
    rows.push(row);
  });
  if (problems.length) throw badRows(where, problems, `${ROW_HINT}; one JSON object per line, e.g. {"id":"q1","text":"...","respondent":"R6"}`);
  return tableDocument(rows, 'jsonl', where);
}
