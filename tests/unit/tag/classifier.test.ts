import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { trainCodeClassifier } from '../../../lib/tag/classifier.js';
import { crossValidateLearning, type GoldItem } from '../../../lib/tag/eval.js';
import { compileTagger, FILL_SHARE } from '../../../lib/tag/index.js';
import type { ReviewedExample } from '../../../lib/tag/learn.js';

// A small English codebook written for these tests: every code has a rule, burglary also an exclusion.
const CB = parseCodebook(
  `id: clf-en
language: en
categories:
  - id: safety
    name: Safety
    codes:
      - id: safety/police
        name: Police presence
        rules: [police]
      - id: safety/lighting
        name: Street lighting
        rules: [lamp]
      - id: safety/burglary
        name: Burglary
        rules: [burglar]
        exclude: [cartoon]
      - id: safety/traffic
        name: Traffic
        rules: [speeding]
`,
  'clf-en.yaml',
);

const ex = (id: string, text: string, accepted: string[], rejected: string[] = []): ReviewedExample => ({ id, text, accepted, rejected });

const EXAMPLES: ReviewedExample[] = [
  ex('p1', 'The patrol passed our street twice.', ['safety/police']),
  ex('p2', 'A patrol car stops near the school.', ['safety/police']),
  ex('p3', 'Officers on patrol greet the children.', ['safety/police']),
  ex('l1', 'It is dark at the corner at night.', ['safety/lighting']),
  ex('l2', 'Dark alleys scare me at night.', ['safety/lighting']),
  ex('l3', 'So dark behind the station at night.', ['safety/lighting']),
  ex('b1', 'Someone broke into the house next door.', ['safety/burglary']),
  ex('b2', 'Thieves broke the door of our house.', ['safety/burglary']),
  ex('b3', 'They broke into my house while we slept.', ['safety/burglary'], ['safety/lighting']),
  ex('t1', 'Cars race through the street far too fast.', ['safety/traffic']),
  ex('t2', 'Trucks drive fast past the school.', ['safety/traffic']),
];

describe('trainCodeClassifier', () => {
  it('returns null below the minimum: two codes with two accepted passages each', () => {
    expect(trainCodeClassifier(CB, EXAMPLES.filter((e) => e.id.startsWith('p')))).toBeNull();
    // Police has three passages, lighting one: one code short.
    expect(trainCodeClassifier(CB, [...EXAMPLES.filter((e) => e.id.startsWith('p')), EXAMPLES[3]!])).toBeNull();
    // Codes not in the codebook do not count.
    const unknown = [ex('x1', 'Noise from the bar.', ['noise']), ex('x2', 'The bar is noisy.', ['noise'])];
    expect(trainCodeClassifier(CB, [...EXAMPLES.filter((e) => e.id.startsWith('p')), ...unknown])).toBeNull();
    const two = trainCodeClassifier(CB, EXAMPLES.filter((e) => e.id.startsWith('p') || e.id.startsWith('t')));
    expect(two).not.toBeNull();
    expect(two!.passages).toBe(5);
  });

  it('ranks codebook codes only, normalised, and learns from accepted codes', () => {
    const clf = trainCodeClassifier(CB, [...EXAMPLES, ex('x1', 'Noise from the bar.', ['noise']), ex('x2', 'The bar is noisy at night.', ['noise'])])!;
    const ranked = clf.rank('It was so dark at night near the corner.');
    expect(ranked[0]!.code).toBe('safety/lighting');
    expect(ranked.map((r) => r.code)).not.toContain('noise');
    expect(ranked.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 9);
    expect(clf.rank('Someone broke into the house.')[0]!.code).toBe('safety/burglary');
  });

  it('is deterministic: the same examples in another order give the same ranking', () => {
    const text = 'A patrol car drove fast through the dark street.';
    const a = trainCodeClassifier(CB, EXAMPLES)!.rank(text);
    const b = trainCodeClassifier(CB, [...EXAMPLES].reverse())!.rank(text);
    expect(b).toEqual(a);
  });
});

