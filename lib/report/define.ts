// The shape of a report's registry entry (registry.ts), apart from the registry so a report's own module
// can define its entry without importing the registry that lists it.
import type * as z from 'zod';
import type { AggregatedInput } from './aggregated.js';
import type { ReportInput, ReportOptions } from './reports.js';
import type { ReportTable } from './schemas.js';

export interface ReportDefinition<K extends string = string, B extends string = string, S extends z.ZodType = z.ZodType> {
  /** URL segment and CLI `--kind` (kebab-case). */
  kind: K;
  /** Its key in the bundle of every report (camelCase). */
  key: B;
  /** What it shows, in a line (help texts). */
  title: string;
  schema: S;
  /** From the per-document aggregates: O(documents). */
  compute: (input: AggregatedInput, opts: ReportOptions) => z.output<S>;
  /** From every coding and the whole trail: must give the same report (tests/unit/report/aggregated.test.ts). */
  recompute: (input: ReportInput, opts: ReportOptions) => z.output<S>;
  tables: (report: z.output<S>) => ReportTable[];
}

/** Types one report's entry (its kind, key and schema stay literal for the derived types below). */
export const defineReport = <K extends string, B extends string, S extends z.ZodType>(d: ReportDefinition<K, B, S>): ReportDefinition<K, B, S> => d;
