import { describe, expect, it } from 'vitest';
import { cohensKappa, tally } from '../../../lib/report/kappa.js';
import { shareLabel } from '../../../lib/report/scale.js';
import { allReports } from '../../../lib/report/registry.js';
import {
  agreement,
  codeByRespondent,
  coOccurrence,
  frequencyReport,
  respondentShare,
  type ReportCoding,
  type ReportInput,
} from '../../../lib/report/reports.js';
import { codebook } from './fixture-codebook.js';

const c = (
  code: string,
  documentId: string,
  segmentIndex: number,
  respondent: string | null,
  status: ReportCoding['status'] = 'accepted',
  origin: ReportCoding['origin'] = 'rule',
): ReportCoding => ({
  code,
  categoryId: code.split('/')[0]!,
  documentId,
  segmentIndex,
  respondent,
  status,
  origin,
  evidence: origin === 'rule' ? [{}] : [],
});

describe("Cohen's kappa", () => {
  it('matches the textbook example (po .7, pe .5 → κ .4)', () => {
    const k = cohensKappa({ both: 20, onlyA: 5, onlyB: 10, neither: 15 });
    expect(k.units).toBe(50);
    expect(k.agreement).toBeCloseTo(0.7, 6);
    expect(k.kappa).toBeCloseTo(0.4, 6);
  });
  it('is 1 for perfect agreement, negative below chance, null when undefined', () => {
    expect(
      cohensKappa(
        tally([
          [true, true],
          [false, false],
          [true, true],
        ]),
      ).kappa,
    ).toBe(1);
    expect(
      cohensKappa(
        tally([
          [true, false],
          [false, true],
        ]),
      ).kappa,
    ).toBe(-1);
    expect(
      cohensKappa(
        tally([
          [true, true],
          [true, true],
        ]),
      ).kappa,
    ).toBeNull();
    expect(cohensKappa(tally([])).agreement).toBeNull();
  });
});

describe('respondent scale', () => {
  it('uses ≥ 2/3, ≥ 1/3, > 0 and 0 on exact counts', () => {
    expect(shareLabel(2, 3)).toBe('hoge mate');
    expect(shareLabel(10, 15)).toBe('hoge mate');
    expect(shareLabel(9, 15)).toBe('redelijke mate');
    expect(shareLabel(5, 15)).toBe('redelijke mate');
    expect(shareLabel(4, 15)).toBe('lage mate');
    expect(shareLabel(0, 15)).toBe('niet van toepassing');
    expect(shareLabel(0, 0)).toBe('niet van toepassing');
    expect(shareLabel(1, 2, { high: 0.5, moderate: 0.25 })).toBe('hoge mate');
  });
});

const input: ReportInput = {
  codebook,
  documents: [
    { id: 'd1', name: 'Interview 2', respondents: ['R1', 'R2'], segmentCount: 4 },
    { id: 'd2', name: 'Interview 10', respondents: ['R3'], segmentCount: 3 },
  ],
  codings: [
    c('a/x', 'd1', 0, 'R1'),
    c('a/y', 'd1', 0, 'R1'),
    c('a/x', 'd1', 1, 'R2'),
    c('a/x', 'd2', 2, 'R3', 'rejected'),
    c('b/z', 'd2', 1, 'R3', 'proposed'),
    c('b/z', 'd1', 3, 'R2', 'accepted', 'human'),
  ],
  decisions: [],
};

describe('reports', () => {
  it('counts codings, segments, documents and respondents per code for the chosen status', () => {
    const f = frequencyReport(input);
    expect(f.total).toBe(4);
    expect(f.rows.map((r) => [r.code, r.codings, r.respondents])).toEqual([
      ['a/x', 2, 2],
      ['a/y', 1, 1],
      ['b/z', 1, 1],
    ]);
    expect(f.categories).toEqual([
      { categoryId: 'a', name: 'Cat A', codings: 3, respondents: 2 },
      { categoryId: 'b', name: 'Cat B', codings: 1, respondents: 1 },
    ]);
    expect(frequencyReport(input, { status: 'all' }).rows.find((r) => r.code === 'a/x')!.documents).toBe(2);
    expect(frequencyReport(input, { category: 'b' }).rows.map((r) => r.code)).toEqual(['b/z']);
  });

  it('builds the code × respondent matrix with respondents in natural order', () => {
    const m = codeByRespondent(input, { status: 'all' });
    expect(m.columns.map((x) => x.id)).toEqual(['R1', 'R2', 'R3']);
    expect(m.cells[0]).toEqual([1, 1, 1]);
    const docs = allReports(input).codeByDocument;
    expect(docs.columns.map((x) => x.name)).toEqual(['Interview 2', 'Interview 10']);
    expect(docs.cells[0]).toEqual([2, 0]);
  });

  it('labels the respondent share per code and per category', () => {
    const s = respondentShare(input);
    expect(s.respondents).toBe(3);
    expect(s.codes.map((r) => [r.code, r.respondents, r.label])).toEqual([
      ['a/x', 2, 'hoge mate'],
      ['a/y', 1, 'redelijke mate'],
      ['b/z', 1, 'redelijke mate'],
    ]);
    expect(respondentShare(input, { thresholds: { high: 0.9, moderate: 0.5 } }).codes[0]!.label).toBe('redelijke mate');
  });

  it('counts co-occurring codes per segment', () => {
    expect(coOccurrence(input).pairs).toEqual([{ a: 'a/x', b: 'a/y', segments: 1 }]);
  });

  it('computes tagger-vs-reviewer κ over decided segment × code pairs of reviewed documents', () => {
    const ag = agreement(input);
    const x = ag.taggerVsReviewers.find((r) => r.code === 'a/x')!;
    // d1: 4 segments, tagger proposed and reviewers accepted seg 0 and 1; d2: 3 segments, seg 2 rejected.
    expect(x).toMatchObject({ units: 7, both: 2, onlyA: 1, onlyB: 0, neither: 4 });
    const z = ag.taggerVsReviewers.find((r) => r.code === 'b/z')!;
    expect(z).toMatchObject({ units: 6, onlyB: 1 }); // the undecided proposal in d2 is left out
    expect(ag.reviewers).toBeNull();
  });

  it('computes reviewer-vs-reviewer κ from the audit trail, honouring a reviewer undoing their own decision', () => {
    const d = (userId: string, segmentIndex: number, action: 'accept' | 'reject' | 'undo', codeId = 'a/x') => ({
      documentId: 'd1',
      segmentIndex,
      code: codeId,
      action,
      userId,
    });
    const ag = agreement({
      ...input,
      decisions: [
        d('ann', 0, 'accept'),
        d('bob', 0, 'accept'),
        d('ann', 1, 'accept'),
        d('bob', 1, 'reject'),
        d('ann', 2, 'reject'),
        d('bob', 2, 'reject'),
        d('bob', 3, 'accept'),
        d('ann', 3, 'reject'),
        d('ann', 3, 'undo'),
      ],
    });
    expect(ag.reviewers?.a).toBe('ann');
    const x = ag.reviewers!.codes.find((r) => r.code === 'a/x')!;
    expect(x).toMatchObject({ units: 3, both: 1, onlyA: 1, neither: 1 });
    expect(x.kappa).toBeCloseTo(0.4, 4);
  });
});
