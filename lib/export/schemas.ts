// The export module's schemas: formats, the export query and job, and each format's content type. The
// API contract (lib/api/contract.ts) re-exports them.
import * as z from 'zod';
import type { ExportJobFormat } from '../coding/records.js';
import { QueryStatus } from '../report/schemas.js';

/** The export job's format (lib/coding/records.ts) is the truth; the schema is checked against it. */
export const ExportFormat = z.enum(['qdpx', 'qdc', 'csv', 'xlsx']) satisfies z.ZodType<ExportJobFormat>;
export type ExportFormat = ExportJobFormat;
/** csv/xlsx: which codings to export (default accepted). qdpx always exports accepted codings. */
export const ExportQuery = z.object({ status: QueryStatus.default('accepted') });
/** Starts an export job: the file is built in the background into the bucket (large projects). */
export const ExportJobBody = z.object({ format: ExportFormat, status: QueryStatus.default('accepted') }).strict();
export const ExportJobView = z.object({
  id: z.string(),
  format: ExportFormat,
  state: z.enum(['queued', 'running', 'done', 'failed']),
  /** Documents read so far, of total (0 of 0 until the job has started). */
  done: z.number().int(),
  total: z.number().int(),
  fileName: z.string().nullable(),
  bytes: z.number().int().nullable(),
  /** When done: a presigned GET URL of the file, valid 15 minutes (ask again for a fresh one). */
  downloadUrl: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ExportJobView = z.infer<typeof ExportJobView>;
export const exportContentTypes: Record<ExportFormat, string> = {
  qdpx: 'application/zip',
  qdc: 'application/xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
