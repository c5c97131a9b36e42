// A re-tag never reopens a finished document with proposals a reviewer would mostly reject: the gate, and
// the measurement on the gold files that the estimated confidence (until the ranker's calibrated one) rests on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import type { Proposal } from '../../../lib/model.js';
import { gateReopening, proposalConfidence, TOP_MIN_SCORE } from '../../../lib/pipeline/reopen.js';
import { RETAG_REOPEN_MIN_CONFIDENCE, type Coding } from '../../../lib/coding/index.js';
import { compileTagger } from '../../../lib/tag/index.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';

const p = (code: string, score: number, confidence?: number): Proposal => ({ code, score, evidence: [], ...(confidence !== undefined ? { confidence } : {}) });
const coding = (segmentIndex: number, code: string, status: Coding['status']) => ({ segmentIndex, code, status }) as Coding;

describe('gateReopening', () => {
  const tagged = [
    { segment: { index: 0 }, proposals: [p('a', 5), p('b', 4), p('c', 1)] },
    { segment: { index: 1 }, proposals: [p('d', 1.5)] },
    { segment: { index: 2 }, proposals: [p('e', 0.4, 0.9), p('f', 9, 0.2)] },
  ];

  it('a finished document gets only confident new proposals; proposals already stored stay', () => {
    const existing = [coding(0, 'a', 'accepted'), coding(0, 'c', 'rejected'), coding(3, 'z', 'accepted')];
    const gated = gateReopening(tagged, existing);
    expect(gated.finished).toBe(true);
    expect(gated.tagged.map((t) => t.proposals.map((x) => x.code))).toEqual([['a', 'c'], [], ['e']]);
    // b: second best (0.15); d: best but below TOP_MIN_SCORE (0); f: the ranker's confidence 0.2 wins over its score.
    expect(gated.withheld).toBe(3);
  });

  it('a document with undecided proposals, or none at all yet, gets every proposal', () => {
    for (const existing of [[coding(0, 'a', 'accepted'), coding(1, 'x', 'proposed')], []]) {
      const gated = gateReopening(tagged, existing);
      expect(gated.finished).toBe(false);
      expect(gated.withheld).toBe(0);
      expect(gated.tagged).toBe(tagged);
    }
  });

  it('the estimate: only a segment’s best proposal with a score of at least TOP_MIN_SCORE reaches the threshold', () => {
    expect(proposalConfidence(p('a', TOP_MIN_SCORE), 0)).toBeGreaterThanOrEqual(RETAG_REOPEN_MIN_CONFIDENCE);
    expect(proposalConfidence(p('a', TOP_MIN_SCORE - 0.01), 0)).toBeLessThan(RETAG_REOPEN_MIN_CONFIDENCE);
    expect(proposalConfidence(p('a', 50), 1)).toBeLessThan(RETAG_REOPEN_MIN_CONFIDENCE);
    expect(proposalConfidence(p('a', 50, 0.7), 2)).toBe(0.7);
  });
});

describeShared('the estimated confidence, measured on the gold files', () => {
  it('the best proposal scoring at least TOP_MIN_SCORE is right more often than not; the others are not', () => {
    const groups = { top: [0, 0], topLow: [0, 0], rest: [0, 0] };
    for (const name of ['zoetermeer-2021', 'wodc-versterking-2021', 'collectieve-weerbaarheid']) {
      const cb = parseCodebook(readFileSync(sharedPath('corpus/codebooks', `${name}.yaml`), 'utf8'), `${name}.yaml`);
      const tagger = compileTagger(cb);
      for (const line of readFileSync(sharedPath('corpus/gold', `${name}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        const g = JSON.parse(line) as { code: string; also?: string[]; text: string };
        const gold = new Set([g.code, ...(g.also ?? [])]);
        tagger.tag(g.text).forEach((x, rank) => {
          const group = rank > 0 ? groups.rest : x.score >= TOP_MIN_SCORE ? groups.top : groups.topLow;
          group[0]! += gold.has(x.code) ? 1 : 0;
          group[1]! += 1;
        });
      }
    }
    const precision = (g: number[]) => g[0]! / g[1]!;
    expect(groups.top[1]).toBeGreaterThan(100);
    expect(precision(groups.top)).toBeGreaterThanOrEqual(RETAG_REOPEN_MIN_CONFIDENCE);
    expect(precision(groups.rest)).toBeLessThan(RETAG_REOPEN_MIN_CONFIDENCE);
    expect(precision(groups.topLow)).toBeLessThan(RETAG_REOPEN_MIN_CONFIDENCE);
  });
});
