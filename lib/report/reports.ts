// The reports researchers write their results with, computed from a project's codings in memory:
// code frequency, code × document and code × respondent matrices, respondent share per code and per
// category with the coverage scale, co-occurrence on segments, and agreement (Cohen's κ).
import type { AgreementReport, CoOccurrenceReport, FrequencyReport, KappaRow, MatrixReport, QueryStatus, RespondentShareReport } from './schemas.js';
import type { Codebook, CodingOrigin, CodingStatus } from '../model.js';
import { cohensKappa, tally } from './kappa.js';
import { defaultThresholds, shareLabel, type ShareThresholds } from './scale.js';

/** What a report needs of a coding (the store's Coding satisfies it). */
export interface ReportCoding {
  code: string;
  categoryId: string;
  documentId: string;
  segmentIndex: number;
  respondent: string | null;
  status: CodingStatus;
  origin: CodingOrigin;
  evidence: readonly unknown[];
}

export interface ReportDocument {
  id: string;
  name: string;
  /** Respondents who speak in the document: the denominator of the respondent share. */
  respondents: readonly string[];
  segmentCount?: number;
}

/** What a report needs of an audit event (the store's AuditEvent satisfies it). */
export interface ReportDecision {
  documentId: string;
  segmentIndex: number;
  code: string;
  action: 'accept' | 'reject' | 'add' | 'undo';
  userId: string;
}

/** An audit event as the reviewer agreement needs it (oldest first); anchor actions carry where the coding came from. */
export interface TrailEvent {
  documentId: string;
  segmentIndex: number;
  code: string;
  action: ReportDecision['action'] | 'move' | 'detach' | 'place' | 'drop';
  userId: string;
  /** For move, detach, place and the undo of a place: the position the coding left. */
  fromSegmentIndex?: number;
}

/**
 * The reviewers' judgements (accept, reject, add, undo) keyed by where each coding is now. A re-upload
 * can move a decided coding to another segment position, or detach it (and a detached one can be placed
 * again, or dropped). Walking the trail from the newest event back, each arrival (an event naming the
 * position the coding left) sends the earlier events of that position to the coding's final position,
 * and frees its own position: events there before it belong to another coding. Judgements on codings
 * that end detached or dropped are left out, as those codings are left out of the reports.
 */
export function reviewerDecisions(events: readonly TrailEvent[]): ReportDecision[] {
  const key = (doc: string, seg: number, code: string): string => `${doc}\u0000${seg}\u0000${code}`;
  const finalOf = new Map<string, { segmentIndex: number; gone: boolean }>();
  const out: ReportDecision[] = [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    const k = key(e.documentId, e.segmentIndex, e.code);
    const arrival = e.fromSegmentIndex !== undefined;
    // Dropped here, or detached here (by a re-upload or the undo of a place) and not placed again later.
    const leaves = e.action === 'drop' || (arrival && (e.action === 'detach' || e.action === 'undo'));
    if (leaves && !finalOf.has(k)) finalOf.set(k, { segmentIndex: e.segmentIndex, gone: true });
    const here = finalOf.get(k) ?? { segmentIndex: e.segmentIndex, gone: false };
    if (arrival) {
      finalOf.set(key(e.documentId, e.fromSegmentIndex!, e.code), here);
      finalOf.delete(k);
      continue;
    }
    if (here.gone || e.action === 'move' || e.action === 'detach' || e.action === 'place' || e.action === 'drop') continue;
    out.push({ documentId: e.documentId, segmentIndex: here.segmentIndex, code: e.code, action: e.action, userId: e.userId });
  }
  return out.reverse();
}

export interface ReportInput {
  codebook: Codebook | null;
  documents: readonly ReportDocument[];
  codings: readonly ReportCoding[];
  /** Oldest first. */
  decisions: readonly ReportDecision[];
}

export interface ReportOptions {
  status?: QueryStatus;
  /** Only codes of this category. */
  category?: string;
  thresholds?: ShareThresholds;
  reviewerA?: string;
  reviewerB?: string;
}

export interface CodeInfo {
  code: string;
  name: string;
  categoryId: string;
}

export const collator = new Intl.Collator('nl', { numeric: true, sensitivity: 'base' });

/**
 * Codes in codebook order, then codes only the codings know (an older codebook version), by id; such a
 * code's category is the smallest category id its codings carry (so the list does not depend on the
 * order codings are read in — the aggregated reports build it from counts).
 */
export function codeList(codebook: Codebook | null, codings: Iterable<{ code: string; categoryId: string }>, category?: string): CodeInfo[] {
  const out: CodeInfo[] = [];
  const seen = new Set<string>();
  for (const cat of codebook?.categories ?? []) {
    for (const c of cat.codes) {
      seen.add(c.id);
      out.push({ code: c.id, name: c.name, categoryId: cat.id });
    }
  }
  const extra = new Map<string, CodeInfo>();
  for (const c of codings) {
    if (seen.has(c.code)) continue;
    const known = extra.get(c.code);
    if (!known || c.categoryId < known.categoryId) extra.set(c.code, { code: c.code, name: c.code, categoryId: c.categoryId });
  }
  out.push(...[...extra.values()].sort((a, b) => collator.compare(a.code, b.code)));
  return category ? out.filter((c) => c.categoryId === category) : out;
}

