// Every report, once: its kind (the URL segment of GET .../reports/{kind} and `qualtag report --kind`),
// its key in the bundle of GET .../reports, its schema, its computation from the per-document aggregates
// (what the API serves) and from every coding (the reference the aggregates are tested against), and the
// tables `qualtag report` prints and the web UI shows for reports without a view of their own. The
// router, the handlers, the CLI and the web UI derive their lists from `reportRegistry`: a new report is
// one module (see review-progress.ts) and one line below.
import * as z from 'zod';
import {
  agreementFromAggregates,
  codeByDocumentFromAggregates,
  codeByRespondentFromAggregates,
  coOccurrenceFromAggregates,
  frequencyFromAggregates,
  respondentShareFromAggregates,
  type AggregatedInput,
} from './aggregated.js';
import {
  agreement,
  codeByDocument,
  codeByRespondent,
  coOccurrence,
  frequencyReport,
  respondentShare,
  type ReportInput,
  type ReportOptions,
} from './reports.js';
import { defineReport, type ReportDefinition } from './define.js';
import { reviewProgress } from './review-progress.js';
import { AgreementReport, CoOccurrenceReport, FrequencyReport, type KappaRow, MatrixReport, type ReportTable, RespondentShareReport } from './schemas.js';

const pct = (x: number) => Math.round(x * 1000) / 10;
const kappaHeader = ['code', 'units', 'both', 'only_a', 'only_b', 'neither', 'agreement', 'kappa'];
const kappaRows = (rows: KappaRow[]): ReportTable['rows'] =>
  rows.filter((r) => r.units > 0).map((r) => [r.code, r.units, r.both, r.onlyA, r.onlyB, r.neither, r.agreement, r.kappa]);
const matrixTable = (title: string, m: MatrixReport): ReportTable => ({
  title,
  header: ['code', ...m.columns.map((c) => c.name)],
  rows: m.rows.map((r, i) => [r.code, ...m.cells[i]!]),
});

export const reportRegistry = [
  defineReport({
    kind: 'frequency',
    key: 'frequency',
    title: 'Code frequency: codings, segments, documents and respondents per code',
    schema: FrequencyReport,
    compute: frequencyFromAggregates,
    recompute: frequencyReport,
    tables: (r) => [
      {
        title: 'Code frequency',
        header: ['category', 'code', 'name', 'codings', 'segments', 'documents', 'respondents'],
        rows: r.rows.map((x) => [x.categoryId, x.code, x.name, x.codings, x.segments, x.documents, x.respondents]),
      },
    ],
  }),
  defineReport({
    kind: 'respondent-share',
    key: 'respondentShare',
    title: 'Respondent share per code and category (hoge / redelijke / lage mate)',
    schema: RespondentShareReport,
    compute: respondentShareFromAggregates,
    recompute: respondentShare,
    tables: (r) => [
      {
        title: `Respondent share (${r.respondents} respondents; hoge mate ≥ ${pct(r.thresholds.high)}%, redelijke mate ≥ ${pct(r.thresholds.moderate)}%)`,
        header: ['category', 'code', 'respondents', 'share_%', 'label'],
        rows: [
          ...r.categories.map((c) => [c.categoryId, '(category)', c.respondents, pct(c.share), c.label]),
          ...r.codes.map((c) => [c.categoryId, c.code, c.respondents, pct(c.share), c.label]),
        ],
      },
    ],
  }),
  defineReport({
    kind: 'code-document',
    key: 'codeByDocument',
    title: 'Code × document matrix',
    schema: MatrixReport,
    compute: codeByDocumentFromAggregates,
    recompute: codeByDocument,
    tables: (m) => [matrixTable('Code × document', m)],
  }),
  defineReport({
    kind: 'code-respondent',
    key: 'codeByRespondent',
    title: 'Code × respondent matrix',
    schema: MatrixReport,
    compute: codeByRespondentFromAggregates,
    recompute: codeByRespondent,
    tables: (m) => [matrixTable('Code × respondent', m)],
  }),
  defineReport({
    kind: 'co-occurrence',
    key: 'coOccurrence',
    title: 'Codes coded together on the same segment',
    schema: CoOccurrenceReport,
    compute: coOccurrenceFromAggregates,
    recompute: coOccurrence,
    tables: (r) => [
      { title: 'Co-occurrence (segments with both codes)', header: ['code_a', 'code_b', 'segments'], rows: r.pairs.map((p) => [p.a, p.b, p.segments]) },
    ],
  }),
  defineReport({
    kind: 'agreement',
    key: 'agreement',
    title: "Agreement (Cohen's κ): tagger vs reviewers, and two reviewers",
    schema: AgreementReport,
    compute: agreementFromAggregates,
    recompute: agreement,
    tables: (r) => [
      { title: "Agreement, tagger (A) vs reviewers (B), Cohen's kappa", header: kappaHeader, rows: kappaRows(r.taggerVsReviewers) },
      ...(r.reviewers
        ? [{ title: `Agreement, ${r.reviewers.a} (A) vs ${r.reviewers.b} (B), Cohen's kappa`, header: kappaHeader, rows: kappaRows(r.reviewers.codes) }]
        : []),
    ],
  }),
  reviewProgress,
] as const;

