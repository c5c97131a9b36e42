// Any upload → ExtractedDocument: the plain text every offset points into, plus blocks (paragraphs,
// cues, rows) with pages, speakers and times. The format comes from the file name and the content;
// every bad input becomes a QualtagError a researcher can act on. Extraction has a size, a time and an
// inflated-size limit here; run it through extractBounded (pool.ts) to also bound memory and to keep it
// off the caller's event loop. pdf.js and mammoth are loaded only for PDFs and Word files, the table
// parsers (zod, csv-parse: a tenth of a second at start) only for .csv and .jsonl.
import { QualtagError } from '../errors.js';
import type { ExtractedDocument } from '../model.js';
import { looksLikeOtter, parseOtter, parseSrt, parseVtt } from './captions.js';
import { decodeText, peekText } from './decode.js';
import { formatOfName, type SourceFormat, uploadLabels } from '../formats.js';
import { DEFAULT_LIMITS } from './limits.js';
import { isOle, isZip, PDF_MAGIC } from './magic.js';
import type { PdfSourceChoice } from './pdftotext.js';
import { textDocument } from './text-blocks.js';

export interface ExtractOptions {
  /** Largest upload read, in bytes (default 50 MB). */
  maxBytes?: number;
  /** Time budget for one file, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Most bytes a PDF's compressed streams may inflate to together (default 256 MiB). */
  maxInflatedBytes?: number;
  /** Which reader gives a PDF's text (default: QUALTAG_PDF_SOURCE, else pdftotext when installed, else pdf.js). */
  pdfSource?: PdfSourceChoice;
  /** Memory limit, in MiB, for pdftotext and the parsing of its output (for callers without a worker pool). */
  maxMemoryMb?: number;
  /** false: a PDF pdftotext cannot read throws NeedsPdfjs instead of being read by pdf.js here (default true). */
  pdfjsFallback?: boolean;
}

export const DEFAULT_MAX_BYTES = DEFAULT_LIMITS.maxBytes;
export const DEFAULT_TIMEOUT_MS = DEFAULT_LIMITS.timeoutMs;
/** pdftotext's TSV is ~30 KB a page: 128 MiB is thousands of pages, and bounds the worker's copy of it. */
const MAX_PDF_TEXT_BYTES = 128 * 1024 * 1024;

/** The last extension, for messages (`.png files are not supported`); the formats are in lib/formats.ts. */
function extensionOf(fileName: string): string {
  const base = fileName.toLowerCase().split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : '';
}

function unsupported(fileName: string, what: string): QualtagError {
  return new QualtagError('UNSUPPORTED_TYPE', what, `qualtag reads ${uploadLabels}; save or export the file as one of these`, fileName);
}

const SRT_START = /^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s+-->/;

/** Text formats recognised by their content (a .txt that is really VTT, SRT or Otter). */
function sniffText(head: string): SourceFormat | null {
  const t = head.replace(/^\uFEFF/, '');
  if (/^WEBVTT\b/.test(t)) return 'vtt';
  if (SRT_START.test(t)) return 'srt';
  if (looksLikeOtter(t)) return 'otter';
  return null;
}

/** The format of an upload, from its content where that is decisive (PDF, Word, captions) and else its name. */
export function detectFormat(fileName: string, bytes: Uint8Array): SourceFormat {
  const ext = extensionOf(fileName);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (head.startsWith(PDF_MAGIC) || (ext === 'pdf' && head.includes(PDF_MAGIC))) return 'pdf';
  if (isZip(bytes)) {
    if (ext === 'docx' || head.includes('word/')) return 'docx';
    if (['xlsx', 'xls', 'ods'].includes(ext)) throw unsupported(fileName, 'spreadsheets are not read directly; save the sheet as .csv');
    throw unsupported(fileName, `this ${ext ? `.${ext} ` : ''}file is a zip archive, not a document qualtag reads`);
  }
  if (isOle(bytes)) {
    if (ext === 'docx') return 'docx'; // a password-protected .docx; extractDocx explains
    throw unsupported(fileName, `this is an old Microsoft Office file${ext ? ` (.${ext})` : ''}`);
  }
  if (ext === 'doc') throw unsupported(fileName, 'old Word .doc files are not read');
  const named = formatOfName(fileName);
  // Plain text is the one container whose content decides: captions and Otter exports are often saved as .txt.
  if (named && named !== 'txt') return named;
  if (!named && ext) throw unsupported(fileName, `.${ext} files are not supported`);
  const sniffed = sniffText(peekText(bytes));
  if (sniffed) return sniffed;
  if (!ext) throw unsupported(fileName, 'the file name has no extension and the content is not a known transcript format');
  return 'txt';
}

