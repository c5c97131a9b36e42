// Reviewed decisions read from a file, for learning rule terms (`qualtag rules learn --from`).
// JSON lines or CSV, one decision per line: {id?, text, code, also?, decision?}. Without `decision` the
// line is a gold coding: `code` and every code in `also` were accepted (../shared/corpus/gold/*.jsonl).
// With it, `decision` is accepted | rejected | added for `code`. Lines with the same id (or, without an
// id, the same text) are one segment; for the same segment and code the last line wins.
import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import { QualtagError } from '../errors.js';
import { parseJsonLines } from './jsonl.js';
import type { ReviewedExample } from './learn.js';

const Decision = z
  .enum(['accepted', 'rejected', 'added', 'accept', 'reject', 'add'])
  .transform((d): 'accepted' | 'rejected' => (d.startsWith('reject') ? 'rejected' : 'accepted'));

export const ReviewedLine = z.object({
  id: z
    .union([z.string().min(1), z.number()])
    .transform(String)
    .nullish(),
  text: z.string().refine((t) => t.trim().length > 0, 'the text is empty'),
  code: z.string().trim().min(1, 'the code is empty'),
  also: z.array(z.string().trim().min(1)).nullish(),
  decision: Decision.nullish(),
});
export type ReviewedLine = z.infer<typeof ReviewedLine>;

const SHAPE = '{"id"?, "text", "code", "also"?: [codes], "decision"?: "accepted" | "rejected" | "added"}';
const CSV_HINT = 'The first row names the columns: text and code (optional: id, decision = accepted/rejected/added, also = codes separated by ;)';

/** Reads a decisions or gold file (JSONL, or CSV when the name ends in .csv) into reviewed segments. */
export function parseReviewedFile(text: string, fileName: string): ReviewedExample[] {
  const lines = /\.csv$/i.test(fileName) ? csvLines(text, fileName) : jsonLines(text, fileName);
  if (!lines.length) throw new QualtagError('EMPTY_FILE', 'the file holds no decisions', `Give one decision per line: ${SHAPE}`, fileName);
  return toExamples(lines, fileName);
}

function jsonLines(text: string, fileName: string): Array<{ line: number; row: ReviewedLine }> {
  // parseJsonLines skips blank lines, so the line numbers are found again for the ids of id-less rows.
  const numbers: number[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim()) numbers.push(i + 1);
  });
  return parseJsonLines(text, fileName, ReviewedLine, SHAPE).map((row, i) => ({ line: numbers[i]!, row }));
}

function csvLines(text: string, fileName: string): Array<{ line: number; row: ReviewedLine }> {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: unknown }).lines;
    throw new QualtagError(
      'BAD_ROWS',
      'the CSV cannot be read',
      'A text with commas, quotes or line breaks must be in double quotes, with a quote inside it doubled ("")',
      `${fileName}${typeof line === 'number' ? `: line ${line}` : ''}`,
    );
  }
  const header = (records[0]?.record ?? []).map((h) => h.trim().toLowerCase());
  const missing = ['text', 'code'].filter((c) => !header.includes(c));
  if (missing.length)
    throw new QualtagError(
      'BAD_ROWS',
      `the header has no ${missing.join(' and ')} column (found: ${header.join(', ') || 'nothing'})`,
      CSV_HINT,
      `${fileName}: line 1`,
    );
  const out: Array<{ line: number; row: ReviewedLine }> = [];
  records.slice(1).forEach(({ record }, i) => {
    // A quoted text may span lines: a record starts on the line after the previous one ended.
    const line = records[i]!.info.lines + 1;
    const cell = (name: string): string | undefined => {
      const v = record[header.indexOf(name)]?.trim();
      return v ? v : undefined;
    };
    const raw = {
      id: cell('id'),
      text: record[header.indexOf('text')] ?? '',
      code: record[header.indexOf('code')] ?? '',
      also: cell('also')
        ?.split(';')
        .map((c) => c.trim())
        .filter(Boolean),
      decision: cell('decision')?.toLowerCase(),
    };
    const parsed = ReviewedLine.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new QualtagError('BAD_ROWS', `${issue.path.join('.') || 'row'}: ${issue.message}`, CSV_HINT, `${fileName}: line ${line}`);
    }
    out.push({ line, row: parsed.data });
  });
  return out;
}

function toExamples(lines: Array<{ line: number; row: ReviewedLine }>, fileName: string): ReviewedExample[] {
  const segments = new Map<string, { id: string; text: string; decisions: Map<string, 'accepted' | 'rejected'> }>();
  for (const { line, row } of lines) {
    const key = row.id ? `id:${row.id}` : `text:${row.text.trim()}`;
    let seg = segments.get(key);
    if (!seg) segments.set(key, (seg = { id: row.id ?? `${fileName}:${line}`, text: row.text, decisions: new Map() }));
    seg.decisions.set(row.code, row.decision ?? 'accepted');
    for (const c of row.also ?? []) seg.decisions.set(c, 'accepted');
  }
  return [...segments.values()].map((s) => ({
    id: s.id,
    text: s.text,
    accepted: [...s.decisions].filter(([, d]) => d === 'accepted').map(([c]) => c),
    rejected: [...s.decisions].filter(([, d]) => d === 'rejected').map(([c]) => c),
  }));
}
