// The report added through the registry alone (lib/report/review-progress.ts + one entry in registry.ts):
// served from the aggregates like every report, equal to its recomputation, with its CLI table.
import { describe, expect, it } from 'vitest';
import { codebook } from './fixture-codebook.js';
import { documentAggregate } from '../../../lib/report/aggregate.js';
import { parseAggregate } from '../../../lib/report/aggregated.js';
import { bundleTables, ReportBundle, reportKinds, reportOf, reportsFromAggregates } from '../../../lib/report/registry.js';
import type { ReportCoding, ReportDocument, ReportInput } from '../../../lib/report/reports.js';

const c = (code: string, documentId: string, segmentIndex: number, status: ReportCoding['status'], origin: ReportCoding['origin'] = 'rule'): ReportCoding => ({
  code,
  categoryId: code.split('/')[0]!,
  documentId,
  segmentIndex,
  respondent: null,
  status,
  origin,
  evidence: origin === 'rule' ? [{}] : [],
});
const documents: ReportDocument[] = [
  { id: 'd1', name: 'Interview 1', respondents: [], segmentCount: 5 },
  { id: 'd2', name: 'Interview 2', respondents: [], segmentCount: 5 },
];
const codings = [
  c('a/x', 'd1', 0, 'proposed'),
  c('a/x', 'd2', 1, 'proposed'),
  c('a/x', 'd1', 2, 'accepted'),
  c('a/x', 'd1', 3, 'rejected'),
  c('a/x', 'd2', 4, 'accepted', 'human'), // added by a reviewer: not a tagger proposal
  c('a/y', 'd2', 0, 'accepted'),
  c('b/z', 'd1', 1, 'rejected'),
];
const input: ReportInput = { codebook, documents, codings, decisions: [] };
const aggregated = {
  codebook,
  documents: documents.map((d) => parseAggregate(d, documentAggregate(codings.filter((x) => x.documentId === d.id).map((x) => ({ ...x }))))),
};
const progress = reportOf('review-progress')!;

describe('review progress per code (a report added through the registry)', () => {
  it('counts open proposals, their documents, decisions, reviewer additions and the accept rate of proposals', () => {
    const r = progress.compute(aggregated, {}) as ReportBundle['reviewProgress'];
    expect(r.codes.map((x) => [x.code, x.open, x.documentsOpen, x.accepted, x.rejected, x.added, x.acceptRate])).toEqual([
      ['a/x', 2, 2, 2, 1, 1, 0.5],
      ['a/y', 0, 0, 1, 0, 0, 1],
      ['b/z', 0, 0, 0, 1, 0, 0],
    ]);
    expect([r.open, r.documentsOpen]).toEqual([2, 2]);
    // The status option does not narrow it; the category does.
    expect(progress.compute(aggregated, { status: 'rejected' })).toEqual(r);
    expect((progress.compute(aggregated, { category: 'b' }) as typeof r).codes.map((x) => x.code)).toEqual(['b/z']);
  });

  it('is served like every registered report: kind, bundle key, schema, recomputation and CLI table', () => {
    expect(reportKinds).toContain('review-progress');
    const bundle = reportsFromAggregates(aggregated);
    expect(ReportBundle.parse(bundle).reviewProgress).toEqual(bundle.reviewProgress);
    expect(progress.recompute(input, {})).toEqual(bundle.reviewProgress);
    const [table] = bundleTables(bundle, ['review-progress']);
    expect(table!.title).toBe('Review progress (2 open proposals in 2 documents)');
    expect(table!.rows[0]).toEqual(['a', 'a/x', 'A/X', 2, 2, 2, 1, 1, 50]);
    expect(table!.rows[2]!.at(-1)).toBe(0);
  });

  it('leaves the accept rate empty before any proposal of the code is decided', () => {
    const fresh = { codebook, documents: [parseAggregate(documents[0]!, documentAggregate([c('a/y', 'd1', 0, 'proposed')]))] };
    const r = progress.compute(fresh, {}) as ReportBundle['reviewProgress'];
    expect(r.codes.find((x) => x.code === 'a/y')).toMatchObject({ open: 1, acceptRate: null });
    expect(
      progress
        .tables(r)[0]!
        .rows.find((row) => row[1] === 'a/y')!
        .at(-1),
    ).toBeNull();
  });
});
