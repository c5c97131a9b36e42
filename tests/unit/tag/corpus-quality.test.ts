// Quality floor on the corpus gold files, with rules suggested automatically (no hand-written rules) and
// with the learned proposer the pipeline uses (codebook only, no examples): the floors sit a little below
// the measured figures so that a regression fails (README: Codebooks, The learned ranker).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { bagOfStemsBaseline } from '../../../lib/tag/baseline.js';
import { evaluate, parseGold } from '../../../lib/tag/eval.js';
import { compileTagger } from '../../../lib/tag/index.js';
import { buildProposer } from '../../../lib/tag/propose.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';

const floors = {
  'zoetermeer-2021': { hitAt1: 0.52, hitAt3: 0.72 },
  'wodc-versterking-2021': { hitAt1: 0.54, hitAt3: 0.67 },
  'collectieve-weerbaarheid': { hitAt1: 0.66, hitAt3: 0.77 },
};

const proposerFloors = {
  'zoetermeer-2021': { hitAt1: 0.49, hitAt3: 0.74 },
  'wodc-versterking-2021': { hitAt1: 0.54, hitAt3: 0.71 },
  'collectieve-weerbaarheid': { hitAt1: 0.72, hitAt3: 0.88 },
};

describeShared('tagging quality on the gold passages', () => {
  it.each(Object.entries(proposerFloors))(
    '%s: the learned proposer stays above its floor, with at most 3 proposals, and beats the rules at hit@3',
    (name, floor) => {
      const cb = parseCodebook(readFileSync(sharedPath('corpus/codebooks', `${name}.yaml`), 'utf8'), `${name}.yaml`);
      const gold = parseGold(readFileSync(sharedPath('corpus/gold', `${name}.jsonl`), 'utf8'), `${name}.jsonl`);
      const proposer = buildProposer(cb);
      const r = evaluate(gold, (t) => proposer.tag(t), 3);
      expect(r.hitAt1).toBeGreaterThanOrEqual(floor.hitAt1);
      expect(r.hitAtK).toBeGreaterThanOrEqual(floor.hitAt3);
      expect(r.meanProposals).toBeLessThanOrEqual(3);
      const tagger = compileTagger(cb);
      expect(r.hitAtK).toBeGreaterThan(evaluate(gold, (t) => tagger.tag(t), 3).hitAtK);
    },
  );

  it.each(Object.entries(floors))('%s stays above its floor and beats the naive baseline', (name, floor) => {
    const cb = parseCodebook(readFileSync(sharedPath('corpus/codebooks', `${name}.yaml`), 'utf8'), `${name}.yaml`);
    const gold = parseGold(readFileSync(sharedPath('corpus/gold', `${name}.jsonl`), 'utf8'), `${name}.jsonl`);
    const tagger = compileTagger(cb);
    const r = evaluate(gold, (t) => tagger.tag(t), 3);
    expect(r.hitAt1).toBeGreaterThanOrEqual(floor.hitAt1);
    expect(r.hitAtK).toBeGreaterThanOrEqual(floor.hitAt3);
    expect(r.meanProposals).toBeLessThanOrEqual(3);
    const base = evaluate(gold, (t) => bagOfStemsBaseline(cb)(t).slice(0, 3), 3);
    if (name !== 'collectieve-weerbaarheid') expect(r.hitAtK).toBeGreaterThan(base.hitAtK);
  });
});
