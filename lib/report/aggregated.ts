// The reports from per-document aggregates (aggregate.ts): the same numbers reports.ts computes from
// every coding (tests compare them), in O(documents × aggregate size) instead of O(codings).
import type { AgreementReport, CoOccurrenceReport, FrequencyReport, KappaRow, MatrixReport, RespondentShareReport } from './schemas.js';
import type { Codebook, CodingStatus } from '../model.js';
import { SEP, type Cells, type DocumentAggregate, type JudgeSummary } from './aggregate.js';
import { cohensKappa } from './kappa.js';
import { categoryName, codeList, collator, type ReportDocument, type ReportOptions } from './reports.js';
import { defaultThresholds, shareLabel } from './scale.js';

interface CountRow {
  status: CodingStatus;
  code: string;
  categoryId: string;
  human: boolean;
  tagger: boolean;
  respondent: string;
  n: number;
}

interface PairRow {
  sel: string;
  a: string;
  categoryA: string;
  b: string;
  categoryB: string;
  n: number;
}

/** One document with its aggregate, parsed once (the store caches these per aggregate version). */
export interface AggregatedDocument extends ReportDocument {
  rows: CountRow[];
  pairs: PairRow[];
  judge: JudgeSummary;
}

export interface AggregatedInput {
  codebook: Codebook | null;
  documents: readonly AggregatedDocument[];
}

export function parseAggregate(doc: ReportDocument, agg: DocumentAggregate): AggregatedDocument {
  const rows = Object.entries(agg.counts).map(([k, n]) => {
    const [status, code, categoryId, human, tagger, respondent] = k.split(SEP) as [CodingStatus, string, string, string, string, string];
    return { status, code, categoryId, human: human === '1', tagger: tagger === '1', respondent, n };
  });
  const pairs = Object.entries(agg.pairs).map(([k, n]) => {
    const [sel, a, categoryA, b, categoryB] = k.split(SEP) as [string, string, string, string, string];
    return { sel, a, categoryA, b, categoryB, n };
  });
  return { ...doc, rows, pairs, judge: agg.judge };
}

function selected(input: AggregatedInput, opts: ReportOptions): Array<{ doc: AggregatedDocument; row: CountRow }> {
  const status = opts.status ?? 'accepted';
  const out: Array<{ doc: AggregatedDocument; row: CountRow }> = [];
  for (const doc of input.documents) {
    for (const row of doc.rows) if ((status === 'all' || row.status === status) && (!opts.category || row.categoryId === opts.category)) out.push({ doc, row });
  }
  return out;
}

const rowsOf = (sel: Array<{ row: CountRow }>) => sel.map((s) => s.row);

function distinctRespondents(rows: Iterable<CountRow>): number {
  const set = new Set<string>();
  for (const r of rows) if (r.respondent) set.add(r.respondent);
  return set.size;
}

function groupRows<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) (m.get(key(it)) ?? m.set(key(it), []).get(key(it))!).push(it);
  return m;
}

export function frequencyFromAggregates(input: AggregatedInput, opts: ReportOptions = {}): FrequencyReport {
  const sel = selected(input, opts);
  const byCode = groupRows(sel, (s) => s.row.code);
  const rows = codeList(input.codebook, rowsOf(sel), opts.category).map((info) => {
    const cs = byCode.get(info.code) ?? [];
    const n = cs.reduce((t, s) => t + s.row.n, 0);
    // One coding per segment × code: a code's codings are its segments.
    return { ...info, codings: n, segments: n, documents: new Set(cs.map((s) => s.doc.id)).size, respondents: distinctRespondents(rowsOf(cs)) };
  });
  const byCat = groupRows(rowsOf(sel), (r) => r.categoryId);
  const categories = [...new Set(rows.map((r) => r.categoryId))].map((id) => {
    const rs = byCat.get(id) ?? [];
    return { categoryId: id, name: categoryName(input.codebook, id), codings: rs.reduce((t, r) => t + r.n, 0), respondents: distinctRespondents(rs) };
  });
  return { rows, categories, total: sel.reduce((t, s) => t + s.row.n, 0) };
}

