import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { assignFolds, crossValidateLearning, parseGold } from '../../../lib/tag/eval.js';
import { compileTagger } from '../../../lib/tag/index.js';
import { learnRuleTerms, upperTail, withLearnedRules, type ReviewedExample } from '../../../lib/tag/learn.js';
import { parseReviewedFile } from '../../../lib/tag/reviewed.js';

// A small English codebook written for these tests: two codes with rules of their own, one without.
const EN = parseCodebook(
  `id: learn-en
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
        definition: Homes broken into.
`,
  'learn-en.yaml',
);

const ex = (id: string, text: string, accepted: string[], rejected: string[] = []): ReviewedExample => ({ id, text, accepted, rejected });

const EXAMPLES: ReviewedExample[] = [
  ex('p1', 'The police patrol passed our street twice.', ['safety/police']),
  ex('p2', 'A patrol car stops near the school.', ['safety/police']),
  ex('p3', 'Officers on patrol greet the children.', ['safety/police']),
  ex('p4', 'The police officer knows everyone here.', ['safety/police']),
  ex('l1', 'The lamp at the corner is broken.', ['safety/lighting']),
  ex('l2', 'Dark alleys scare me at night.', ['safety/lighting']),
  ex('l3', 'It is so dark behind the station at night.', ['safety/lighting']),
  ex('b1', 'Someone broke into the house next door.', ['safety/burglary']),
  ex('b2', 'Our garden shed was broken into last winter.', ['safety/burglary']),
  // Reviewed segments about other things: a term must stand out against them.
  ...[
    'The weather was fine.',
    'The market is busy on Saturday.',
    'My neighbours are friendly.',
    'Rents went up again.',
    'The bus comes every hour.',
    'Children play in the square.',
    'The library closed in May.',
    'We moved here in 2010.',
    'Parking is hard to find.',
    'The new cafe is nice.',
  ].map((t, i) => ex(`o${i + 1}`, t, [])),
];

const rulesOf = (r: ReturnType<typeof learnRuleTerms>, code: string): string[] => r.codes.find((c) => c.code === code)?.suggestions.map((s) => s.rule) ?? [];
const suggestion = (r: ReturnType<typeof learnRuleTerms>, code: string, rule: string) =>
  r.codes.find((c) => c.code === code)?.suggestions.find((s) => s.rule === rule);

