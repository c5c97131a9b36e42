import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCodebook, parseCodebook } from '../../../lib/codebook/index.js';
import { QualtagError } from '../../../lib/errors.js';
import { projectRoot } from '../../helpers/shared.js';

const fixture = (name: string) => readFileSync(path.join(projectRoot, 'tests/fixtures/codebook', name), 'utf8');

function refusal(text: string, fileName: string): QualtagError {
  try {
    parseCodebook(text, fileName);
  } catch (e) {
    if (e instanceof QualtagError) return e;
    throw e;
  }
  throw new Error('expected the codebook to be refused');
}

describe('parseCodebook (YAML)', () => {
  const cb = parseCodebook(fixture('small-en.yaml'), 'small-en.yaml');

  it('reads categories and codes, filling in missing ids', () => {
    expect(cb.id).toBe('small-en');
    expect(cb.language).toBe('en');
    expect(cb.categories.map((c) => c.id)).toEqual(['trust', 'safety']);
    expect(cb.categories[1]!.codes[0]).toMatchObject({ id: 'safety/feeling-unsafe', categoryId: 'safety', definition: 'Fear of crime in the street.' });
    expect(cb.categories[1]!.codes[0]!.questions).toEqual(['Do you feel safe walking home at night?']);
  });

  it('keeps rules and exclusions, accepts a single string for a list, ignores extra fields', () => {
    const police = cb.categories[0]!.codes[0]!;
    expect(police.rules).toEqual(['police AND (trust OR rely)', '"community officer"^2']);
    expect(police.exclude).toEqual(['"police series"']);
    const neighbours = cb.categories[0]!.codes[1]!;
    expect(neighbours.aliases).toEqual(['Neighbourliness']);
    expect(neighbours).not.toHaveProperty('reviewer_note');
  });

  it('warns, with the path, for each code whose id was derived from its name', () => {
    const { warnings } = loadCodebook(fixture('small-en.yaml'), 'small-en.yaml');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^small-en\.yaml: 1 code has no id; .*categories\[1\]\.codes\[0\]\.id → "safety\/feeling-unsafe"/);
    expect(warnings[0]).toMatch(/detaches its codings/);
    const withIds = 'categories:\n  - id: a\n    name: A\n    codes:\n      - id: a/x\n        name: X\n';
    expect(loadCodebook(withIds, 'ids.yaml').warnings).toEqual([]);
  });

  it('lists the first three derived ids and counts the rest', () => {
    const codes = ['Een', 'Twee', 'Drie', 'Vier', 'Vijf'].map((n) => `      - name: ${n}\n`).join('');
    const { warnings } = loadCodebook(`categories:\n  - id: c\n    name: C\n    codes:\n${codes}`, 'veel.yaml');
    expect(warnings).toEqual([expect.stringMatching(/^veel\.yaml: 5 codes have no id; .*codes\[2\]\.id → "c\/drie" and 2 more\./)]);
  });

  it('defaults the language to nl', () => {
    expect(parseCodebook('categories: [{name: A, codes: [{name: B}]}]', 'x.yaml').language).toBe('nl');
  });

  it('versions by content: same content same version, any change a new one', () => {
    const again = parseCodebook(fixture('small-en.yaml'), 'renamed.yaml');
    expect(again.version).toBe(cb.version);
    expect(cb.version).toMatch(/^[0-9a-f]{16}$/);
    const changed = parseCodebook(fixture('small-en.yaml').replace('rely on the police', 'count on the police'), 'small-en.yaml');
    expect(changed.version).not.toBe(cb.version);
  });

  it('refuses a bad rule with the path of the offending entry and the file name', () => {
    const e = refusal(fixture('bad-rule.yaml'), 'bad-rule.yaml');
    expect(e.kind).toBe('BAD_RULE');
    expect(e.where).toBe('bad-rule.yaml: categories[1].codes[0].rules[1]');
    expect(e.message).toContain('unbalanced quote');
  });

  it.each([
    ['categories: [{name: A, codes: [{definition: x}]}]', 'categories[0].codes[0].name'],
    ['categories: [{name: A, codes: [{name: B, indicators: {a: 1}}]}]', 'categories[0].codes[0].indicators'],
    ['categories: [{name: A}]', 'categories[0].codes'],
    ['title: no categories', 'categories'],
    ['categories: [{name: A, codes: [{name: B, color: red}]}]', 'categories[0].codes[0].color'],
    ['language: de\ncategories: [{name: A, codes: [{name: B}]}]', 'language'],
    ['categories: [{name: A, codes: [{id: x, name: B}, {id: x, name: C}]}]', 'categories[0].codes[1].id'],
    ['categories: [{name: A, codes: []}]', 'categories[0].codes'],
  ])('refuses %j at %s', (text, where) => {
    const e = refusal(text, 'cb.yaml');
    expect(e.kind).toBe('BAD_CODEBOOK');
    expect(e.where).toBe(`cb.yaml: ${where}`);
  });

  it('names the line of a YAML syntax error', () => {
    const e = refusal('categories:\n  - name: A\n   codes: [', 'cb.yaml');
    expect(e.kind).toBe('BAD_CODEBOOK');
    expect(e.where).toMatch(/^cb\.yaml: line \d+$/);
  });

  it('refuses empty files and unknown formats', () => {
    expect(refusal('  \n', 'cb.yaml').kind).toBe('BAD_CODEBOOK');
    expect(refusal('x', 'cb.docx').kind).toBe('UNSUPPORTED_TYPE');
  });
});

describe('parseCodebook (CSV)', () => {
  const cb = parseCodebook(fixture('small-nl.csv'), 'small-nl.csv');

  it('groups rows into categories and splits list cells', () => {
    expect(cb.categories.map((c) => [c.name, c.codes.map((k) => k.name)])).toEqual([
      ['Samenwerking', ['Informatie delen', 'Vertrouwen']],
      ['Effecten', ['Kennis']],
    ]);
    const delen = cb.categories[0]!.codes[0]!;
    expect(delen.id).toBe('samenwerking/informatie-delen');
    expect(delen.definition).toBe('Partners wisselen informatie uit');
    expect(delen.indicators).toEqual(['Partners delen informatie', 'Er zijn afspraken over informatie-uitwisseling']);
    expect(delen.rules).toEqual(['informatie-uitwisseling', '"gevoelige informatie"', 'samenwerking*']);
    expect(cb.categories[1]!.codes[0]!.rules).toEqual([]);
  });

  it('warns for rows without an id, naming their lines', () => {
    expect(loadCodebook(fixture('small-nl.csv'), 'small-nl.csv').warnings).toEqual([
      expect.stringMatching(/^small-nl\.csv: 3 codes have no id; .*line 2 → "samenwerking\/informatie-delen"/),
    ]);
    expect(loadCodebook('category,code,id\nA,B,a/b\n', 'ids.csv').warnings).toEqual([]);
  });

  it('refuses a CSV without a code column, and a bad keyword with its line', () => {
    expect(refusal('category,description\nA,x\n', 'cb.csv').where).toBe('cb.csv: line 1');
    const e = refusal('category,code,keywords\nA,B,ok\nA,C,"x AND"\n', 'cb.csv');
    expect(e.kind).toBe('BAD_RULE');
    expect(e.where).toBe('cb.csv: line 3.rules[0]');
  });
});
