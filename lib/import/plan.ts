// What an import keeps in the upload bucket between its steps, and what a later export reads back:
//   imports/<projectId>/<importId>/project.qdpx   the uploaded file
//   imports/<projectId>/<importId>/plan.json      per document: its source's text, codings and notes (ImportPlan)
//   imports/<projectId>/exchange/project.json     GUIDs of codes, categories, users, cases; project notes
//   imports/<projectId>/exchange/<documentId>.json the source's name and GUID, its selections' and codings' GUIDs, its notes
// The exchange files let an export write the GUIDs and notes the project came with (REFI-QDA round trip).
// Everything read back is parsed with zod: the bucket is outside this process.
import * as z from 'zod';
import { IMPORT_PREFIX } from '../config.js';

export const importKey = (projectId: string, importId: string, file: 'project.qdpx' | 'plan.json'): string =>
  `${IMPORT_PREFIX}${projectId}/${importId}/${file}`;
export const exchangeKey = (projectId: string, documentId?: string): string => `${IMPORT_PREFIX}${projectId}/exchange/${documentId ?? 'project'}.json`;

const Issue = z.object({ kind: z.enum(['project', 'source', 'coding', 'code', 'note', 'case']), where: z.string(), message: z.string() });
export type PlanIssue = z.infer<typeof Issue>;

export const PlanNote = z.object({
  guid: z.string(),
  name: z.string().optional(),
  text: z.string(),
  user: z.string().optional(),
  at: z.string().optional(),
});
export type PlanNote = z.infer<typeof PlanNote>;

export const PlanCoding = z.object({
  guid: z.string(),
  selectionGuid: z.string(),
  codeId: z.string(),
  categoryId: z.string(),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  user: z.string(),
  at: z.string().optional(),
  notes: z.array(PlanNote),
});
export type PlanCoding = z.infer<typeof PlanCoding>;

export const PlanDocument = z.object({
  documentId: z.string(),
  fileName: z.string(),
  sourceGuid: z.string(),
  sourceName: z.string(),
  kind: z.enum(['text', 'pdf', 'docx']),
  createdAt: z.string().optional(),
  /** The source's text (LF) the coding ranges point into. */
  text: z.string(),
  codings: z.array(PlanCoding),
  notes: z.array(PlanNote),
  /** Case names linked to the source: its respondents. */
  respondents: z.array(z.string()),
});
export type PlanDocument = z.infer<typeof PlanDocument>;

export const ImportPlan = z.object({
  importId: z.string(),
  fileName: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  documents: z.array(PlanDocument),
});
export type ImportPlan = z.infer<typeof ImportPlan>;

export const NoteTarget = z.union([z.object({ kind: z.literal('project') }), z.object({ kind: z.literal('code'), codeId: z.string() })]);

/** The project-level exchange file: GUIDs by the exporter's keys (`code:<id>`, `category:<id>`, `user:<name>`, `case:<name>`). */
export const ProjectExchange = z.object({
  guids: z.record(z.string(), z.string()),
  notes: z.array(PlanNote.extend({ target: NoteTarget })),
});
export type ProjectExchange = z.infer<typeof ProjectExchange>;

/** A document's exchange file: keys `selection:<documentId>:<start>:<end>` and `coding:<codingId>`. */
export const DocumentExchange = z.object({
  name: z.string(),
  guid: z.string(),
  /** When the source was created in the tool it came from. */
  createdAt: z.string().optional(),
  guids: z.record(z.string(), z.string()),
  /** Notes on the document (no codingId) or on one of its codings. */
  notes: z.array(PlanNote.extend({ codingId: z.string().optional() })),
});
export type DocumentExchange = z.infer<typeof DocumentExchange>;
