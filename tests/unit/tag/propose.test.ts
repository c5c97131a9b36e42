import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { buildProposer, DEFAULT_CALIBRATION, PROPOSE_PARAMS } from '../../../lib/tag/propose.js';

// A small English codebook written for these tests: one code with the researcher's own rules.
const yaml = `
id: propose-test
language: en
categories:
  - id: trust
    name: Trust
    codes:
      - id: trust/police
        name: Trust in the police
        indicators: [Residents rely on the police.]
        rules: ['"community officer"']
        exclude: ['"police series"']
      - id: trust/neighbours
        name: Trust in neighbours
        indicators: [Neighbours help each other and look after the street.]
        examples: ["When I was ill the people next door did my shopping."]
  - id: safety
    name: Safety
    codes:
      - id: safety/fear
        name: Fear of crime
        indicators: [Residents feel unsafe walking home at night.]
        questions: [Do you feel safe walking home at night?]
`;
const cb = parseCodebook(yaml, 'propose-test.yaml');

describe('buildProposer', () => {
  const proposer = buildProposer(cb);

  it('gives each proposal a confidence in 0..1 (its score), in falling order, with checkable evidence', () => {
    const text = 'I feel unsafe walking home at night, and my neighbours help me.';
    const out = proposer.tag(text);
    expect(out.length).toBeGreaterThan(0);
    expect(out.length).toBeLessThanOrEqual(PROPOSE_PARAMS.topK);
    for (let i = 0; i < out.length; i++) {
      const p = out[i]!;
      expect(p.confidence).toBeGreaterThan(0);
      expect(p.confidence).toBeLessThan(1);
      expect(p.score).toBe(p.confidence);
      if (i) expect(p.confidence).toBeLessThanOrEqual(out[i - 1]!.confidence!);
      expect(p.evidence.length).toBeGreaterThan(0);
      for (const e of p.evidence.filter((x) => x.source === 'learned')) expect(text.slice(e.start, e.end)).toMatch(/^\p{L}+$/u);
    }
    expect(out[0]!.code).toBe('safety/fear');
  });

  it('shows the most similar anchor example of the code', () => {
    const p = proposer.tag('The people next door did the shopping for me.').find((x) => x.code === 'trust/neighbours');
    expect(p?.evidence).toContainEqual({ start: 0, end: 0, rule: 'example: When I was ill the people next door did my shopping.', source: 'example' });
  });

  it('proposes nothing for a segment without a word the model knows, a rule or a question', () => {
    expect(proposer.tag('Yes. Okay.')).toEqual([]);
    expect(proposer.ranker.knows('Yes. Okay.')).toBe(false);
  });

  it('a rule the researcher wrote counts strongly, and an exclusion rule vetoes its code', () => {
    const text = 'The community officer dropped by.';
    expect(proposer.tag(text)[0]).toMatchObject({
      code: 'trust/police',
      evidence: expect.arrayContaining([expect.objectContaining({ rule: '"community officer"' })]),
    });
    expect(proposer.tag('I rely on the police, unlike in that police series.').some((p) => p.code === 'trust/police')).toBe(false);
  });

  it("the interviewer's question counts as context, with its evidence", () => {
    const answer = 'Not really, no.';
    expect(proposer.tag(answer)).toEqual([]);
    const withQ = proposer.tag(answer, { context: 'Do you feel safe walking home at night?' });
    expect(withQ[0]).toMatchObject({
      code: 'safety/fear',
      evidence: [expect.objectContaining({ source: 'context', rule: 'question: Do you feel safe walking home at night?' })],
    });
  });

  it('minConfidence and topK cut the list', () => {
    const text = 'I feel unsafe walking home at night, and my neighbours help me, I rely on the police.';
    expect(proposer.tag(text, { topK: 1 })).toHaveLength(1);
    expect(proposer.tag(text, { minConfidence: 0.999 })).toEqual([]);
  });

  it('uses the default calibration without labelled passages, and one fitted on them when there are enough', () => {
    expect(proposer.calibration).toEqual(DEFAULT_CALIBRATION);
    const labelled = Array.from({ length: 15 }, (_, i) => ({
      text: ['I am scared at night on my way home.', 'My neighbours look after my cat.', 'The police always come when we call.'][i % 3]!,
      accepted: [['safety/fear', 'trust/neighbours', 'trust/police'][i % 3]!],
      rejected: [],
    }));
    const fitted = buildProposer(cb, { labelled });
    expect(fitted.calibration.fittedOn).toBeGreaterThan(0);
    expect(fitted.calibration).not.toEqual(DEFAULT_CALIBRATION);
  });
});
