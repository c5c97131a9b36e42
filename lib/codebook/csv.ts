// CSV codebooks: one row per code with the columns category, code, description, indicators, keywords
// (header names are case-insensitive; optional: id, category_description, aliases, questions, exclude, color,
// examples). Multi-valued cells hold one item per line or separated by semicolons; keywords may also use commas;
// anchor examples (whole passages, which may hold semicolons) are separated by a blank line or "|".
import { parse } from 'csv-parse/sync';
import { QualtagError } from '../errors.js';
import type { AnchorExample } from '../model.js';
import type { DraftCategory, DraftCodebook } from './build.js';

const HEADER_ALIASES: Record<string, string> = {
  category: 'category',
  categorie: 'category',
  code: 'code',
  name: 'code',
  description: 'description',
  definition: 'description',
  omschrijving: 'description',
  definitie: 'description',
  indicators: 'indicators',
  indicatoren: 'indicators',
  keywords: 'keywords',
  rules: 'keywords',
  trefwoorden: 'keywords',
  id: 'id',
  category_description: 'category_description',
  category_definition: 'category_description',
  aliases: 'aliases',
  questions: 'questions',
  vragen: 'questions',
  exclude: 'exclude',
  color: 'color',
  examples: 'examples',
  anchor_examples: 'examples',
  'anchor examples': 'examples',
  voorbeelden: 'examples',
  ankervoorbeelden: 'examples',
};

/** Splits a cell on newlines/semicolons (and commas when `commas`), never inside "double quotes". */
export function splitCell(cell: string | undefined, commas = false): string[] {
  if (!cell) return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of cell) {
    if (ch === '"' || ch === '“' || ch === '”') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === ';' || (commas && ch === ','))) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Anchor examples in a cell: passages separated by a blank line or "|" (a passage keeps its single line breaks). */
export function splitExamples(cell: string | undefined): AnchorExample[] {
  if (!cell) return [];
  return cell
    .split(/\r?\n[ \t]*\r?\n|\|/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => ({ text }));
}

export function parseCsvCodebook(source: string, fileName: string, fallbackId: string, language: 'nl' | 'en' = 'nl'): DraftCodebook {
  let rows: string[][];
  try {
    const delimiter = (source.split('\n', 1)[0] ?? '').split(';').length > (source.split('\n', 1)[0] ?? '').split(',').length ? ';' : ',';
    rows = parse(source.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new QualtagError(
      'BAD_CODEBOOK',
      `not valid CSV: ${e instanceof Error ? e.message : String(e)}`,
      'Save the codebook as CSV (UTF-8) with a header row',
      fileName,
    );
  }
  const header = (rows[0] ?? []).map((h) => HEADER_ALIASES[h.trim().toLowerCase()] ?? '');
  for (const required of ['category', 'code']) {
    if (!header.includes(required)) {
      throw new QualtagError(
        'BAD_CODEBOOK',
        `the header has no "${required}" column`,
        'The first row must name the columns: category, code, description, indicators, keywords',
        `${fileName}: line 1`,
      );
    }
  }
  const col = (row: string[], name: string): string | undefined => {
    const i = header.indexOf(name);
    return i >= 0 ? row[i]?.trim() : undefined;
  };
  const categories = new Map<string, DraftCategory>();
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    const category = col(row, 'category');
    const code = col(row, 'code');
    if (!category && !code) return;
    if (!category || !code) {
      throw new QualtagError(
        'BAD_CODEBOOK',
        `row ${line} needs both a category and a code`,
        'Fill in the category and code columns',
        `${fileName}: line ${line}`,
      );
    }
    let cat = categories.get(category);
    if (!cat) {
      const definition = col(row, 'category_description');
      cat = { name: category, codes: [], where: `line ${line}`, ...(definition ? { definition } : {}) };
      categories.set(category, cat);
    }
    const description = col(row, 'description');
    const id = col(row, 'id');
    const color = col(row, 'color');
    cat.codes.push({
      ...(id ? { id } : {}),
      name: code,
      ...(description ? { definition: description } : {}),
      indicators: splitCell(col(row, 'indicators')),
      questions: splitCell(col(row, 'questions')),
      aliases: splitCell(col(row, 'aliases')),
      rules: splitCell(col(row, 'keywords'), true),
      exclude: splitCell(col(row, 'exclude'), true),
      examples: splitExamples(col(row, 'examples')),
      ...(color ? { color } : {}),
      where: `line ${line}`,
    });
  });
  return { id: fallbackId, language, idsExpected: true, categories: [...categories.values()] };
}
