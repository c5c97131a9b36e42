// Per-document report aggregates: everything the reports need of one document's codings and reviewer
// trail, small enough to store beside the document and keep up to date in the transaction of every
// coding write. A project's reports merge its documents' aggregates (aggregated.ts), so a report reads
// O(documents) items, never every coding.
//
// The codings part is a sum over segments of what each segment contributes (segmentContribution), so a
// write that touches one segment updates it by subtracting the segment's old contribution and adding its
// new one; a full recomputation (documentAggregate) sums every segment. The reviewer part is derived
// from the document's compact trail (arrivals and judgements), which a write appends to.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CodingOrigin, CodingStatus } from '../model.js';
import { judgements, reviewerDecisions, taggerProposed, type TrailEvent } from './reports.js';

/** What the aggregate needs of a coding (the store's Coding satisfies it). */
export interface AggregateCoding {
  code: string;
  categoryId: string;
  segmentIndex: number;
  respondent: string | null;
  status: CodingStatus;
  origin: CodingOrigin;
  evidence: readonly unknown[];
  anchor?: { state: 'moved' | 'detached' } | undefined;
}

/** One audit event as the trail keeps it: [sort key, action, segment, code, user, position it left]. */
export type TrailEntry = [sortKey: string, action: TrailEvent['action'], segmentIndex: number, code: string, userId: string, from: number | null];

/** 2×2 judgement table of a code: [both, onlyA, onlyB, neither]. */
export type Cells = [number, number, number, number];

export interface JudgeSummary {
  /** Reviewer judgements stand on the document (after re-anchoring): its segments are tagger-κ units. */
  decided: boolean;
  /** Per user, per code: [present, absent] last judgements (a reviewer compared with themselves). */
  users: Record<string, Record<string, [number, number]>>;
  /** Per reviewer pair `a\0b` (a < b): units both judged, and per code the 2×2 table (A = a). */
  pairs: Record<string, { shared: number; codes: Record<string, Cells> }>;
}

export interface DocumentAggregate {
  /** `status\0code\0category\0human\0tagger\0respondent` → codings (human/tagger 0|1, respondent '' = none). */
  counts: Record<string, number>;
  /** `status|all\0a\0categoryA\0b\0categoryB` (a < b) → segments carrying both codes. */
  pairs: Record<string, number>;
  /** Oldest first (by sort key); only the events the reviewer agreement reads. */
  trail: TrailEntry[];
  judge: JudgeSummary;
}

export const SEP = '\u0000';
export const PAIR_SELECTIONS = ['proposed', 'accepted', 'rejected', 'all'] as const;

export function emptyAggregate(): DocumentAggregate {
  return { counts: {}, pairs: {}, trail: [], judge: { decided: false, users: {}, pairs: {} } };
}

const isDetached = (c: AggregateCoding): boolean => c.anchor?.state === 'detached';

export function countKey(c: AggregateCoding): string {
  return [c.status, c.code, c.categoryId, c.origin === 'human' ? 1 : 0, taggerProposed(c) ? 1 : 0, c.respondent ?? ''].join(SEP);
}

/** What the codings at one segment position add to the aggregate (detached codings add nothing: reports leave them out). */
export function segmentContribution(codings: readonly AggregateCoding[]): Pick<DocumentAggregate, 'counts' | 'pairs'> {
  const counts: Record<string, number> = {};
  const pairs: Record<string, number> = {};
  const live = codings.filter((c) => !isDetached(c));
  for (const c of live) {
    const k = countKey(c);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  for (const sel of PAIR_SELECTIONS) {
    // Codes sort as the co-occurrence report sorts them; a segment holds a code at most once.
    const cs = live.filter((c) => sel === 'all' || c.status === sel).sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 1; j < cs.length; j++) {
        const k = [sel, cs[i]!.code, cs[i]!.categoryId, cs[j]!.code, cs[j]!.categoryId].join(SEP);
        pairs[k] = (pairs[k] ?? 0) + 1;
      }
    }
  }
  return { counts, pairs };
}

function addInto(target: Record<string, number>, add: Record<string, number>, sign: 1 | -1): void {
  for (const [k, n] of Object.entries(add)) {
    const v = (target[k] ?? 0) + sign * n;
    if (v === 0) delete target[k];
    else target[k] = v;
  }
}

/** Codings grouped by segment position. */
function bySegment<C extends AggregateCoding>(codings: readonly C[]): Map<number, C[]> {
  const m = new Map<number, C[]>();
  for (const c of codings) (m.get(c.segmentIndex) ?? m.set(c.segmentIndex, []).get(c.segmentIndex)!).push(c);
  return m;
}

