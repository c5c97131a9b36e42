// PDF text comes from pdftotext (poppler) where it is installed, else from pdf.js. Layout tests run once per
// source; the pdftotext run skips with a message when poppler is absent.
import { describe } from 'vitest';
import { hasPoppler, type PdfSource } from '../../lib/extract/pdftotext.js';

export const popplerInstalled = hasPoppler();
export const pdfSources: readonly PdfSource[] = ['pdfjs', 'pdftotext'];

let warned = false;
/** describe() once per PDF source, named after it; the pdftotext one is skipped (with a note) without poppler. */
export function describeEachPdfSource(name: string, fn: (source: PdfSource) => void): void {
  if (!popplerInstalled && !warned) {
    warned = true;
    console.warn('[qualtag tests] pdftotext (poppler-utils) not found: the PDF tests run with pdf.js only');
  }
  for (const source of pdfSources) describe.skipIf(source === 'pdftotext' && !popplerInstalled)(`${name} [${source}]`, () => fn(source));
}