export function categoryName(codebook: Codebook | null, id: string): string {
  return codebook?.categories.find((c) => c.id === id)?.name ?? id;
}

const segKey = (c: { documentId: string; segmentIndex: number }): string => `${c.documentId}\u0000${c.segmentIndex}`;

function countDistinct<T>(items: Iterable<T>): number {
  return new Set(items).size;
}

function selectCodings(input: ReportInput, opts: ReportOptions): ReportCoding[] {
  const status = opts.status ?? 'accepted';
  return input.codings.filter((c) => (status === 'all' || c.status === status) && (!opts.category || c.categoryId === opts.category));
}

export function frequencyReport(input: ReportInput, opts: ReportOptions = {}): FrequencyReport {
  const codings = selectCodings(input, opts);
  const byCode = groupBy(codings, (c) => c.code);
  const rows = codeList(input.codebook, codings, opts.category).map((info) => {
    const cs = byCode.get(info.code) ?? [];
    return {
      ...info,
      codings: cs.length,
      segments: countDistinct(cs.map(segKey)),
      documents: countDistinct(cs.map((c) => c.documentId)),
      respondents: countDistinct(cs.flatMap((c) => (c.respondent ? [c.respondent] : []))),
    };
  });
  const catIds = [...new Set(rows.map((r) => r.categoryId))];
  const byCat = groupBy(codings, (c) => c.categoryId);
  const categories = catIds.map((id) => {
    const cs = byCat.get(id) ?? [];
    return {
      categoryId: id,
      name: categoryName(input.codebook, id),
      codings: cs.length,
      respondents: countDistinct(cs.flatMap((c) => (c.respondent ? [c.respondent] : []))),
    };
  });
  return { rows, categories, total: codings.length };
}

function matrix(
  input: ReportInput,
  opts: ReportOptions,
  columns: Array<{ id: string; name: string }>,
  columnOf: (c: ReportCoding) => string | null,
): MatrixReport {
  const codings = selectCodings(input, opts);
  const rows = codeList(input.codebook, codings, opts.category);
  const rowIndex = new Map(rows.map((r, i) => [r.code, i]));
  const colIndex = new Map(columns.map((c, j) => [c.id, j]));
  const cells = rows.map(() => columns.map(() => 0));
  for (const c of codings) {
    const i = rowIndex.get(c.code);
    const col = columnOf(c);
    const j = col === null ? undefined : colIndex.get(col);
    if (i !== undefined && j !== undefined) cells[i]![j]!++;
  }
  return { rows, columns, cells };
}

export function codeByDocument(input: ReportInput, opts: ReportOptions = {}): MatrixReport {
  const docs = [...input.documents].sort((a, b) => collator.compare(a.name, b.name)).map((d) => ({ id: d.id, name: d.name }));
  return matrix(input, opts, docs, (c) => c.documentId);
}

/** Every respondent of the documents in scope, in natural order ("R2" before "R10"). */
export function allRespondents(input: ReportInput): string[] {
  const set = new Set<string>();
  for (const d of input.documents) for (const r of d.respondents) set.add(r);
  for (const c of input.codings) if (c.respondent) set.add(c.respondent);
  return [...set].sort(collator.compare);
}

export function codeByRespondent(input: ReportInput, opts: ReportOptions = {}): MatrixReport {
  const cols = allRespondents(input).map((r) => ({ id: r, name: r }));
  return matrix(input, opts, cols, (c) => c.respondent);
}

export function respondentShare(input: ReportInput, opts: ReportOptions = {}): RespondentShareReport {
  const t = opts.thresholds ?? defaultThresholds;
  const total = allRespondents(input).length;
  const codings = selectCodings(input, opts);
  const share = (n: number) => (total ? Math.round((n / total) * 10_000) / 10_000 : 0);
  const respondentsOf = (cs: readonly ReportCoding[]) => countDistinct(cs.flatMap((c) => (c.respondent ? [c.respondent] : [])));
  const byCode = groupBy(codings, (c) => c.code);
  const rows = codeList(input.codebook, codings, opts.category);
  const codes = rows.map((info) => {
    const n = respondentsOf(byCode.get(info.code) ?? []);
    return { ...info, respondents: n, share: share(n), label: shareLabel(n, total, t) };
  });
  const byCat = groupBy(codings, (c) => c.categoryId);
  const categories = [...new Set(rows.map((r) => r.categoryId))].map((id) => {
    const n = respondentsOf(byCat.get(id) ?? []);
    return { categoryId: id, name: categoryName(input.codebook, id), respondents: n, share: share(n), label: shareLabel(n, total, t) };
  });
  return { respondents: total, thresholds: { high: t.high, moderate: t.moderate }, codes, categories };
}

