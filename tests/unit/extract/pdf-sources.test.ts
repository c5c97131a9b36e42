// pdftotext and pdf.js give the corpus PDFs the same segments: the layout pass is shared, so only what the
// readers see differently may differ (poppler reads a table column by column). Skips with a message
// without ../shared or without poppler.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { extractFile } from '../../../lib/extract/index.js';
import { itemsToLines, type PdfLine } from '../../../lib/extract/pdf-layout.js';
import { TsvReader, tsvToItems, type PdfSource } from '../../../lib/extract/pdftotext.js';
import { segmentDocument } from '../../../lib/segment/index.js';
import { popplerInstalled } from '../../helpers/pdf-sources.js';
import { describeShared, sharedDir, sharedPath } from '../../helpers/shared.js';

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

async function segmentTexts(file: string, pdfSource: PdfSource): Promise<{ texts: string[]; pages: number; blocks: Array<[number | undefined, string]> }> {
  const doc = await extractFile(new Uint8Array(readFileSync(file)), file.split('/').pop()!, { pdfSource });
  return {
    texts: segmentDocument(doc).map((s) => norm(s.text)),
    pages: doc.pages ?? 0,
    blocks: doc.blocks.map((b) => [b.page, norm(doc.text.slice(b.start, b.end))]),
  };
}

if (sharedDir && !popplerInstalled) console.warn('[qualtag tests] pdftotext (poppler-utils) not found: skipping the PDF source parity test');

describeShared('pdftotext and pdf.js agree on the corpus PDFs', () => {
  const pdfs = sharedDir
    ? ['corpus/documents', 'corpus/transcripts/zoetermeer-2021'].flatMap((d) =>
        readdirSync(sharedPath(d))
          .filter((f) => f.endsWith('.pdf'))
          .map((f) => sharedPath(d, f)),
      )
    : [];

  it.skipIf(!popplerInstalled).each(pdfs.map((p) => [p.split('/').pop()!, p] as const))(
    '%s',
    async (_name, file) => {
      const a = await segmentTexts(file, 'pdfjs');
      const b = await segmentTexts(file, 'pdftotext');
      expect(b.pages).toBe(a.pages);
      // Segments: at least 98% of each side's are found on the other, and their counts are within 2%.
      const inA = new Set(a.texts);
      const inB = new Set(b.texts);
      const shared = (xs: string[], other: Set<string>) => xs.filter((x) => other.has(x)).length / Math.max(1, xs.length);
      expect(shared(a.texts, inB), 'pdf.js segments also from pdftotext').toBeGreaterThanOrEqual(0.98);
      expect(shared(b.texts, inA), 'pdftotext segments also from pdf.js').toBeGreaterThanOrEqual(0.98);
      expect(Math.abs(a.texts.length - b.texts.length)).toBeLessThanOrEqual(Math.max(1, 0.02 * a.texts.length));
      // Blocks (paragraph parts) with their pages: 98% of pdftotext's are pdf.js's, page included.
      const left = new Map<string, number>();
      for (const [p, t] of a.blocks) left.set(`${p}|${t}`, (left.get(`${p}|${t}`) ?? 0) + 1);
      const found = b.blocks.filter(([p, t]) => {
        const n = left.get(`${p}|${t}`) ?? 0;
        if (n) left.set(`${p}|${t}`, n - 1);
        return n > 0;
      });
      expect(found.length / b.blocks.length).toBeGreaterThanOrEqual(0.98);
      // The text itself: the same characters up to whitespace, in about the same amount.
      const chars = (xs: string[]) => xs.join(' ').replace(/\s/g, '').length;
      expect(Math.abs(chars(a.texts) - chars(b.texts)) / chars(a.texts)).toBeLessThan(0.005);
    },
    120_000,
  );
});

describeShared('pdftotext words become the lines itemsToLines makes of them (corpus PDFs)', () => {
  const pdfs = sharedDir ? readdirSync(sharedPath('corpus/documents')).filter((f) => f.endsWith('.pdf')) : [];
  it.skipIf(!popplerInstalled).each(pdfs)('%s', (name) => {
    const tsv = execFileSync('pdftotext', ['-tsv', '-enc', 'UTF-8', sharedPath('corpus/documents', name), '-'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const direct: PdfLine[][] = [];
    const reader = new TsvReader((lines, n) => (direct[n - 1] = lines));
    for (let i = 0; i < tsv.length; i += 65536) reader.push(tsv.slice(i, i + 65536));
    reader.end();
    const items = tsvToItems(tsv);
    expect(reader.pages).toBe(items.length);
    items.forEach((pageItems, p) => {
      expect(direct[p] ?? []).toEqual(itemsToLines(pageItems, p + 1));
    });
  });
});
