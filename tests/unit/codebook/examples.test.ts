// Anchor examples (issue 11): parsed from YAML, validated with the path of the bad entry, carried by
// codebookToYaml, and part of the version only when present.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
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
