// Anchor examples (issue 11): parsed from YAML, validated with the path of the bad entry, carried by
// codebookToYaml, and part of the version only when present.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codebookToQdc, parseCodebook } from '../../../lib/codebook/index.js';
import { codebookToYaml } from '../../../lib/codebook/to-yaml.js';
import { QualtagError } from '../../../lib/errors.js';
import { projectRoot } from '../../helpers/shared.js';

const yaml = (examples: string) => `language: en
categories:
  - name: Trust
    codes:
      - name: Police
        definition: Trust in the police.
      - name: Neighbours
        definition: Relying on neighbours.
${examples}
`;

const withExamples = yaml(`        examples:
          - "I call the neighbours when I go away, they keep an eye on the house."
          - text: "  We look after each other's children.  "
            note: "mutual help counts too"
          - text: Next door waters my plants.
            note: ""`);

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

function refusal(text: string): QualtagError {
  try {
    parseCodebook(text, 'cb.yaml');
  } catch (e) {
    if (e instanceof QualtagError) return e;
    throw e;
  }
  throw new Error('expected the codebook to be refused');
}

describe('anchor examples in a YAML codebook', () => {
  it('reads passage strings and {text, note}, trimmed, empty notes left out', () => {
    const cb = parseCodebook(withExamples, 'cb.yaml');
    const [police, neighbours] = cb.categories[0]!.codes;
    expect(police!.examples).toEqual([]);
    expect(neighbours!.examples).toEqual([
      { text: 'I call the neighbours when I go away, they keep an eye on the house.' },
      { text: "We look after each other's children.", note: 'mutual help counts too' },
      { text: 'Next door waters my plants.' },
    ]);
  });

  it('accepts a single passage for the list', () => {
    const cb = parseCodebook(yaml('        examples: One passage.'), 'cb.yaml');
    expect(cb.categories[0]!.codes[1]!.examples).toEqual([{ text: 'One passage.' }]);
  });

  it.each([
    ['        examples:\n          - a\n          - b\n          - {note: no text}', 'categories[0].codes[1].examples[2].text'],
    ['        examples:\n          - text: ""', 'categories[0].codes[1].examples[0].text'],
    ['        examples:\n          - text: [1, 2]', 'categories[0].codes[1].examples[0].text'],
    ['        examples:\n          - text: ok\n            note: [x]', 'categories[0].codes[1].examples[0].note'],
  ])('refuses a bad example %j at %s', (block, where) => {
    const e = refusal(yaml(block));
    expect(e.kind).toBe('BAD_CODEBOOK');
    expect(e.where).toBe(`cb.yaml: ${where}`);
  });

  it('round-trips through codebookToYaml with the same version', () => {
    const cb = parseCodebook(withExamples, 'cb.yaml');
    const again = parseCodebook(codebookToYaml(cb), 'cb.yaml');
    expect(again).toEqual(cb);
  });

  it('changes the version when examples are added or changed, not when an empty list is written', () => {
    const none = parseCodebook(yaml(''), 'cb.yaml');
    const empty = parseCodebook(yaml('        examples: []'), 'cb.yaml');
    const some = parseCodebook(withExamples, 'cb.yaml');
    const noteChanged = parseCodebook(withExamples.replace('mutual help counts too', 'mutual help'), 'cb.yaml');
    expect(empty.version).toBe(none.version);
    expect(some.version).not.toBe(none.version);
    expect(noteChanged.version).not.toBe(some.version);
  });

  it('keeps the version codebooks without examples had before examples existed', () => {
    // Versions computed by the loader before the examples field was added (commit 11103e8).
    const before: Record<string, string> = {
      'examples/codebook.yaml': '660c169a36252e18',
      'tests/fixtures/codebook/small-en.yaml': '8fbdb9758602b1b0',
    };
    for (const [file, version] of Object.entries(before)) {
      expect(parseCodebook(readFileSync(path.join(projectRoot, file), 'utf8'), file).version).toBe(version);
    }
  });
});

describe('anchor examples in a CSV codebook', () => {
  const csv = `category,code,description,examples
Trust,Neighbours,Relying on neighbours,"They keep an eye on the house; I trust them.

We look after each other's children.
Every day, really."
Trust,Police,Trust in the police,Officer came at once | I call them and they come |  
Trust,Council,Trust in the council,
`;
  const codes = parseCodebook(csv, 'cb.csv').categories[0]!.codes;

  it('splits passages on a blank line, keeping semicolons, commas and single line breaks inside a passage', () => {
    expect(codes[0]!.examples).toEqual([
      { text: 'They keep an eye on the house; I trust them.' },
      { text: "We look after each other's children.\nEvery day, really." },
    ]);
  });

  it('splits passages on "|" and leaves out empty ones; an empty cell is no examples', () => {
    expect(codes[1]!.examples).toEqual([{ text: 'Officer came at once' }, { text: 'I call them and they come' }]);
    expect(codes[2]!.examples).toEqual([]);
  });

  it('reads the Dutch column name', () => {
    const nl = parseCodebook('categorie,code,voorbeelden\nA,B,een | twee\n', 'cb.csv');
    expect(nl.categories[0]!.codes[0]!.examples.map((e) => e.text)).toEqual(['een', 'twee']);
  });
});

describe('anchor examples through .qdc', () => {
  // Passages whose lines look like the Description's own headings, notes or escapes must come back as they were.
  const tricky = yaml(`        indicators: [Neighbours help]
        rules: [neighbour*]
        examples:
          - "First line\\nRules:\\nNote: not a note\\n\\\\backslash\\n\\nafter a blank line\\n  indented"
          - text: "Markup <b> & \\"quotes\\""
            note: "a note: with a colon"
          - Plain passage.`);

  it('round-trips passages and notes exactly, with the same version', () => {
    const cb = parseCodebook(tricky, 'cb.yaml');
    expect(cb.categories[0]!.codes[1]!.examples[0]!.text).toBe('First line\nRules:\nNote: not a note\n\\backslash\n\nafter a blank line\n  indented');
    const back = parseCodebook(codebookToQdc(cb), 'cb.qdc', { language: 'en' });
    expect(back.categories[0]!.codes[1]).toEqual(cb.categories[0]!.codes[1]);
    expect(back.version).toBe(cb.version);
  });

  it('writes them as readable text in the Description', () => {
    const xml = codebookToQdc(parseCodebook(withExamples, 'cb.yaml'));
    expect(xml).toContain('Anchor examples:\n- I call the neighbours when I go away, they keep an eye on the house.\n- We look after');
    expect(xml).toContain('  Note: mutual help counts too');
  });

  it.skipIf(!hasXmllint)('stays valid against Codebook.xsd (xmllint)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qdc-examples-'));
    const file = path.join(dir, 'cb.qdc');
    writeFileSync(file, codebookToQdc(parseCodebook(tricky, 'cb.yaml')));
    const xsd = path.join(projectRoot, 'tests/fixtures/codebook/Codebook.xsd');
    expect(() => execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' })).not.toThrow();
  });
});