function matrixFrom(
  input: AggregatedInput,
  opts: ReportOptions,
  columns: Array<{ id: string; name: string }>,
  columnOf: (s: { doc: AggregatedDocument; row: CountRow }) => string | null,
): MatrixReport {
  const sel = selected(input, opts);
  const rows = codeList(input.codebook, rowsOf(sel), opts.category);
  const rowIndex = new Map(rows.map((r, i) => [r.code, i]));
  const colIndex = new Map(columns.map((c, j) => [c.id, j]));
  const cells = rows.map(() => columns.map(() => 0));
  for (const s of sel) {
    const i = rowIndex.get(s.row.code);
    const col = columnOf(s);
    const j = col === null ? undefined : colIndex.get(col);
    if (i !== undefined && j !== undefined) cells[i]![j]! += s.row.n;
  }
  return { rows, columns, cells };
}

export function codeByDocumentFromAggregates(input: AggregatedInput, opts: ReportOptions = {}): MatrixReport {
  const docs = [...input.documents].sort((a, b) => collator.compare(a.name, b.name)).map((d) => ({ id: d.id, name: d.name }));
  return matrixFrom(input, opts, docs, (s) => s.doc.id);
}

export function respondentsFromAggregates(input: AggregatedInput): string[] {
  const set = new Set<string>();
  for (const d of input.documents) {
    for (const r of d.respondents) set.add(r);
    for (const row of d.rows) if (row.respondent) set.add(row.respondent);
  }
  return [...set].sort(collator.compare);
}

export function codeByRespondentFromAggregates(input: AggregatedInput, opts: ReportOptions = {}): MatrixReport {
  const cols = respondentsFromAggregates(input).map((r) => ({ id: r, name: r }));
  return matrixFrom(input, opts, cols, (s) => s.row.respondent || null);
}

export function respondentShareFromAggregates(input: AggregatedInput, opts: ReportOptions = {}): RespondentShareReport {
  const t = opts.thresholds ?? defaultThresholds;
  const total = respondentsFromAggregates(input).length;
  const rowsSel = rowsOf(selected(input, opts));
  const share = (n: number) => (total ? Math.round((n / total) * 10_000) / 10_000 : 0);
  const byCode = groupRows(rowsSel, (r) => r.code);
  const rows = codeList(input.codebook, rowsSel, opts.category);
  const codes = rows.map((info) => {
    const n = distinctRespondents(byCode.get(info.code) ?? []);
    return { ...info, respondents: n, share: share(n), label: shareLabel(n, total, t) };
  });
  const byCat = groupRows(rowsSel, (r) => r.categoryId);
  const categories = [...new Set(rows.map((r) => r.categoryId))].map((id) => {
    const n = distinctRespondents(byCat.get(id) ?? []);
    return { categoryId: id, name: categoryName(input.codebook, id), respondents: n, share: share(n), label: shareLabel(n, total, t) };
  });
  return { respondents: total, thresholds: { high: t.high, moderate: t.moderate }, codes, categories };
}

