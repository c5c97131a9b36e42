import { describe, expect, it } from 'vitest';
import {
  classifierNote,
  confidencePercent,
  contextSupport,
  exampleNote,
  isContextEvidence,
  learnedWords,
  ownEvidence,
  ruleEvidence,
} from '../../../web/src/evidence.js';
import { toRuns } from '../../../web/src/highlight.js';

describe('evidence kinds', () => {
  const own = { start: 4, end: 14, rule: 'vertrouw*' };
  const fromQuestion = { start: 11, end: 21, rule: 'question: Hoe is het vertrouwen?', source: 'context' };
  const fromContext = { start: 0, end: 5, rule: 'context: voorwaarden/vertrouwen' };

  it('keeps only evidence in the segment text for highlighting', () => {
    expect(ownEvidence([own, fromQuestion, fromContext])).toEqual([own]);
    expect(isContextEvidence({ start: 0, end: 1, rule: 'x', source: 'context' })).toBe(true);
    expect(isContextEvidence({ start: 0, end: 1, rule: 'questionnaire*' })).toBe(false);
  });

  it('describes context support in words, naming the guide question when there is one', () => {
    expect(contextSupport([own])).toBeNull();
    expect(contextSupport([own, fromQuestion])).toContain('“Hoe is het vertrouwen?”');
    expect(contextSupport([fromContext])).toBe('the question before this answer');
  });

  it('describes classifier evidence as a note and never highlights it', () => {
    const fromClassifier = { start: 0, end: 0, rule: 'classifier: 0.41 (from 57 reviewed passages)', source: 'classifier' as const };
    expect(ownEvidence([own, fromClassifier])).toEqual([own]);
    expect(classifierNote([own])).toBeNull();
    expect(classifierNote([own, fromClassifier])).toBe('suggested from your reviewed passages, p = 0.41 (57 passages)');
    expect(classifierNote([{ ...fromClassifier, rule: 'classifier' }])).toBe('suggested from your reviewed passages');
  });
});

describe('learned evidence and the nearest example', () => {
  const text = 'Vertrouwen in de wijkagent: vertrouwen komt te voet.';
  const rule = { start: 17, end: 26, rule: 'wijkagent' };
  const learned = [
    { start: 0, end: 10, rule: 'learned: vertrouw', source: 'learned' as const },
    { start: 28, end: 38, rule: 'learned: vertrouw', source: 'learned' as const },
    { start: 17, end: 26, rule: 'learned: wijkagent', source: 'learned' as const },
  ];
  const example = { start: 0, end: 0, rule: 'example: Ik <b>vertrouw</b> de politie.', source: 'example' as const };

  it('highlights learned words, lists each word once in reading order, and keeps them apart from rule matches', () => {
    const all = [rule, ...learned, example];
    expect(ownEvidence(all)).toEqual([rule, ...learned]);
    expect(ruleEvidence(all)).toEqual([rule]);
    expect(learnedWords(text, all)).toEqual(['Vertrouwen', 'wijkagent']);
    expect(learnedWords(text, [rule])).toEqual([]);
  });

  it('falls back to the stem for a span outside the text', () => {
    expect(learnedWords('kort', [{ start: 10, end: 20, rule: 'learned: samenwerk', source: 'learned' }])).toEqual(['samenwerk']);
  });

  it('describes the nearest example as a note (text as given; the DOM escapes it)', () => {
    expect(exampleNote([rule])).toBeNull();
    expect(exampleNote([example])).toBe('like this example: “Ik <b>vertrouw</b> de politie.”');
    expect(exampleNote([{ ...example, rule: 'example: ' }])).toBeNull();
  });

  it('shows a calibrated confidence as a whole percentage', () => {
    expect(confidencePercent(0.824)).toBe('82 %');
    expect(confidencePercent(1)).toBe('100 %');
    expect(confidencePercent(undefined)).toBeNull();
    expect(confidencePercent(Number.NaN)).toBeNull();
  });

  it('marks a run learned only when no rule match covers it', () => {
    const runs = toRuns(text, [
      { start: 17, end: 26, key: 'c', learned: true },
      { start: 17, end: 26, key: 'c' },
      { start: 0, end: 10, key: 'c', learned: true },
    ]);
    expect(runs.filter((r) => r.keys.length).map((r) => [r.text, r.learned])).toEqual([
      ['Vertrouwen', true],
      ['wijkagent', false],
    ]);
  });
});
