// YAML codebooks as in ../shared/corpus/codebooks: categories → codes with name, definition,
// indicators, questions, aliases and optional rules/exclude. Unknown fields are ignored (zod strips them).
import { parse as parseYaml, YAMLParseError } from 'yaml';
import * as z from 'zod';
import { QualtagError } from '../errors.js';
import type { DraftCodebook } from './build.js';
import { issuePath } from './zod-path.js';

const text = z.string();
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
// A list field may be absent, null, one string or a list of strings (YAML authors write all four).
const textList = z
  .union([z.string(), z.array(z.union([z.string(), z.number()]).transform(String))])
  .nullish()
  .transform((v) => (v == null ? [] : typeof v === 'string' ? [v] : v));

// An anchor example is a passage string or {text, note}; the list may also be one example. Strings are
// turned into {text} before validation (not a union) so a bad entry's error names its own path.
const example = z.preprocess(
  (v) => (typeof v === 'string' ? { text: v } : v),
  z.object(
    {
      text: z.string('an example needs a text (the passage)').min(1, 'an example needs a text (the passage)'),
      note: z
        .string('an example note is text')
        .nullish()
        .transform((v) => v || undefined),
    },
    'an example is a passage or {text, note}',
  ),
);
const exampleList = z
  .preprocess((v) => (v == null ? [] : Array.isArray(v) ? v : [v]), z.array(example))
  .transform((list) => list.map((e) => (e.note ? { text: e.text, note: e.note } : { text: e.text })));

const CodeSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  name: text.min(1, 'a code needs a name'),
  definition: optionalText,
  description: optionalText,
  indicators: textList,
  questions: textList,
  aliases: textList,
  rules: textList,
  exclude: textList,
  examples: exampleList,
  color: z
    .string()
    .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'a color is #RGB or #RRGGBB')
    .nullish()
    .transform((v) => v ?? undefined),
});

const CategorySchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  name: text.min(1, 'a category needs a name'),
  definition: optionalText,
  description: optionalText,
  codes: z.array(CodeSchema, 'a category needs a list of codes'),
});

const CodebookSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  title: optionalText,
  language: z
    .string()
    .nullish()
    .transform((v) => (v ?? 'nl').toLowerCase().slice(0, 2))
    .pipe(z.enum(['nl', 'en'], 'language must be nl or en')),
  categories: z.array(CategorySchema, 'the codebook needs a list of categories'),
});

export function parseYamlCodebook(source: string, fileName: string, fallbackId: string): DraftCodebook {
  let data: unknown;
  try {
    data = parseYaml(source);
  } catch (e) {
    const line = e instanceof YAMLParseError ? e.linePos?.[0]?.line : undefined;
    throw new QualtagError(
      'BAD_CODEBOOK',
      `not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      'Fix the YAML syntax (indentation, quotes around values containing ": ")',
      line ? `${fileName}: line ${line}` : fileName,
    );
  }
  const parsed = CodebookSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new QualtagError(
      'BAD_CODEBOOK',
      issue.message,
      'A codebook has categories, each with a name and codes; each code has a name and optional definition, indicators, questions, aliases, rules, exclude and examples (passages, or {text, note})',
      `${fileName}: ${issuePath(issue.path) || '(top level)'}`,
    );
  }
  const cb = parsed.data;
  return {
    id: cb.id ?? fallbackId,
    ...(cb.title ? { title: cb.title } : {}),
    language: cb.language,
    idsExpected: true,
    categories: cb.categories.map((c, i) => ({
      ...(c.id ? { id: c.id } : {}),
      name: c.name,
      ...((c.definition ?? c.description) ? { definition: c.definition ?? c.description } : {}),
      where: `categories[${i}]`,
      codes: c.codes.map((k, j) => ({
        ...(k.id ? { id: k.id } : {}),
        name: k.name,
        ...((k.definition ?? k.description) ? { definition: k.definition ?? k.description } : {}),
        indicators: k.indicators,
        questions: k.questions,
        aliases: k.aliases,
        rules: k.rules,
        exclude: k.exclude,
        examples: k.examples,
        ...(k.color ? { color: k.color } : {}),
        where: `categories[${i}].codes[${j}]`,
      })),
    })),
  };
}
