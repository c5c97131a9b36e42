import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import type { GoldItem } from '../../../lib/tag/eval.js';
import { evaluateExamples, mostUncertain, simulateReview, splitExamples } from '../../../lib/tag/eval-learning.js';
import { buildProposer } from '../../../lib/tag/propose.js';

const cb = parseCodebook(
  `
id: eval-learning-test
language: en
categories:
  - id: c
    name: Topics
    codes:
      - {id: c/police, name: Police, indicators: [The police and officers.]}
      - {id: c/neighbours, name: Neighbours, indicators: [Neighbours help each other.]}
      - {id: c/lighting, name: Lighting, indicators: [Street lamps and lighting.]}
`,
  'eval-learning-test.yaml',
);
const texts: Record<string, string[]> = {
  'c/police': ['The officer came at once.', 'We called the police twice.', 'An officer patrols here.', 'The police station is close.', 'Officers know us.'],
  'c/neighbours': ['Next door helps us.', 'Our neighbours are kind.', 'The people next door watch the house.', 'Neighbours bring soup.', 'We help next door.'],
  'c/lighting': ['The lamps are broken.', 'It is dark, no lighting.', 'New street lamps came.', 'Lighting is poor.', 'The lamp post flickers.'],
};
const items: GoldItem[] = Object.entries(texts).flatMap(([code, list]) =>
  list.map((text, i) => ({ id: `${code}-${i}`, text, code, also: [], kind: i % 2 ? 'quote' : 'paragraph' })),
);
const sets = [{ name: 'test', codebook: cb, items }];

describe('splitExamples', () => {
  it('keeps at least one test passage per code, and the same test set for every number of examples', () => {
    const { pool, test } = splitExamples(items, 7, 3);
    for (const list of pool.values()) expect(list).toHaveLength(3);
    expect(test).toHaveLength(items.length - 9);
    expect(new Set(test.map((t) => t.code)).size).toBe(3);
    expect(splitExamples(items, 7, 3).test.map((t) => t.id)).toEqual(test.map((t) => t.id));
    const few = splitExamples(
      items.filter((i) => i.id.endsWith('-0') || i.id.endsWith('-1')),
      1,
      3,
    );
    for (const list of few.pool.values()) expect(list).toHaveLength(1);
  });
});

describe('evaluateExamples', () => {
  it('reports every number of examples on the same test passages, quotes and paragraphs apart', () => {
    const r = evaluateExamples(sets, { examples: [0, 2], seeds: 2, rules: true });
    expect(r.rows.map((x) => x.examples)).toEqual([0, 2]);
    expect(r.testItems).toBe(9);
    for (const row of r.rows) {
      expect(row.all.items).toBe(9);
      expect(row.quotes.items + row.paragraphs.items).toBe(9);
      expect(row.all.hitAtK).toBeGreaterThanOrEqual(row.all.hitAt1);
    }
    // Two examples per code teach the words the codebook lacks (next door, lamps).
    expect(r.rows[1]!.all.hitAt1).toBeGreaterThan(r.rows[0]!.all.hitAt1);
    expect(r.rules?.all.items).toBe(9);
  });

  it('never trains on a test passage: a proposer that memorised the test set is not what is measured', () => {
    const seen: string[] = [];
    evaluateExamples(sets, {
      examples: [3],
      seeds: 1,
      proposer: (c, labelled) => {
        seen.push(...labelled.map((l) => l.text));
        return buildProposer(c, { labelled });
      },
    });
    const { test } = splitExamples(items, 1, 3);
    for (const t of test) expect(seen).not.toContain(t.text);
  });
});

describe('simulateReview', () => {
  it('measures the fixed rest after every step, learning only from reviewed passages', () => {
    const learnt: string[][] = [];
    const r = simulateReview(sets, {
      step: 3,
      order: 'reading',
      seeds: 1,
      proposer: (c, labelled) => {
        learnt.push(labelled.map((l) => l.text));
        return buildProposer(c, { labelled });
      },
    });
    expect(r.steps[0]!.reviewed).toBe(0);
    expect(r.steps.map((s) => s.reviewed)).toEqual([0, 3, 6, 9]);
    for (const s of r.steps) expect(s.all.items).toBe(6);
    expect(learnt.map((l) => l.length)).toEqual([0, 3, 6, 9]);
    expect(r.steps.at(-1)!.all.hitAtK).toBeGreaterThanOrEqual(r.steps[0]!.all.hitAt1);
  });

  it('uncertain order asks first about codes that no reviewed passage has yet', () => {
    const proposer = buildProposer(cb);
    const reviewed = items.filter((i) => i.code === 'c/police').slice(0, 2);
    const pool = items.filter((i) => !reviewed.includes(i));
    const picked = mostUncertain(proposer, pool, reviewed, 2);
    expect(picked).toHaveLength(2);
    const best = picked.map((p) => proposer.scores(p.text)[0]!.code);
    expect(best).not.toContain('c/police');
  });
});