describe('learnRuleTerms', () => {
  const r = learnRuleTerms(EN, EXAMPLES);

  it('finds the terms distinctive for a code, with their figures', () => {
    const patrol = suggestion(r, 'safety/police', 'patrol')!;
    expect(patrol).toMatchObject({ kind: 'term', support: 3, otherMatches: 0, precision: 1, rejectedMatches: 0 });
    // p2 and p3 have no word of the code's rule (police): the term covers them newly, and they come first.
    expect(patrol.newlyCovered).toBe(2);
    expect(patrol.examples).toEqual(['p2', 'p3', 'p1']);
    expect(rulesOf(r, 'safety/lighting')).toContain('dark');
    // "night" matches exactly the segments "dark" matches: it would add nothing.
    expect(rulesOf(r, 'safety/lighting')).not.toContain('night');
    expect(
      learnRuleTerms(
        EN,
        EXAMPLES.filter((e) => e.id !== 'l2'),
      ).codes.find((c) => c.code === 'safety/lighting')?.suggestions ?? [],
    ).toEqual([]);
  });

  it('does not suggest what the rules in force already match, own or suggested', () => {
    expect(rulesOf(r, 'safety/police')).not.toContain('police');
    // burglary has no rules: its suggested rules (from "Homes broken into") already match "broken".
    expect(
      compileTagger(EN)
        .rulesByCode.get('safety/burglary')!
        .some((x) => x.startsWith('broken')),
    ).toBe(true);
    expect(rulesOf(r, 'safety/burglary').some((x) => x.replace(/"/g, '').split(' ').includes('broken'))).toBe(false);
  });

  it('leaves out stop words and terms below the minimum support', () => {
    const all = r.codes.flatMap((c) => c.suggestions.map((s) => s.rule));
    expect(all).not.toContain('the');
    expect(all).not.toContain('at');
    // "officers"/"officer" occur in two police segments: kept at support 2, gone at 3.
    expect(rulesOf(r, 'safety/police')).toContain('officer');
    expect(rulesOf(learnRuleTerms(EN, EXAMPLES, { minSupport: 3 }), 'safety/police')).toEqual(['patrol']);
    for (const c of r.codes) for (const s of c.suggestions) expect(s.support).toBeGreaterThanOrEqual(2);
  });

  it('counts a segment where the code was rejected against the term', () => {
    const withRejection = [...EXAMPLES, ex('x1', 'A patrol of scouts walked by.', [], ['safety/police'])];
    const asOther = [...EXAMPLES, ex('x1', 'A patrol of scouts walked by.', [])];
    const rejected = suggestion(learnRuleTerms(EN, withRejection), 'safety/police', 'patrol')!;
    const other = suggestion(learnRuleTerms(EN, asOther), 'safety/police', 'patrol')!;
    expect(rejected).toMatchObject({ otherMatches: 1, rejectedMatches: 1, precision: 0.75 });
    expect(other).toMatchObject({ otherMatches: 1, rejectedMatches: 0 });
    expect(rejected.score).toBeLessThan(other.score);
    // Enough rejections drop it altogether.
    const many = [...EXAMPLES, ...[1, 2, 3].map((i) => ex(`x${i}`, `A patrol of scouts number ${i}.`, [], ['safety/police']))];
    expect(rulesOf(learnRuleTerms(EN, many), 'safety/police')).not.toContain('patrol');
  });

  it('gives the same output whatever the order of the examples, best score first', () => {
    const shuffled = [...EXAMPLES].reverse();
    const again = learnRuleTerms(EN, shuffled);
    expect(again.codes.map((c) => c.suggestions.map((s) => s.rule))).toEqual(r.codes.map((c) => c.suggestions.map((s) => s.rule)));
    for (const c of r.codes) for (let i = 1; i < c.suggestions.length; i++) expect(c.suggestions[i - 1]!.score).toBeGreaterThanOrEqual(c.suggestions[i]!.score);
  });

  it('names codes the codebook does not have, and ignores them', () => {
    const res = learnRuleTerms(EN, [...EXAMPLES, ex('z1', 'patrol', ['safety/unknown'])]);
    expect(res.unknownCodes).toEqual(['safety/unknown']);
    expect(res.codes.map((c) => c.code)).not.toContain('safety/unknown');
  });

  it('finds Dutch compound parts, and a phrase when its words alone are not telling', () => {
    const nl = parseCodebook(
      `id: learn-nl
language: nl
categories:
  - id: wijk
    name: Wijk
    codes:
      - id: wijk/veiligheid
        name: Veiligheid
        rules: [veilig]
      - id: wijk/groen
        name: Groen
        rules: [park]
`,
      'learn-nl.yaml',
    );
    const r2 = learnRuleTerms(nl, [
      ex('a', 'De buurtpreventie loopt elke week.', ['wijk/veiligheid']),
      ex('b', 'Het preventieteam kwam langs.', ['wijk/veiligheid']),
      ex('c', 'Wij doen aan preventie.', ['wijk/veiligheid']),
      ex('d', 'Er komt een nieuwe speeltuin.', ['wijk/groen']),
      ex('e', 'De speeltuin is mooi geworden.', ['wijk/groen']),
      ex('f', 'De gemeente plant bomen.', ['wijk/groen']),
      ex('g', 'Bomen geven schaduw.', []),
      ...['Het weer was goed.', 'De markt is druk.', 'De buren zijn aardig.', 'De huur ging omhoog.', 'De bus rijdt elk uur.', 'De bibliotheek is dicht.'].map(
        (t, i) => ex(`o${i}`, t, []),
      ),
    ]);
    const prev = suggestion(r2, 'wijk/veiligheid', 'preventie')!;
    expect(prev.support).toBe(3);
    expect(rulesOf(r2, 'wijk/groen')).toContain('speeltuin');
    // "bomen" is also in a segment without the code: lower precision than speeltuin.
    expect(suggestion(r2, 'wijk/groen', 'bomen')?.precision ?? 0).toBeLessThan(suggestion(r2, 'wijk/groen', 'speeltuin')!.precision);
  });
});

describe('upperTail', () => {
  it('is the hypergeometric tail', () => {
    // 2 draws from 10 with 5 positives: P(both positive) = (5/10)(4/9).
    expect(upperTail(10, 5, 2, 2)).toBeCloseTo(2 / 9, 10);
    expect(upperTail(10, 5, 2, 0)).toBeCloseTo(1, 10);
  });
});

describe('withLearnedRules', () => {
  it('adds the top learnt rules after the rules in force and gives the copy a new version', () => {
    const r = learnRuleTerms(EN, EXAMPLES);
    const cb = withLearnedRules(EN, r, 1);
    const police = cb.categories[0]!.codes.find((c) => c.id === 'safety/police')!;
    expect(police.rules).toEqual(['police', rulesOf(r, 'safety/police')[0]]);
    expect(cb.version).not.toBe(EN.version);
    // A code without rules of its own gets its suggested rules written out in front of what was learnt.
    const lighting = withLearnedRules(EN, learnRuleTerms(EN, EXAMPLES), 1, new Map([['safety/lighting', ['lamp', 'light^0.5']]]));
    expect(lighting.categories[0]!.codes.find((c) => c.id === 'safety/lighting')!.rules).toEqual(['lamp', 'light^0.5', 'dark']);
    // A code with nothing learnt is left as it is.
    expect(r.codes.find((c) => c.code === 'safety/burglary')!.suggestions).toEqual([]);
    expect(cb.categories[0]!.codes.find((c) => c.id === 'safety/burglary')!.rules).toEqual([]);
  });
});

describe('crossValidateLearning', () => {
  it('never learns from the fold it evaluates', () => {
    const lines = [
      ...Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, text: `Police segment ${i}.`, code: 'safety/police' })),
      ...Array.from({ length: 30 }, (_, i) => ({ id: `l${i}`, text: `The lamp segment ${i}.`, code: 'safety/lighting' })),
    ];
    const folds = assignFolds(parseGold(lines.map((l) => JSON.stringify(l)).join('\n'), 'g.jsonl'), 2);
    // Give "zebra" to the two police items of one fold only.
    const police = lines.map((l, i) => ({ l, f: folds[i]! })).filter((x) => x.l.code === 'safety/police');
    const target = police[0]!.f;
    police
      .filter((x) => x.f === target)
      .slice(0, 2)
      .forEach((x) => {
        x.l.text = `${x.l.text} A zebra.`;
      });
    const gold = parseGold(lines.map((l) => JSON.stringify(l)).join('\n'), 'g.jsonl');
    const cv = crossValidateLearning(EN, gold, { folds: 2, top: 5 });
    expect(cv.added[target]!['safety/police'] ?? []).not.toContain('zebra');
    expect(cv.added[1 - target]!['safety/police']).toContain('zebra');
    expect(cv.learned.items).toBe(38);
    expect(cv.perFold.map((f) => f.items)).toEqual([19, 19]);
  });

  it('refuses fewer than 2 folds', () => {
    const gold = parseGold('{"id":1,"text":"police","code":"safety/police"}', 'g.jsonl');
    expect(() => crossValidateLearning(EN, gold, { folds: 1 })).toThrow(/at least 2 folds/);
  });
});