export function coOccurrenceFromAggregates(input: AggregatedInput, opts: ReportOptions = {}): CoOccurrenceReport {
  const sel = opts.status ?? 'accepted';
  const counts = new Map<string, { a: string; b: string; segments: number }>();
  for (const doc of input.documents) {
    for (const p of doc.pairs) {
      if (p.sel !== sel || (opts.category && (p.categoryA !== opts.category || p.categoryB !== opts.category))) continue;
      const key = `${p.a}${SEP}${p.b}`;
      const e = counts.get(key) ?? { a: p.a, b: p.b, segments: 0 };
      e.segments += p.n;
      counts.set(key, e);
    }
  }
  const pairs = [...counts.values()].sort((x, y) => y.segments - x.segments || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  return { pairs };
}

const kappaRow = (code: string, c: Cells): KappaRow => ({ code, ...cohensKappa({ both: c[0], onlyA: c[1], onlyB: c[2], neither: c[3] }) });

export function agreementFromAggregates(input: AggregatedInput, opts: ReportOptions = {}): AgreementReport {
  const inScope = (r: CountRow) => !opts.category || r.categoryId === opts.category;
  const codes = codeList(
    input.codebook,
    input.documents.flatMap((d) => d.rows.filter(inScope)),
    opts.category,
  );
  const tagger = new Map(codes.map(({ code }) => [code, [0, 0, 0, 0] as Cells]));
  for (const doc of input.documents) {
    const rows = doc.rows.filter(inScope);
    // Each segment is a unit: a coding's (tagger proposed?, accepted?) pair, undecided ones left out, none = neither.
    // Live codings stand on the document's segments (detached ones are not in the aggregate).
    const n = doc.segmentCount ?? 0;
    if (n === 0 || (!doc.judge.decided && !rows.some((r) => r.status !== 'proposed' || r.human))) continue;
    const perCode = new Map<string, { coded: number; cells: Cells }>();
    for (const r of rows) {
      if (!tagger.has(r.code)) continue;
      const e = perCode.get(r.code) ?? perCode.set(r.code, { coded: 0, cells: [0, 0, 0, 0] }).get(r.code)!;
      e.coded += r.n;
      if (r.status === 'proposed') continue;
      const accepted = r.status === 'accepted';
      e.cells[r.tagger && accepted ? 0 : r.tagger ? 1 : accepted ? 2 : 3] += r.n;
    }
    for (const [code, t] of tagger) {
      const e = perCode.get(code);
      t[0] += e?.cells[0] ?? 0;
      t[1] += e?.cells[1] ?? 0;
      t[2] += e?.cells[2] ?? 0;
      t[3] += n - (e?.coded ?? 0) + (e?.cells[3] ?? 0);
    }
  }
  const taggerVsReviewers = codes.map(({ code }) => kappaRow(code, tagger.get(code)!));

  const pair = chooseAggregatedPair(input.documents, opts.reviewerA, opts.reviewerB);
  let reviewers: AgreementReport['reviewers'] = null;
  if (pair) {
    const [a, b] = pair;
    const cells = new Map(codes.map(({ code }) => [code, [0, 0, 0, 0] as Cells]));
    for (const doc of input.documents) {
      if (a === b) {
        for (const [code, [present, absent]] of Object.entries(doc.judge.users[a] ?? {})) {
          const t = cells.get(code);
          if (t) [t[0], t[3]] = [t[0] + present, t[3] + absent];
        }
        continue;
      }
      const flip = a > b;
      const stored = doc.judge.pairs[flip ? `${b}${SEP}${a}` : `${a}${SEP}${b}`];
      for (const [code, c] of Object.entries(stored?.codes ?? {})) {
        const t = cells.get(code);
        if (!t) continue;
        t[0] += c[0];
        t[1] += flip ? c[2] : c[1];
        t[2] += flip ? c[1] : c[2];
        t[3] += c[3];
      }
    }
    reviewers = { a, b, codes: codes.map(({ code }) => kappaRow(code, cells.get(code)!)) };
  }
  return { taggerVsReviewers, reviewers };
}

/** As choosePair in reports.ts: the requested pair, or the pair with the most shared units (first in user order on a tie). */
function chooseAggregatedPair(docs: readonly AggregatedDocument[], a?: string, b?: string): [string, string] | null {
  if (a && b) return [a, b];
  const shared = new Map<string, number>();
  for (const d of docs) for (const [k, p] of Object.entries(d.judge.pairs)) shared.set(k, (shared.get(k) ?? 0) + p.shared);
  let best: [string, string] | null = null;
  let bestShared = 0;
  for (const k of [...shared.keys()].sort()) {
    const [u, v] = k.split(SEP) as [string, string];
    if ((a && u !== a && v !== a) || (b && u !== b && v !== b)) continue;
    const n = shared.get(k)!;
    if (n > bestShared) [best, bestShared] = [[u, v], n];
  }
  return best;
}
