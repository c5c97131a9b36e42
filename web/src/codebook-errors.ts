// A codebook the loader refused, in a researcher's words: where in the file (category 3, code 1, rule 2;
// or line 12) and what is wrong, instead of `categories[2].codes[0].rules[1]`, zod's "Invalid input:
// expected string, received undefined" or the request field `body.content`.

const NOUNS: Record<string, string> = {
  categories: 'category',
  codes: 'code',
  rules: 'rule',
  exclude: 'exclusion',
  indicators: 'indicator',
  questions: 'question',
  aliases: 'alias',
  examples: 'example',
};

/** `categories[2].codes[0].name` → `category 3, code 1` and the field `name` (null when the path ends at an item). */
export function plainPath(path: string): { place: string; field: string | null } {
  const parts: string[] = [];
  let field: string | null = null;
  for (const m of path.matchAll(/([A-Za-z_]+)(?:\[(\d+)\])?/g)) {
    const [, name, index] = m;
    field = null;
    if (index !== undefined) parts.push(`${NOUNS[name!] ?? name} ${Number(index) + 1}`);
    else field = name!;
  }
  return { place: parts.join(', '), field };
}

const TYPES: Record<string, string> = { string: 'text', number: 'a number', array: 'a list', object: 'a group of fields', boolean: 'yes or no' };

/** zod's wording → plain words; other messages (the loader's own) are kept. */
export function plainMessage(message: string): string {
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(message);
  if (missing) return 'is missing';
  const wrong = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (wrong) return `should be ${TYPES[wrong[1]!] ?? wrong[1]}, not ${TYPES[wrong[2]!] ?? wrong[2]}`;
  return message.replace(/^Invalid input: /, '');
}

export interface PlainCodebookError {
  /** One sentence: file, place, problem. */
  text: string;
  /** What to do about it (the loader's hint), when it said. */
  hint?: string;
}

/**
 * The API's answer to a refused codebook upload (`message`, `where`, `hint`) for a person. `where` is either
 * `<file>: <path in the file>` / `<file>: line N` from the loader, or a request field (`body.content`, `body.fileName`).
 */
export function plainCodebookError(fileName: string, message: string, where?: string, hint?: string): PlainCodebookError {
  if (where === 'body.content' && /empty/.test(message)) return { text: `${fileName} is empty.`, hint: 'Choose the codebook file itself (YAML, CSV or .qdc).' };
  if (where === 'body.content') return { text: `${fileName}: ${message}.`, hint: 'Choose a smaller codebook file.' };
  if (where === 'body.fileName') return { text: `${fileName} is not a codebook file.`, hint: 'A codebook is a .yaml, .yml, .csv or .qdc file.' };
  const inFile = where?.startsWith(`${fileName}`) ? where.slice(fileName.length).replace(/^:\s*/, '') : '';
  const problem = plainMessage(message);
  let sentence: string;
  if (!inFile || /^line \d+/.test(inFile)) sentence = inFile ? `${fileName}, ${inFile}: ${problem}` : `${fileName}: ${problem}`;
  else {
    const { place, field } = plainPath(inFile);
    const what = field ? (/^(is|should) /.test(problem) ? `the ${field} ${problem}` : `${field}: ${problem}`) : problem;
    sentence = place ? `${fileName}, ${place}: ${what}` : `${fileName}: ${what}`;
  }
  return { text: /[.!?:]$/.test(sentence) ? sentence : `${sentence}.`, ...(hint ? { hint } : {}) };
}
