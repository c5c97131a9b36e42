// Turns a loosely shaped codebook (from YAML, CSV or .qdc) into the normalised Codebook:
// ids filled in, rules syntax-checked with a precise path, and the version computed as a content hash.
import { createHash } from 'node:crypto';
import { QualtagError } from '../errors.js';
import type { AnchorExample, Category, Code, Codebook, Language } from '../model.js';
import { parseRule, RuleSyntaxError } from './rules.js';

/** A code as a loader read it: its id may still be missing (made from the name). */
export type DraftCode = Omit<Code, 'id' | 'categoryId'> & {
  id?: string;
  /** Where this code came from, for error messages (e.g. `categories[2].codes[0]` or `row 5`). */
  where: string;
};

export interface DraftCategory {
  id?: string;
  name: string;
  definition?: string;
  codes: DraftCode[];
  where: string;
}

export interface DraftCodebook {
  id: string;
  title?: string;
  language: Language;
  categories: DraftCategory[];
  /** The format can carry code ids (YAML, CSV): a code without one gets a warning. */
  idsExpected?: boolean;
}

/** A parsed codebook and what the researcher should know about it (e.g. ids derived from names). */
export interface LoadedCodebook {
  codebook: Codebook;
  warnings: string[];
}

/** Lower-case ASCII slug used when a codebook gives no ids. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'code';
}

const clean = (s: string | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

/** Trimmed examples (line breaks as \n); empty passages are dropped, a note is one line, empty notes left out. */
export function cleanExamples(examples: readonly AnchorExample[]): AnchorExample[] {
  return examples.flatMap((e) => {
    const text = e.text.replace(/\r\n?/g, '\n').trim();
    if (!text) return [];
    const note = clean(e.note?.replace(/\s+/g, ' '));
    return [note ? { text, note } : { text }];
  });
}

/** Throws BAD_RULE with the path of the first rule that does not parse. */
export function checkRules(rules: string[], fileName: string, where: string): void {
  rules.forEach((rule, i) => {
    try {
      parseRule(rule);
    } catch (e) {
      if (!(e instanceof RuleSyntaxError)) throw e;
      throw new QualtagError(
        'BAD_RULE',
        `${e.message} (column ${e.column + 1} of ${JSON.stringify(rule)})`,
        'Fix the rule: see "Codebooks and the rule language" in the README (words, "phrases", stem*, AND/OR/NOT, NEAR/n, ^weight)',
        `${fileName}: ${where}[${i}]`,
      );
    }
  });
}

/** The codebook version: a hash of everything that changes what the tagger proposes. */
export function codebookVersion(cb: Omit<Codebook, 'version'>): string {
  const canonical = JSON.stringify({
    language: cb.language,
    categories: cb.categories.map((c) => ({
      id: c.id,
      name: c.name,
      definition: c.definition ?? null,
      // Examples join the hash only when present, so codebooks without them keep their earlier version.
      codes: c.codes.map((k) => [
        k.id,
        k.name,
        k.definition ?? null,
        k.indicators,
        k.questions,
        k.aliases,
        k.rules,
        k.exclude,
        k.color ?? null,
        ...(k.examples.length ? [k.examples.map((e) => (e.note === undefined ? [e.text] : [e.text, e.note]))] : []),
      ]),
    })),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function buildCodebook(draft: DraftCodebook, fileName: string): Codebook {
  return buildCodebookWithWarnings(draft, fileName).codebook;
}

// A derived id follows the code's name, so renaming the code later changes its id and detaches its
// codings. The codebook is accepted (the corpus and CSV exports often have no ids), with a warning.
function missingIdWarning(fileName: string, derived: Array<{ where: string; id: string }>): string[] {
  if (!derived.length) return [];
  const shown = derived
    .slice(0, 3)
    .map((d) => `${d.where} → "${d.id}"`)
    .join(', ');
  const more = derived.length > 3 ? ` and ${derived.length - 3} more` : '';
  return [
    `${fileName}: ${derived.length} code${derived.length === 1 ? ' has' : 's have'} no id; derived from the category and name: ${shown}${more}. ` +
      'Renaming such a code changes its id and detaches its codings: write the ids into the codebook (`id:` per code, or an id column)',
  ];
}

/** Builds the codebook and lists the codes whose ids were derived from their names. */
export function buildCodebookWithWarnings(draft: DraftCodebook, fileName: string): LoadedCodebook {
  const derived: Array<{ where: string; id: string }> = [];
  if (!draft.categories.length) {
    throw new QualtagError('BAD_CODEBOOK', 'the codebook has no categories', 'Add at least one category with one code', `${fileName}: categories`);
  }
  const seenCategories = new Set<string>();
  const seenCodes = new Map<string, string>();
  const categories: Category[] = draft.categories.map((dc) => {
    const id = clean(dc.id) ?? slugify(dc.name);
    if (seenCategories.has(id)) {
      throw new QualtagError('BAD_CODEBOOK', `duplicate category id "${id}"`, 'Give every category a unique id', `${fileName}: ${dc.where}.id`);
    }
    seenCategories.add(id);
    if (!dc.codes.length) {
      throw new QualtagError(
        'BAD_CODEBOOK',
        `category "${dc.name}" has no codes`,
        'Add at least one code to it or remove it',
        `${fileName}: ${dc.where}.codes`,
      );
    }
    const codes: Code[] = dc.codes.map((d) => {
      const given = clean(d.id);
      const codeId = given ?? `${id}/${slugify(d.name)}`;
      if (!given && draft.idsExpected) derived.push({ where: `${d.where}${d.where.startsWith('line') ? '' : '.id'}`, id: codeId });
      const earlier = seenCodes.get(codeId);
      if (earlier) {
        throw new QualtagError(
          'BAD_CODEBOOK',
          `duplicate code id "${codeId}" (also at ${earlier})`,
          'Give every code a unique id',
          `${fileName}: ${d.where}.id`,
        );
      }
      seenCodes.set(codeId, d.where);
      checkRules(d.rules, fileName, `${d.where}.rules`);
      checkRules(d.exclude, fileName, `${d.where}.exclude`);
      const code: Code = {
        id: codeId,
        name: d.name.trim(),
        categoryId: id,
        indicators: d.indicators.map((s) => s.trim()).filter(Boolean),
        questions: d.questions.map((s) => s.trim()).filter(Boolean),
        aliases: d.aliases.map((s) => s.trim()).filter(Boolean),
        rules: d.rules.map((s) => s.trim()).filter(Boolean),
        exclude: d.exclude.map((s) => s.trim()).filter(Boolean),
        examples: cleanExamples(d.examples),
      };
      const definition = clean(d.definition);
      if (definition) code.definition = definition;
      if (d.color) code.color = d.color;
      return code;
    });
    const category: Category = { id, name: dc.name.trim(), codes };
    const definition = clean(dc.definition);
    if (definition) category.definition = definition;
    return category;
  });
  const base = { id: draft.id, language: draft.language, categories, ...(draft.title ? { title: draft.title } : {}) };
  return { codebook: { ...base, version: codebookVersion(base) }, warnings: missingIdWarning(fileName, derived) };
}
