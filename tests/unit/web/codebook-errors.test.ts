// The codebook loader's errors as the Projects and Upload pages show them: where in the file, in words.
import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { isQualtagError } from '../../../lib/errors.js';
import { plainCodebookError, plainPath } from '../../../web/src/codebook-errors.js';

/** What the API answers for a refused codebook: the loader's message without its `where` prefix. */
function refusal(fileName: string, text: string): { message: string; where?: string; hint?: string } {
  try {
    parseCodebook(text, fileName);
  } catch (e) {
    if (!isQualtagError(e)) throw e;
    const message = e.where && e.message.startsWith(`${e.where}: `) ? e.message.slice(e.where.length + 2) : e.message;
    return { message, ...(e.where ? { where: e.where } : {}), hint: e.hint };
  }
  throw new Error(`${fileName} was accepted`);
}

const plain = (fileName: string, text: string) => {
  const r = refusal(fileName, text);
  return plainCodebookError(fileName, r.message, r.where, r.hint);
};

describe('codebook errors in plain words', () => {
  it('names the category and code (one-based) and the missing field, not the zod path or wording', () => {
    const e = plain(
      'thesis.yaml',
      'id: x\ncategories:\n  - id: c\n    name: C\n    codes:\n      - id: a\n        name: A\n      - id: k\n        rules: [x]\n',
    );
    expect(e.text).toBe('thesis.yaml, category 1, code 2: the name is missing.');
    expect(e.text).not.toMatch(/Invalid input|\[\d\]|received/);
    expect(e.hint).toContain('each code has a name');
  });

  it('a rule that does not parse: the rule by number and the parser message', () => {
    const e = plain('cb.yaml', "id: x\ncategories:\n  - name: C\n    codes:\n      - name: K\n        rules: [ok, '\"half open']\n");
    expect(e.text).toMatch(/^cb\.yaml, category 1, code 1, rule 2: .*quote/);
  });

  it('YAML syntax and CSV header errors keep their line', () => {
    expect(plain('b.yaml', 'id: [x').text).toMatch(/^b\.yaml, line 1: not valid YAML/);
    expect(plain('c.csv', 'foo,bar\n1,2\n').text).toBe('c.csv, line 1: the header has no "category" column.');
  });

  it('request-field errors (empty file, wrong extension) become sentences about the file', () => {
    expect(plainCodebookError('empty.yaml', 'the codebook file is empty', 'body.content').text).toBe('empty.yaml is empty.');
    expect(plainCodebookError('notes.docx', 'fileName must end in .yaml, .yml, .csv or .qdc', 'body.fileName').text).toBe('notes.docx is not a codebook file.');
    expect(plainCodebookError('empty.yaml', 'the codebook file is empty', 'body.content').text).not.toContain('body.');
  });

  it('paths: list items one-based, the field apart', () => {
    expect(plainPath('categories[2].codes[0].rules[1]')).toEqual({ place: 'category 3, code 1, rule 2', field: null });
    expect(plainPath('categories[0].codes[3].name')).toEqual({ place: 'category 1, code 4', field: 'name' });
  });
});