describe('tag() with a classifier fill', () => {
  const tagger = compileTagger(CB);
  const clf = trainCodeClassifier(CB, EXAMPLES)!;

  it('fills only the empty slots, after and below the rule proposals, in classifier order', () => {
    const text = 'The police came when someone broke into the house at night; it was dark.';
    const rules = tagger.tag(text);
    expect(rules.map((p) => p.code)).toEqual(['safety/police']);
    const filled = tagger.tag(text, { fill: clf });
    expect(filled).toHaveLength(3);
    expect(filled[0]).toEqual(rules[0]);
    const expected = clf.rank(text).map((r) => r.code).filter((c) => c !== 'safety/police').slice(0, 2);
    expect(filled.slice(1).map((p) => p.code)).toEqual(expected);
    for (const p of filled.slice(1)) {
      expect(p.score).toBeGreaterThan(0);
      expect(p.score).toBeLessThan(rules[0]!.score);
      expect(p.evidence).toHaveLength(1);
      expect(p.evidence[0]).toMatchObject({ start: 0, end: 0, source: 'classifier' });
      expect(p.evidence[0]!.rule).toMatch(/^classifier: 0\.\d\d \(from 11 reviewed passages\)$/);
    }
    expect(filled[1]!.score).toBeLessThanOrEqual(FILL_SHARE * rules[0]!.score);
    expect(filled[2]!.score).toBeLessThanOrEqual(filled[1]!.score);
  });

  it('leaves the output alone when the rules fill every slot, and fills all slots when no rule holds', () => {
    const full = 'The police saw a burglar near the lamp, speeding away.';
    expect(tagger.tag(full, { fill: clf })).toEqual(tagger.tag(full));
    expect(tagger.tag(full, { topK: 1, fill: clf })).toEqual(tagger.tag(full, { topK: 1 }));
    const none = 'Someone broke into the house next to ours.';
    expect(tagger.tag(none)).toEqual([]);
    const filled = tagger.tag(none, { fill: clf });
    expect(filled.map((p) => p.code)).toEqual(clf.rank(none).slice(0, 3).map((r) => r.code));
    expect(filled[0]!.code).toBe('safety/burglary');
  });

  it('never fills a code an exclusion rule of the segment vetoes', () => {
    const text = 'In the cartoon someone broke into the house.';
    expect(clf.rank(text)[0]!.code).toBe('safety/burglary');
    const filled = tagger.tag(text, { fill: clf });
    expect(filled).toHaveLength(3);
    expect(filled.map((p) => p.code)).not.toContain('safety/burglary');
    // Without the veto word the same classifier fills it first.
    expect(tagger.tag('In the film someone broke into the house.', { fill: clf })[0]!.code).toBe('safety/burglary');
  });
});

describe('crossValidateLearning with the classifier fill', () => {
  it('trains each fold on the other folds only', () => {
    // Codes whose rules never match; every passage is one word seen nowhere else. A classifier that saw
    // the evaluated passage would know its code; one trained on the other folds can only guess.
    const cb = parseCodebook(
      `id: leak
language: en
categories:
  - id: c
    name: C
    codes:
      - { id: c/a, name: Alpha, rules: [alpha] }
      - { id: c/b, name: Beta, rules: [beta] }
      - { id: c/c, name: Gamma, rules: [gamma] }
`,
      'leak.yaml',
    );
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const items: GoldItem[] = Array.from({ length: 18 }, (_, i) => ({ id: `i${String(i).padStart(2, '0')}`, text: `zorb${letters[i]}${letters[25 - i]}ix`, code: ['c/a', 'c/b', 'c/c'][i % 3]!, also: [] }));
    const all = trainCodeClassifier(cb, items.map((g) => ex(g.id, g.text, [g.code])))!;
    expect(items.every((g) => all.rank(g.text)[0]!.code === g.code)).toBe(true);
    const r = crossValidateLearning(cb, items, { folds: 3, k: 3 });
    expect(r.filled.coverage).toBe(1);
    expect(r.filled.hitAt1).toBeLessThan(0.5);
    expect(r.perFold.every((f) => f.classifierPassages === 12)).toBe(true);
  });
});