interface Deadline {
  check(): void;
  onAbort(fn: () => void): void;
  expired: Promise<never>;
  clear(): void;
}

function deadline(ms: number, fileName: string): Deadline {
  const until = Date.now() + ms;
  const aborts: Array<() => void> = [];
  const error = () =>
    new QualtagError(
      'TIMEOUT',
      `reading the file took longer than ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`} and was stopped`,
      'The file may be damaged or extremely long: save it again, or split it into smaller files',
      fileName,
    );
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const fn of aborts) fn();
      reject(error());
    }, ms);
    timer.unref();
  });
  expired.catch(() => undefined); // only observed through the race
  return {
    check() {
      if (Date.now() > until) throw error();
    },
    onAbort: (fn) => aborts.push(fn),
    expired,
    clear: () => clearTimeout(timer),
  };
}

/** Extracts an upload. `fileName` chooses the format (with the content) and names the file in errors. */
export async function extractFile(bytes: Uint8Array, fileName: string, opts: ExtractOptions = {}): Promise<ExtractedDocument> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (bytes.length === 0 || (bytes.length < 4 && !new TextDecoder().decode(bytes).trim())) {
    throw new QualtagError(
      'EMPTY_FILE',
      'the file is empty (0 bytes)',
      'Check the export or upload: the file should contain the transcript or document',
      fileName,
    );
  }
  if (bytes.length > maxBytes) {
    throw new QualtagError(
      'TOO_LARGE',
      `the file is ${(bytes.length / 1e6).toFixed(1)} MB, more than the ${(maxBytes / 1e6).toFixed(1)} MB qualtag reads`,
      'Split it into smaller files (for example one interview per file), or compress the images in the PDF',
      fileName,
    );
  }
  const format = detectFormat(fileName, bytes);
  const limit = deadline(timeoutMs, fileName);
  try {
    const work = extractors[format](bytes, fileName, { opts, maxBytes, limit });
    return await Promise.race([work, limit.expired]);
  } finally {
    limit.clear();
  }
}

interface ExtractContext {
  opts: ExtractOptions;
  maxBytes: number;
  limit: Deadline;
}

type Extractor = (bytes: Uint8Array, fileName: string, ctx: ExtractContext) => Promise<ExtractedDocument>;

/** A text format: decoded (decode.ts: BOMs, UTF-16, legacy code pages), then parsed. */
const text =
  (parse: (text: string, fileName: string) => ExtractedDocument | Promise<ExtractedDocument>): Extractor =>
  async (bytes, fileName) =>
    parse(decodeText(bytes, fileName), fileName);

/** The extractor of every format in lib/formats.ts (the compiler keeps it complete). */
const extractors: Record<SourceFormat, Extractor> = {
  pdf: async (bytes, fileName, { opts, limit }) => {
    const { checkPdfInflatedSize } = await import('./pdf-inflate-check.js');
    const maxInflated = opts.maxInflatedBytes ?? DEFAULT_LIMITS.maxInflatedBytes;
    // Before either reader sees the file: both would inflate a bomb whole.
    await checkPdfInflatedSize(bytes, fileName, maxInflated);
    limit.check();
    const { extractPdf } = await import('./pdf.js');
    return extractPdf(bytes, fileName, {
      checkDeadline: limit.check,
      onAbort: limit.onAbort,
      maxTextBytes: Math.min(maxInflated, MAX_PDF_TEXT_BYTES),
      ...(opts.pdfSource ? { source: opts.pdfSource } : {}),
      ...(opts.maxMemoryMb !== undefined ? { maxMemoryMb: opts.maxMemoryMb } : {}),
      ...(opts.pdfjsFallback !== undefined ? { pdfjsFallback: opts.pdfjsFallback } : {}),
    });
  },
  docx: async (bytes, fileName, { maxBytes }) => {
    const { extractDocx } = await import('./docx.js');
    return extractDocx(bytes, fileName, maxBytes * 20);
  },
  txt: text((t) => textDocument(t.replace(/^\uFEFF/, ''), 'txt')),
  md: text((t) => textDocument(t.replace(/^\uFEFF/, ''), 'md')),
  vtt: text(parseVtt),
  srt: text(parseSrt),
  otter: text(parseOtter),
  csv: text(async (t, f) => (await import('./table.js')).parseCsv(t, f)),
  jsonl: text(async (t, f) => (await import('./table.js')).parseJsonl(t, f)),
};
