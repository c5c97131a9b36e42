// The import module's answers: what reading a .qdpx started and what applying one document did, with
// the issues met on the way. The API contract (lib/api/contract.ts) re-exports them.
import * as z from 'zod';

export const ImportIssue = z.object({
  kind: z.enum(['project', 'source', 'coding', 'code', 'note', 'case']),
  /** Source name and GUID, selection positions, or element path. */
  where: z.string(),
  message: z.string(),
});
export type ImportIssue = z.infer<typeof ImportIssue>;

export const ImportStarted = z.object({
  importId: z.string(),
  fileName: z.string(),
  codebook: z.object({ version: z.string().nullable(), created: z.boolean(), codes: z.number(), added: z.number() }),
  documents: z.array(
    z.object({
      documentId: z.string(),
      fileName: z.string(),
      name: z.string(),
      kind: z.enum(['text', 'pdf', 'docx']),
      codings: z.number(),
      reused: z.boolean(),
    }),
  ),
  report: z.object({
    counts: z.object({ sources: z.number(), codes: z.number(), codings: z.number(), notes: z.number(), cases: z.number(), users: z.number() }),
    warnings: z.array(ImportIssue),
    skipped: z.array(ImportIssue),
  }),
});
export type ImportStarted = z.infer<typeof ImportStarted>;

export const ImportedDocument = z.object({
  documentId: z.string(),
  name: z.string(),
  status: z.string(),
  imported: z.number(),
  already: z.number(),
  skipped: z.array(ImportIssue),
  warnings: z.array(ImportIssue),
});
export type ImportedDocument = z.infer<typeof ImportedDocument>;
