// PDF → text. The text items (with positions) come from poppler's pdftotext where it is installed
// (pdftotext.ts; fast) or from pdf.js (pdfjs-dist, loaded by pdfjs.ts; the fallback), page by page
// (paragraph breaks are only visible as vertical gaps); pdf-layout.ts lays out both the same way.
import { QualtagError } from '../errors.js';
import type { ExtractedDocument } from '../model.js';
import { PDF_MAGIC } from './magic.js';
import { itemsToLines, layoutPages, type PdfLine, type PdfTextItem } from './pdf-layout.js';
import { loadPdfjs } from './pdfjs.js';
import { NeedsPdfjs, readWithPoppler, resolvePdfSource, type PdfSourceChoice } from './pdftotext.js';

function isTextItem(item: unknown): item is PdfTextItem {
  return typeof item === 'object' && item !== null && typeof (item as PdfTextItem).str === 'string' && Array.isArray((item as PdfTextItem).transform);
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
}

export interface PdfLimits {
  /** Throws when the time budget is used up; called between pages. */
  checkDeadline(): void;
  /** Registers cleanup to run if the caller gives up (timeout). */
  onAbort(fn: () => void): void;
  /** Most bytes of text (pdftotext's TSV) read before the file is refused. */
  maxTextBytes: number;
  /** Which reader gives the text items (default: pdftotext when installed, see resolvePdfSource). */
  source?: PdfSourceChoice;
  /** Memory limit for pdftotext and the parsing of its output (see PopplerLimits). */
  maxMemoryMb?: number;
  /** false: throw NeedsPdfjs where pdf.js would read the file (default true). */
  pdfjsFallback?: boolean;
}

interface PdfPages {
  pages: PdfLine[][];
  numPages: number;
}

async function readWithPdfjs(bytes: Uint8Array, where: string, limits: PdfLimits): Promise<PdfPages> {
  const pdfjs = await loadPdfjs();
  // pdf.js may transfer (detach) the buffer it is given: hand it a copy. Errors only (no warnings on stderr);
  // no eval (fonts are not rendered) and no font faces.
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
  });
  limits.onAbort(() => void task.destroy().catch(() => undefined));
  try {
    let doc: Awaited<typeof task.promise>;
    try {
      doc = await task.promise;
    } catch (e) {
      if (errorName(e) === 'PasswordException') {
        throw new QualtagError(
          'ENCRYPTED_FILE',
          'the PDF is password-protected',
          'Open it with its password and save or print it to a new PDF without protection, then upload that copy',
          where,
        );
      }
      throw new QualtagError(
        'CORRUPT_FILE',
        `the PDF is damaged and cannot be read (${e instanceof Error ? e.message : String(e)})`,
        'Open it in a PDF viewer and save or print it to a new PDF, then upload that copy',
        where,
      );
    }
    limits.checkDeadline();
    const pages: PdfLine[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let items: unknown[];
      try {
        const page = await doc.getPage(n);
        items = (await page.getTextContent()).items;
        page.cleanup();
      } catch (e) {
        if (e instanceof QualtagError) throw e;
        throw new QualtagError(
          'CORRUPT_FILE',
          `page ${n} of the PDF is damaged (${e instanceof Error ? e.message : String(e)})`,
          'Open it in a PDF viewer and save or print it to a new PDF, then upload that copy',
          where,
        );
      }
      pages.push(itemsToLines(items.filter(isTextItem), n));
      limits.checkDeadline();
    }
    return { pages, numPages: doc.numPages };
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

async function readPages(bytes: Uint8Array, where: string, limits: PdfLimits): Promise<PdfPages> {
  if (resolvePdfSource(limits.source) === 'pdftotext') {
    const read = await readWithPoppler(bytes, where, limits);
    limits.checkDeadline();
    if (read) return read;
  }
  if (limits.pdfjsFallback === false) throw new NeedsPdfjs(where);
  return readWithPdfjs(bytes, where, limits);
}

export async function extractPdf(bytes: Uint8Array, where: string, limits: PdfLimits): Promise<ExtractedDocument> {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (!head.includes(PDF_MAGIC)) {
    throw new QualtagError(
      'CORRUPT_FILE',
      'this is not a PDF (it has no %PDF header)',
      'Check that you chose the right file, or export the document to PDF again',
      where,
    );
  }
  const { pages, numPages } = await readPages(bytes, where, limits);
  if (!numPages) {
    throw new QualtagError('CORRUPT_FILE', 'the PDF has no pages', 'Export the document to PDF again and upload that copy', where);
  }
  const layout = layoutPages(pages);
  if (!/[\p{L}\p{N}]/u.test(layout.text)) {
    throw new QualtagError(
      'NO_TEXT_LAYER',
      `the PDF has no text layer (${numPages} page${numPages === 1 ? '' : 's'} of images, probably scanned)`,
      'Run text recognition (OCR) on it first, e.g. with ocrmypdf or Adobe Acrobat "Recognize Text", then upload the result',
      where,
    );
  }
  return { text: layout.text, format: 'pdf', blocks: layout.blocks, pages: numPages, kind: layout.transcript ? 'transcript' : 'document' };
}
