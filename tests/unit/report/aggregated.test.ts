// The aggregated reports equal the reports computed from every coding, on random projects: codings of
// every status and origin, codes outside the codebook, several categories per code, and reviewer trails
// with judgements, undos, moves, detaches, places and drops. Aggregates are built both in one go and by
// segment-wise updates, as the store keeps them.
import { describe, expect, it } from 'vitest';
import {
  documentAggregate,
  emptyAggregate,
  updateAggregate,
  withEvents,
  decodeAggregate,
  encodeAggregate,
  type AggregateCoding,
  type TrailEntry,
} from '../../../lib/report/aggregate.js';
import { parseAggregate } from '../../../lib/report/aggregated.js';
import { allReports, reportsFromAggregates } from '../../../lib/report/registry.js';
import { reviewerDecisions, type ReportCoding, type ReportDocument, type ReportOptions, type TrailEvent } from '../../../lib/report/reports.js';
import { codebook } from './fixture-codebook.js';

/** A small deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Coding = ReportCoding & AggregateCoding;

function randomProject(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const codes: Array<[string, string]> = [
    ['a/x', 'a'],
    ['a/y', 'a'],
    ['b/z', 'b'],
    ['old/q', 'old'],
    ['old/q', 'a'],
    ['b/z', 'a'],
  ];
  const users = ['ann', 'bob', 'cas'];
  const documents: ReportDocument[] = [];
  const codings: Coding[] = [];
  const events: Array<TrailEvent & { sk: string }> = [];
  const nDocs = 1 + Math.floor(r() * 4);
  for (let d = 0; d < nDocs; d++) {
    const id = `d${d}`;
    const segs = 2 + Math.floor(r() * 6);
    const respondents = ['R1', 'R2', 'R10', `R${d + 3}`].filter(() => r() < 0.6);
    documents.push({ id, name: `Interview ${10 - d}`, respondents, ...(r() < 0.9 ? { segmentCount: segs } : {}) });
    for (let s = 0; s < segs; s++) {
      const used = new Set<string>();
      for (let k = 0; k < 3; k++) {
        const [c, cat] = pick(codes);
        if (used.has(c) || r() < 0.3) continue;
        used.add(c);
        const origin = r() < 0.7 ? 'rule' : 'human';
        codings.push({
          code: c,
          categoryId: cat,
          documentId: id,
          segmentIndex: s,
          respondent: r() < 0.8 ? pick(['R1', 'R2', 'R10', 'R7']) : null,
          status: pick(['proposed', 'accepted', 'rejected'] as const),
          origin,
          evidence: origin === 'rule' || r() < 0.3 ? [{}] : [],
        });
      }
    }
    // A detached coding past the last segment: left out everywhere.
    if (r() < 0.5)
      codings.push({
        code: 'a/x',
        categoryId: 'a',
        documentId: id,
        segmentIndex: segs + 1,
        respondent: 'R1',
        status: 'accepted',
        origin: 'human',
        evidence: [],
        anchor: { state: 'detached' },
      });
    for (let e = 0; e < 12; e++) {
      const action = pick(['accept', 'reject', 'add', 'undo', 'accept', 'reject', 'move', 'detach', 'place', 'drop'] as const);
      const seg = Math.floor(r() * (segs + 2));
      const arrival = action === 'move' || action === 'detach' || action === 'place' || (action === 'undo' && r() < 0.2);
      events.push({
        sk: `2026-01-0${1 + d}T00:00:${String(e).padStart(2, '0')}.000Z#${Math.floor(r() * 1e6)}`,
        documentId: id,
        segmentIndex: seg,
        code: pick(codes)[0],
        action,
        userId: action === 'move' || action === 'detach' ? 'qualtag' : pick(users),
        ...(arrival ? { fromSegmentIndex: Math.floor(r() * segs) } : {}),
      });
    }
  }
  events.sort((a, b) => (a.sk < b.sk ? -1 : 1));
  return { documents, codings, events };
}

const entry = (e: TrailEvent & { sk: string }): TrailEntry => [e.sk, e.action, e.segmentIndex, e.code, e.userId, e.fromSegmentIndex ?? null];

const optionSets: ReportOptions[] = [
  {},
  { status: 'all' },
  { status: 'proposed', category: 'a' },
  { status: 'rejected' },
  { category: 'b' },
  { reviewerA: 'bob' },
  { reviewerA: 'cas', reviewerB: 'ann' },
  { reviewerA: 'ann', reviewerB: 'ann', status: 'all', category: 'a' },
  { reviewerA: 'nobody', reviewerB: 'bob' },
];

describe('reports from per-document aggregates', () => {
  it('equal the reports from every coding on 200 random projects, for every option set', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { documents, codings, events } = randomProject(seed);
      const live = codings.filter((c) => c.anchor?.state !== 'detached');
      const reference = { codebook, documents, codings: live, decisions: reviewerDecisions(events) };
      const docs = documents.map((d) => {
        const mine = codings.filter((c) => c.documentId === d.id);
        const agg = documentAggregate(mine, events.filter((e) => e.documentId === d.id).map(entry));
        return parseAggregate(d, decodeAggregate(encodeAggregate(agg)));
      });
      for (const opts of optionSets) {
        expect(reportsFromAggregates({ codebook, documents: docs }, opts), `seed ${seed} ${JSON.stringify(opts)}`).toEqual(allReports(reference, opts));
      }
    }
  });

  it('segment-wise updates and appended events give the full recomputation', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const { codings, events } = randomProject(seed);
      const doc = codings.filter((c) => c.documentId === 'd0');
      const r = rng(seed * 7);
      // Build it up one segment at a time, then rewrite random segments (status flips, removals).
      let agg = emptyAggregate();
      const bySeg = new Map<number, Coding[]>();
      for (const c of doc) (bySeg.get(c.segmentIndex) ?? bySeg.set(c.segmentIndex, []).get(c.segmentIndex)!).push(c);
      for (const cs of bySeg.values()) agg = updateAggregate(agg, [], cs);
      const current = new Map(bySeg);
      for (const [seg, cs] of bySeg) {
        if (r() < 0.5) continue;
        const after = cs.filter(() => r() < 0.7).map((c) => ({ ...c, status: r() < 0.5 ? ('accepted' as const) : c.status }));
        agg = updateAggregate(agg, cs, after);
        current.set(seg, after);
      }
      const trail = events.filter((e) => e.documentId === 'd0').map(entry);
      // Events arrive out of order (two writers), the trail keeps the audit order.
      for (const e of [...trail].reverse()) agg = withEvents(agg, [e]);
      expect(agg, `seed ${seed}`).toEqual(documentAggregate([...current.values()].flat(), trail));
    }
  });
});
