import { describe, expect, it } from 'vitest';
import { classifierNote, contextSupport, isContextEvidence, ownEvidence } from '../../../web/src/evidence.js';

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
