// Coded segments as a table: CSV (RFC 4180, UTF-8 with BOM so Excel keeps ë and é) and XLSX.
// Every CSV text cell is escaped against formula injection (escape.ts): transcripts are untrusted input;
// XLSX cells are typed strings, which spreadsheets never evaluate.
// write-excel-file (on fflate, which the .qdpx export uses too) keeps the api bundle small; exceljs cost ~0.9 MB.
import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { CodedSegment } from '../coding/views.js';
import { evidenceLine } from '../review/evidence.js';
import { shownEvidence } from '../review/evidence-view.js';
import { csvField } from './escape.js';

type Cell = string | number | null;

interface Column {
  header: string;
  width: number;
  value: (r: CodedSegment, names: CodeNames) => Cell;
}

/** Code id → display name and category name, from the current codebook. */
export type CodeNames = (code: string) => { name: string; category: string };

const columns: Column[] = [
  { header: 'document', width: 28, value: (r) => r.document.name },
  { header: 'document_id', width: 14, value: (r) => r.document.id },
  // One-based, as the review UI numbers segments (#1 is the first); `segment_id` is the stable id.
  { header: 'segment', width: 8, value: (r) => r.segment.index + 1 },
  { header: 'segment_id', width: 14, value: (r) => r.segment.id },
  { header: 'speaker', width: 16, value: (r) => r.segment.speaker },
  { header: 'respondent', width: 14, value: (r) => r.segment.respondent },
  { header: 'category', width: 22, value: (r, n) => n(r.coding.code).category },
  { header: 'code', width: 26, value: (r) => r.coding.code },
  { header: 'code_name', width: 22, value: (r, n) => n(r.coding.code).name },
  { header: 'status', width: 10, value: (r) => r.coding.status },
  { header: 'origin', width: 8, value: (r) => r.coding.origin },
  { header: 'score', width: 7, value: (r) => r.coding.score },
  // Calibrated chance that a reviewer accepts the proposal (empty for human codings and older proposals).
  { header: 'confidence', width: 11, value: (r) => r.coding.confidence ?? null },
  { header: 'start', width: 8, value: (r) => r.start },
  { header: 'end', width: 8, value: (r) => r.end },
  { header: 'text', width: 80, value: (r) => r.text },
  // A rule match is quoted with its rule, the learned ranker's words once each, the nearest example as a quote;
  // a coding narrowed to a span keeps only the evidence inside it.
  { header: 'evidence', width: 30, value: (r) => evidenceLine(r.segment.text, shownEvidence(r.coding)) },
  { header: 'decided_by', width: 14, value: (r) => r.coding.decidedBy },
  { header: 'decided_at', width: 22, value: (r) => r.coding.decidedAt },
  { header: 'codebook_version', width: 16, value: (r) => r.coding.codebookVersion },
];

export function codedSegmentsCsv(rows: readonly CodedSegment[], names: CodeNames): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(c.value(r, names))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function codedSegmentsXlsx(rows: readonly CodedSegment[], names: CodeNames): Promise<Uint8Array> {
  const header: Row = columns.map((c) => ({ value: c.header, fontWeight: 'bold' as const }));
  const data: Row[] = rows.map((r) =>
    columns.map((c) => {
      const v = c.value(r, names);
      if (v === null) return null;
      if (typeof v === 'number') return v;
      // Typed string cells are never evaluated as formulas, so XLSX needs no visible leading quote.
      return c.header === 'text' ? { value: v, type: String, wrap: true, alignVertical: 'top' as const } : { value: v, type: String };
    }),
  );
  const buf = await writeXlsxFile([header, ...data], {
    sheet: 'Coded segments',
    columns: columns.map((c) => ({ width: c.width })),
    stickyRowsCount: 1,
  }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