describe('parseReviewedFile', () => {
  it('reads gold lines (code and also accepted) and decisions, the last decision winning', () => {
    const text = [
      JSON.stringify({ id: 's1', text: 'a patrol', code: 'safety/police', also: ['safety/lighting'] }),
      JSON.stringify({ id: 's2', text: 'dark street', code: 'safety/lighting', decision: 'rejected' }),
      '',
      JSON.stringify({ text: 'no id here', code: 'safety/police', decision: 'added' }),
      JSON.stringify({ id: 's2', text: 'dark street', code: 'safety/lighting', decision: 'accepted' }),
      JSON.stringify({ id: 's2', text: 'dark street', code: 'safety/police', decision: 'rejected' }),
    ].join('\n');
    expect(parseReviewedFile(text, 'd.jsonl')).toEqual([
      { id: 's1', text: 'a patrol', accepted: ['safety/police', 'safety/lighting'], rejected: [] },
      { id: 's2', text: 'dark street', accepted: ['safety/lighting'], rejected: ['safety/police'] },
      { id: 'd.jsonl:4', text: 'no id here', accepted: ['safety/police'], rejected: [] },
    ]);
  });

  it('names the file and line of a bad JSON line', () => {
    const text = ['{"text":"a","code":"x"}', '{"text":"b","code":"x","decision":"maybe"}'].join('\n');
    expect(() => parseReviewedFile(text, 'd.jsonl')).toThrow(/d\.jsonl: line 2: decision/);
    expect(() => parseReviewedFile('{"text":"a","code":"x"}\nnot json', 'd.jsonl')).toThrow(/d\.jsonl: line 2/);
  });

  it('reads CSV, and names the file and line of a bad row', () => {
    const csv = 'id,text,code,decision\nr1,"a patrol, at night",safety/police,accepted\nr2,dark,safety/lighting,rejected\n';
    expect(parseReviewedFile(csv, 'd.csv')).toEqual([
      { id: 'r1', text: 'a patrol, at night', accepted: ['safety/police'], rejected: [] },
      { id: 'r2', text: 'dark', accepted: [], rejected: ['safety/lighting'] },
    ]);
    expect(() => parseReviewedFile('text;code\n"x";a\n"multi\nline";\n', 'e.csv')).toThrow(/e\.csv: line 3: code/);
    expect(() => parseReviewedFile('text,label\nx,y\n', 'f.csv')).toThrow(/f\.csv: line 1: the header has no code column/);
  });
});