/**
 * The aggregate after a write that changed the codings at some segment positions: `before` and `after`
 * are every coding at those positions before and after the write (the rest of the document is unchanged).
 */
export function updateAggregate(
  agg: DocumentAggregate,
  before: readonly AggregateCoding[],
  after: readonly AggregateCoding[],
  newEvents: readonly TrailEntry[] = [],
): DocumentAggregate {
  const next: DocumentAggregate = { counts: { ...agg.counts }, pairs: { ...agg.pairs }, trail: agg.trail, judge: agg.judge };
  for (const cs of bySegment(before).values()) {
    const c = segmentContribution(cs);
    addInto(next.counts, c.counts, -1);
    addInto(next.pairs, c.pairs, -1);
  }
  for (const cs of bySegment(after).values()) {
    const c = segmentContribution(cs);
    addInto(next.counts, c.counts, 1);
    addInto(next.pairs, c.pairs, 1);
  }
  return newEvents.length ? withEvents(next, newEvents) : next;
}

/** The full recomputation from every coding of the document and its trail. */
export function documentAggregate(codings: readonly AggregateCoding[], trail: readonly TrailEntry[] = []): DocumentAggregate {
  const agg = updateAggregate(emptyAggregate(), [], codings);
  return withEvents(agg, trail);
}

/** Appends events in sort-key order (the audit trail's order) and derives the reviewer summary again. */
export function withEvents(agg: DocumentAggregate, events: readonly TrailEntry[]): DocumentAggregate {
  const trail = [...agg.trail, ...events.filter(keptInTrail)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { ...agg, trail, judge: judgeSummary(trail) };
}

/** The events reviewerDecisions reads: judgements, drops, and arrivals (events naming the position a coding left). */
export function keptInTrail(e: TrailEntry): boolean {
  const [, action, , , , from] = e;
  return from !== null || action === 'accept' || action === 'reject' || action === 'add' || action === 'undo' || action === 'drop';
}

export interface TrailSource {
  at: string;
  id: string;
  /** An audit action; a document deletion never reaches a trail (the aggregate goes with the document). */
  action: string;
  segmentIndex: number;
  code: string;
  userId: string;
  fromSegmentIndex?: number;
}

/** An audit event as a trail entry; the sort key is the audit item's (`<at>#<id>`). */
export function trailEntry(e: TrailSource): TrailEntry {
  return [`${e.at}#${e.id}`, e.action as TrailEvent['action'], e.segmentIndex, e.code, e.userId, e.fromSegmentIndex ?? null];
}

export function judgeSummary(trail: readonly TrailEntry[]): JudgeSummary {
  const events: TrailEvent[] = trail.map(([, action, segmentIndex, code, userId, from]) => ({
    documentId: '',
    segmentIndex,
    code,
    action,
    userId,
    ...(from !== null ? { fromSegmentIndex: from } : {}),
  }));
  const decisions = reviewerDecisions(events);
  const judged = judgements(decisions);
  const codeOf = (unit: string): string => unit.slice(unit.indexOf(SEP, unit.indexOf(SEP) + 1) + 1);
  const users: JudgeSummary['users'] = {};
  for (const [u, units] of judged) {
    const mine: Record<string, [number, number]> = {};
    for (const [unit, present] of units) {
      const t = (mine[codeOf(unit)] ??= [0, 0]);
      t[present ? 0 : 1]++;
    }
    users[u] = mine;
  }
  const pairs: JudgeSummary['pairs'] = {};
  const names = [...judged.keys()].sort();
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const ja = judged.get(names[i]!)!;
      const jb = judged.get(names[j]!)!;
      let shared = 0;
      const codes: Record<string, Cells> = {};
      for (const [unit, va] of ja) {
        const vb = jb.get(unit);
        if (vb === undefined) continue;
        shared++;
        const t = (codes[codeOf(unit)] ??= [0, 0, 0, 0]);
        t[va && vb ? 0 : va ? 1 : vb ? 2 : 3]++;
      }
      if (shared > 0) pairs[`${names[i]}${SEP}${names[j]}`] = { shared, codes };
    }
  }
  return { decided: decisions.length > 0, users, pairs };
}

// ------------------------------------------------------------------------------------------ storage

/** Stored compressed: the JSON of a document's aggregate shrinks 5-10× and items stay far below 400 KB. */
export function encodeAggregate(agg: DocumentAggregate): Uint8Array {
  return deflateRawSync(Buffer.from(JSON.stringify(agg)));
}

export function decodeAggregate(bytes: Uint8Array): DocumentAggregate {
  return JSON.parse(inflateRawSync(bytes).toString('utf8')) as DocumentAggregate;
}
