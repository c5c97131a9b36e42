// `qualtag segments <file...> [--unit turn|paragraph|sentence] [--format jsonl|table]`: extract and
// segment files; one JSON object per segment (or a table). A file that fails is reported on stderr and
// the others still print; the exit code is 1 when any file failed.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { isQualtagError } from '../../errors.js';
import { extractBounded, needsWorker, sharedPool } from '../../extract/pool.js';
import type { Segment, SegmentUnit } from '../../model.js';
import { segmentDocument } from '../../segment/index.js';

interface SegmentsOptions {
  unit?: SegmentUnit;
  format: 'jsonl' | 'table';
}

/** The JSON line of one segment: the documented fields first, media times when the source has them. */
export function segmentRecord(document: string, s: Segment): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    document,
    id: s.id,
    index: s.index,
    start: s.start,
    end: s.end,
    speaker: s.speaker,
    respondent: s.respondent,
    page: s.page,
    text: s.text,
  };
  if (s.startMs != null) rec.startMs = s.startMs;
  if (s.endMs != null) rec.endMs = s.endMs;
  return rec;
}

const TEXT_WIDTH = 80;

/** One line for a terminal: whitespace collapsed, control characters (escape sequences) removed. */
function oneLine(s: string, width: number): string {
  const flat = s.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function tableLines(document: string, segments: Segment[]): string[] {
  const rows = segments.map((s) => [
    document,
    s.id,
    oneLine(s.speaker ?? '', 24),
    s.page === null ? '' : String(s.page),
    `${s.start}-${s.end}`,
    oneLine(s.text, TEXT_WIDTH),
  ]);
  const header = ['document', 'id', 'speaker', 'page', 'span', 'text'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

export function registerSegments(program: Command): void {
  program
    .command('segments')
    .description('Extract and segment files into speaker turns, paragraphs or sentences')
    .argument('<file...>', 'transcripts, documents or survey files (PDF, DOCX, TXT, MD, VTT, SRT, Otter .txt, CSV, JSONL)')
    .addOption(new Option('--unit <unit>', 'segment unit (default: turn for transcripts, paragraph for documents)').choices(['turn', 'paragraph', 'sentence']))
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'table']).default('jsonl'))
    .action(async (files: string[], opts: SegmentsOptions) => {
      // Word files (and PDFs without poppler) are read in a worker process: start it while the files are read.
      // With poppler, PDFs are read here: pdftotext runs in a child under the limits (pool.ts, popplerInProcess).
      if (files.some((f) => needsWorker(f, { popplerInProcess: true }))) sharedPool().warm();
      let failed = 0;
      for (const file of files) {
        const document = path.basename(file);
        try {
          let bytes: Uint8Array;
          try {
            bytes = new Uint8Array(await readFile(file));
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message}`);
          }
          const doc = await extractBounded(bytes, document, {}, { popplerInProcess: true });
          const segments = segmentDocument(doc, { ...(opts.unit ? { unit: opts.unit } : {}), documentId: document });
          const lines = opts.format === 'table' ? tableLines(document, segments) : segments.map((s) => JSON.stringify(segmentRecord(document, s)));
          if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
        } catch (e) {
          failed++;
          // QualtagError messages already start with the file name.
          const why = isQualtagError(e) ? e.describe() : e instanceof Error ? e.message : String(e);
          process.stderr.write(`qualtag: ${why.startsWith(document) || why.startsWith(file) ? why : `${document}: ${why}`}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
