// The report module's schemas: the query every report route takes and the shape of each report. The
// API contract (lib/api/contract.ts) re-exports them; the registry (registry.ts) ties each report's
// schema to its computation and its tables.
import * as z from 'zod';

/** Which codings a report, a query or an export counts. */
export const QueryStatus = z.enum(['accepted', 'proposed', 'rejected', 'all']);
export type QueryStatus = z.infer<typeof QueryStatus>;

const Fraction = z.coerce.number().gt(0).lte(1);
/** Query of every report route. Reports count accepted codings unless `status` says otherwise. */
export const ReportQuery = z
  .object({
    status: QueryStatus.default('accepted'),
    category: z.string().min(1).max(200).optional(),
    /** Respondent-share scale: "hoge mate" at or above `high`, "redelijke mate" at or above `moderate`. */
    high: Fraction.default(2 / 3),
    moderate: Fraction.default(1 / 3),
    /** Agreement between two reviewers (user ids); default: the two reviewers with the most shared decisions. */
    reviewerA: z.string().min(1).max(200).optional(),
    reviewerB: z.string().min(1).max(200).optional(),
  })
  .refine((q) => q.moderate < q.high, { message: 'moderate must be smaller than high', path: ['moderate'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

export const ShareLabel = z.enum(['hoge mate', 'redelijke mate', 'lage mate', 'niet van toepassing']);
export type ShareLabel = z.infer<typeof ShareLabel>;

export const CodeRef = z.object({ code: z.string(), name: z.string(), categoryId: z.string() });

export const FrequencyReport = z.object({
  rows: z.array(CodeRef.extend({ codings: z.number().int(), segments: z.number().int(), documents: z.number().int(), respondents: z.number().int() })),
  categories: z.array(z.object({ categoryId: z.string(), name: z.string(), codings: z.number().int(), respondents: z.number().int() })),
  total: z.number().int(),
});
export type FrequencyReport = z.infer<typeof FrequencyReport>;

/** Rows are codes, columns documents or respondents; `cells[i][j]` counts codings of rows[i] in columns[j]. */
export const MatrixReport = z.object({
  rows: z.array(CodeRef),
  columns: z.array(z.object({ id: z.string(), name: z.string() })),
  cells: z.array(z.array(z.number().int())),
});
export type MatrixReport = z.infer<typeof MatrixReport>;

export const RespondentShareReport = z.object({
  respondents: z.number().int(),
  thresholds: z.object({ high: z.number(), moderate: z.number() }),
  codes: z.array(CodeRef.extend({ respondents: z.number().int(), share: z.number(), label: ShareLabel })),
  categories: z.array(z.object({ categoryId: z.string(), name: z.string(), respondents: z.number().int(), share: z.number(), label: ShareLabel })),
});
export type RespondentShareReport = z.infer<typeof RespondentShareReport>;

/** Codes coded together on the same segment: pairs with count > 0, most frequent first. */
export const CoOccurrenceReport = z.object({
  pairs: z.array(z.object({ a: z.string(), b: z.string(), segments: z.number().int() })),
});
export type CoOccurrenceReport = z.infer<typeof CoOccurrenceReport>;

/** Cohen's κ for one code; null when undefined (no units, or both raters constant and agreeing). */
export const KappaRow = z.object({
  code: z.string(),
  units: z.number().int(),
  agreement: z.number().nullable(),
  kappa: z.number().nullable(),
  /** 2×2 table: both present, only A, only B, neither. */
  both: z.number().int(),
  onlyA: z.number().int(),
  onlyB: z.number().int(),
  neither: z.number().int(),
});
export type KappaRow = z.infer<typeof KappaRow>;

export const AgreementReport = z.object({
  /** Rule tagger (A) vs the reviewers' decisions (B), on segments of documents with at least one decision. */
  taggerVsReviewers: z.array(KappaRow),
  /** Two reviewers (A, B) on the codings both decided; null when no two reviewers decided the same codings. */
  reviewers: z.object({ a: z.string(), b: z.string(), codes: z.array(KappaRow) }).nullable(),
});
export type AgreementReport = z.infer<typeof AgreementReport>;

/** A report as rows and columns: what `qualtag report` prints (table or CSV) and the web UI shows. */
export const ReportTable = z.object({
  title: z.string(),
  header: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
});
export type ReportTable = z.infer<typeof ReportTable>;
