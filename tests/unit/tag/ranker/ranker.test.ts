import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../../lib/codebook/index.js';
import { RANKER_PARAMS, trainRanker, type LabelledPassage } from '../../../../lib/tag/ranker/index.js';

// A small English codebook written for these tests.
const yaml = `
id: ranker-test
language: en
categories:
  - id: trust
    name: Trust
    codes:
      - id: trust/police
        name: Trust in the police
        indicators: [Residents rely on the police and the community officer.]
      - id: trust/neighbours
        name: Trust in neighbours
        indicators: [Neighbours help each other and look after the street.]
  - id: safety
    name: Safety
    codes:
      - id: safety/fear
        name: Fear of crime
        indicators: [Residents feel unsafe walking home at night.]
      - id: safety/lighting
        name: Street lighting
        indicators: [Lamps and lighting in the streets.]
`;
const cb = parseCodebook(yaml, 'ranker-test.yaml');
const top = (r: ReturnType<typeof trainRanker>, text: string) => r.rank(text)[0]!.code;

describe('trainRanker', () => {
  it('ranks codes from the codebook alone: the code whose words the passage uses comes first', () => {
    const r = trainRanker(cb, []);
    expect(top(r, 'I would not walk home at night, I feel unsafe.')).toBe('safety/fear');
    expect(top(r, 'My neighbours always help when I am away.')).toBe('trust/neighbours');
    const ranked = r.rank('anything');
    expect(ranked).toHaveLength(4);
    expect(ranked.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 6);
  });

  it('learns words the codebook does not use from anchor examples and reviewed passages', () => {
    const text = 'The bobby on the beat knows everyone here.';
    const before = trainRanker(cb, []);
    const labelled: LabelledPassage[] = [
      { text: 'The bobby came by and sorted it out.', accepted: ['trust/police'], rejected: [] },
      { text: 'You can count on the bobby on the beat.', accepted: ['trust/police'], rejected: [] },
    ];
    const after = trainRanker(cb, labelled);
    const p = (r: ReturnType<typeof trainRanker>) => r.rank(text).find((x) => x.code === 'trust/police')!.probability;
    expect(p(after)).toBeGreaterThan(p(before));
    expect(top(after, text)).toBe('trust/police');
    // The same through the codebook's own anchor examples.
    const withExamples = parseCodebook(
      yaml.replace(
        'indicators: [Residents rely on the police and the community officer.]',
        'indicators: [Residents rely on the police and the community officer.]\n        examples: ["The bobby came by and sorted it out.", {text: "You can count on the bobby on the beat.", note: "colloquial"}]',
      ),
      'x.yaml',
    );
    expect(top(trainRanker(withExamples, []), text)).toBe('trust/police');
  });

  it('a rejection lowers its code for such passages', () => {
    const text = 'The lamps in our street are broken again.';
    const rejected: LabelledPassage[] = [
      { text: 'The lamps in the street are broken, nobody fixes them.', accepted: ['safety/fear'], rejected: ['safety/lighting'] },
    ];
    const p = (r: ReturnType<typeof trainRanker>) => r.rank(text).find((x) => x.code === 'safety/lighting')!.probability;
    expect(p(trainRanker(cb, rejected))).toBeLessThan(p(trainRanker(cb, [{ ...rejected[0]!, rejected: [] }])));
  });

  it('class balance: a code reviewed forty times pulls less than it would unbalanced, and does not swamp one reviewed twice', () => {
    const many: LabelledPassage[] = Array.from({ length: 40 }, (_, i) => ({
      text: `The police came to our house about the burglary, visit ${i}.`,
      accepted: ['trust/police'],
      rejected: [],
    }));
    const few: LabelledPassage[] = [0, 1].map(() => ({ text: 'The neighbours kept an eye on our house.', accepted: ['trust/neighbours'], rejected: [] }));
    const text = 'Who kept an eye on the house?';
    const police = (r: ReturnType<typeof trainRanker>) => r.rank(text).find((x) => x.code === 'trust/police')!.probability;
    const balanced = trainRanker(cb, [...many, ...few]);
    expect(top(balanced, text)).toBe('trust/neighbours');
    expect(police(balanced)).toBeLessThan(police(trainRanker(cb, [...many, ...few], { ...RANKER_PARAMS, balance: 0 })));
  });

  it('codes nobody reviewed yet are not pushed down for it (a reviewer who starts with one code)', () => {
    const onlyPolice: LabelledPassage[] = Array.from({ length: 12 }, (_, i) => ({
      text: `We talked with the officer about case ${i}, the police listened and came to the street.`,
      accepted: ['trust/police'],
      rejected: [],
    }));
    const text = 'It is dark in the street at night.';
    expect(top(trainRanker(cb, onlyPolice), text)).toMatch(/^safety\//);
    // Fitted freely, the biases would learn "reviewed so far" and put the police first.
    expect(top(trainRanker(cb, onlyPolice, { ...RANKER_PARAMS, unseenBias: false }), text)).toBe('trust/police');
  });

  it('explains a proposal by the words of the text that carried it, with their spans', () => {
    const r = trainRanker(cb, []);
    const text = 'I feel unsafe at night.';
    const why = r.explain(text, 'safety/fear');
    expect(why.length).toBeGreaterThan(0);
    const words = why.flatMap((w) => w.spans.map(([s, e]) => text.slice(s, e)));
    expect(words).toContain('unsafe');
    for (let i = 1; i < why.length; i++) expect(why[i]!.contribution).toBeLessThanOrEqual(why[i - 1]!.contribution);
    expect(r.explain(text, 'no/such-code')).toEqual([]);
  });

  it('finds the most similar labelled passage of a code', () => {
    const labelled: LabelledPassage[] = [
      { text: 'The neighbours watered my plants.', accepted: ['trust/neighbours'], rejected: [] },
      { text: 'Neighbours organised a street party.', accepted: ['trust/neighbours'], rejected: [] },
    ];
    const r = trainRanker(cb, labelled);
    expect(r.nearestExample('Who waters the plants when you are away? The neighbours.', 'trust/neighbours')?.text).toBe('The neighbours watered my plants.');
    expect(r.nearestExample('Completely unrelated words.', 'trust/neighbours')).toBeUndefined();
  });
});