export function coOccurrence(input: ReportInput, opts: ReportOptions = {}): CoOccurrenceReport {
  const bySegment = groupBy(selectCodings(input, opts), segKey);
  const counts = new Map<string, { a: string; b: string; segments: number }>();
  for (const cs of bySegment.values()) {
    const codes = [...new Set(cs.map((c) => c.code))].sort();
    for (let i = 0; i < codes.length; i++) {
      for (let j = i + 1; j < codes.length; j++) {
        const key = `${codes[i]}\u0000${codes[j]}`;
        const e = counts.get(key) ?? { a: codes[i]!, b: codes[j]!, segments: 0 };
        e.segments++;
        counts.set(key, e);
      }
    }
  }
  const pairs = [...counts.values()].sort((x, y) => y.segments - x.segments || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  return { pairs };
}

/** Did the rule tagger propose this coding? A rule proposal a reviewer took over keeps its evidence. */
export const taggerProposed = (c: Pick<ReportCoding, 'origin' | 'evidence'>): boolean => c.origin === 'rule' || c.evidence.length > 0;

/**
 * Agreement per code.
 * Tagger vs reviewers: units are the segments of documents with at least one decision; the tagger says
 * "present" when it proposed the code, the reviewers when the coding is accepted; segment × code pairs
 * still undecided are left out.
 * Reviewer vs reviewer: each reviewer's last judgement per segment × code from the audit trail (accept
 * or add = present, reject = absent, their own undo withdraws it); units are those both judged.
 */
export function agreement(input: ReportInput, opts: ReportOptions = {}): AgreementReport {
  const all = input.codings.filter((c) => !opts.category || c.categoryId === opts.category);
  const codes = codeList(input.codebook, all, opts.category);
  const reviewedDocs = new Set(all.filter((c) => c.status !== 'proposed' || c.origin === 'human').map((c) => c.documentId));
  for (const d of input.decisions) reviewedDocs.add(d.documentId);
  const codingAt = new Map(all.map((c) => [`${segKey(c)}\u0000${c.code}`, c]));
  const taggerVsReviewers: KappaRow[] = codes.map(({ code }) => {
    const pairs: Array<[boolean, boolean]> = [];
    for (const doc of input.documents) {
      if (!reviewedDocs.has(doc.id)) continue;
      // A document without segments yet has no units (every tagged or reviewed document has its count).
      const n = doc.segmentCount ?? 0;
      for (let i = 0; i < n; i++) {
        const c = codingAt.get(`${doc.id}\u0000${i}\u0000${code}`);
        if (c?.status === 'proposed') continue;
        pairs.push([c ? taggerProposed(c) : false, c?.status === 'accepted']);
      }
    }
    return { code, ...cohensKappa(tally(pairs)) };
  });

  const judged = judgements(input.decisions);
  const pair = choosePair(judged, opts.reviewerA, opts.reviewerB);
  let reviewers: AgreementReport['reviewers'] = null;
  if (pair) {
    const [a, b] = pair;
    const ja = judged.get(a) ?? new Map<string, boolean>();
    const jb = judged.get(b) ?? new Map<string, boolean>();
    reviewers = {
      a,
      b,
      codes: codes.map(({ code }) => {
        const pairs: Array<[boolean, boolean]> = [];
        for (const [unit, va] of ja) {
          if (!unit.endsWith(`\u0000${code}`)) continue;
          const vb = jb.get(unit);
          if (vb !== undefined) pairs.push([va, vb]);
        }
        return { code, ...cohensKappa(tally(pairs)) };
      }),
    };
  }
  return { taggerVsReviewers, reviewers };
}

/**
 * Each reviewer's last judgement per segment × code (unit key `<doc>\0<segment>\0<code>`): accept or add
 * = present, reject = absent; their own undo withdraws it.
 */
export function judgements(decisions: readonly ReportDecision[]): Map<string, Map<string, boolean>> {
  const judged = new Map<string, Map<string, boolean>>();
  for (const d of decisions) {
    const unit = `${segKey(d)}\u0000${d.code}`;
    const mine = judged.get(d.userId) ?? new Map<string, boolean>();
    judged.set(d.userId, mine);
    if (d.action === 'undo') mine.delete(unit);
    else mine.set(unit, d.action !== 'reject');
  }
  return judged;
}

/** The requested pair, or the two reviewers with the most segment × code judgements in common. */
export function choosePair(judged: Map<string, Map<string, boolean>>, a?: string, b?: string): [string, string] | null {
  if (a && b) return [a, b];
  const users = [...judged.keys()].sort();
  let best: [string, string] | null = null;
  let bestShared = 0;
  for (let i = 0; i < users.length; i++) {
    for (let j = i + 1; j < users.length; j++) {
      const [u, v] = [users[i]!, users[j]!];
      if ((a && u !== a && v !== a) || (b && u !== b && v !== b)) continue;
      const jv = judged.get(v)!;
      let shared = 0;
      for (const unit of judged.get(u)!.keys()) if (jv.has(unit)) shared++;
      if (shared > bestShared) [best, bestShared] = [[u, v], shared];
    }
  }
  return best;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const arr = m.get(k);
    if (arr) arr.push(it);
    else m.set(k, [it]);
  }
  return m;
}