type Entry = (typeof reportRegistry)[number];
export type ReportKind = Entry['kind'];
/** Response type of each report kind (GET /projects/{projectId}/reports/{kind}). */
export type ReportByKind = { [E in Entry as E['kind']]: z.output<E['schema']> };
type BundleShape = { [E in Entry as E['key']]: E['schema'] };

export const reportKinds = reportRegistry.map((r) => r.kind) as [ReportKind, ...ReportKind[]];
export const ReportKind = z.enum(reportKinds);
/** Every report at once (GET /projects/{projectId}/reports), keyed by each entry's `key`. */
export const ReportBundle = z.object(Object.fromEntries(reportRegistry.map((r) => [r.key, r.schema])) as BundleShape);
export type ReportBundle = z.infer<typeof ReportBundle>;

/** The entry of a kind; undefined for a kind no report has (the API answers 404). */
export function reportOf(kind: string): ReportDefinition | undefined {
  return entries.find((r) => r.kind === kind);
}

/** The entries with their literal types forgotten: for code that treats every report alike. */
const entries = reportRegistry as readonly ReportDefinition[] as ReadonlyArray<ReportDefinition<ReportKind, string, z.ZodType<unknown>>>;

function bundle(each: (r: (typeof entries)[number]) => unknown): ReportBundle {
  return Object.fromEntries(entries.map((r) => [r.key, each(r)])) as ReportBundle;
}

/** Every report from the per-document aggregates (what the API serves). */
export const reportsFromAggregates = (input: AggregatedInput, opts: ReportOptions = {}): ReportBundle => bundle((r) => r.compute(input, opts));

/** Every report from every coding (the full recomputation the aggregates are tested and benchmarked against). */
export const allReports = (input: ReportInput, opts: ReportOptions = {}): ReportBundle => bundle((r) => r.recompute(input, opts));

/** The tables of a bundle, report after report in registry order (`qualtag report` without --kind). */
export function bundleTables(b: ReportBundle, kinds: readonly ReportKind[] = reportKinds): ReportTable[] {
  const byKey = b as Record<string, unknown>;
  return entries.filter((r) => kinds.includes(r.kind)).flatMap((r) => r.tables(byKey[r.key]));
}

/** Every report as its tables, from the aggregates (GET .../report-tables). */
export function reportTablesFromAggregates(
  input: AggregatedInput,
  opts: ReportOptions = {},
): Array<{ kind: ReportKind; title: string; tables: ReportTable[] }> {
  return entries.map((r) => ({ kind: r.kind, title: r.title, tables: r.tables(r.compute(input, opts)) }));
}
