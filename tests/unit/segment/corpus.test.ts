// The research corpus: every respondent answer of each transcript is recovered as exactly one turn with
// the right respondent from every other format of it, and the documents segment into paragraphs
// without page furniture.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { extractFile } from '../../../lib/extract/index.js';
import { isPageNumber } from '../../../lib/extract/pdf-layout.js';
import type { Segment, SegmentUnit } from '../../../lib/model.js';
import { segmentDocument } from '../../../lib/segment/index.js';
import type { PdfSource } from '../../../lib/extract/pdftotext.js';
import { pdfSources, popplerInstalled } from '../../helpers/pdf-sources.js';
import { describeShared, sharedDir, sharedPath } from '../../helpers/shared.js';

/** Both PDF readers where poppler is installed (tests/helpers/pdf-sources.ts says when it is not). */
const sources = pdfSources.filter((s) => s === 'pdfjs' || popplerInstalled);

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

async function segmentsOf(file: string, unit?: SegmentUnit, pdfSource?: PdfSource): Promise<{ text: string; segs: Segment[]; pages?: number }> {
  const name = file.split('/').pop()!;
  const doc = await extractFile(new Uint8Array(readFileSync(file)), name, pdfSource ? { pdfSource } : {});
  return { text: doc.text, segs: segmentDocument(doc, unit ? { unit } : {}), ...(doc.pages ? { pages: doc.pages } : {}) };
}

interface IndexEntry {
  file: string;
  respondent: string;
  answers: unknown[];
}

describeShared('zoetermeer-2021 transcripts', () => {
  const dir = sharedDir ? sharedPath('corpus/transcripts/zoetermeer-2021') : '';
  const index: IndexEntry[] = sharedDir
    ? readFileSync(`${dir}/index.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as IndexEntry)
    : [];
  const files = sharedDir ? readdirSync(dir) : [];

  it('covers every transcript and each has a sibling in another format', () => {
    expect(index.length).toBe(14);
    for (const e of index) expect(files.filter((f) => f.startsWith(e.file.replace(/\.txt$/, '.')) && f !== e.file).length, e.file).toBe(1);
  });

  it.each(index.map((e) => [e.file, e] as const))('%s: the .txt answers are the indexed ones', async (file, entry) => {
    const { segs } = await segmentsOf(`${dir}/${file}`);
    const answers = segs.filter((s) => s.respondent !== null);
    expect(answers.map((s) => s.respondent)).toEqual(entry.answers.map(() => entry.respondent));
    // Questions are the interviewer's: one before every answer.
    expect(segs.filter((s) => s.speaker === 'Interviewer').length).toBe(entry.answers.length);
  });

  it.each(index.map((e) => [e.file.replace(/\.txt$/, ''), e] as const))(
    '%s: every answer comes back from the other format',
    async (stem, entry) => {
      const sibling = files.find((f) => f.startsWith(`${stem}.`) && f !== entry.file)!;
      const want = (await segmentsOf(`${dir}/${entry.file}`)).segs.filter((s) => s.respondent !== null);
      for (const source of sibling.endsWith('.pdf') ? sources : [undefined]) {
        const { segs } = await segmentsOf(`${dir}/${sibling}`, 'turn', source);
        const got = segs.filter((s) => s.respondent !== null);
        expect(
          got.map((s) => s.respondent),
          `${sibling} ${source ?? ''}`,
        ).toEqual(want.map((s) => s.respondent));
        expect(
          got.map((s) => norm(s.text)),
          `${sibling} ${source ?? ''}`,
        ).toEqual(want.map((s) => norm(s.text)));
      }
    },
    60_000,
  );
});

describeShared('corpus documents', () => {
  const stems = ['collectieve-weerbaarheid', 'wodc-versterking-2021', 'zoetermeer-2021'];
  const dir = sharedDir ? sharedPath('corpus/documents') : '';

  it.each(stems)(
    '%s: PDF and DOCX paragraphs match the TXT, with no page furniture',
    async (stem) => {
      const txt = (await segmentsOf(`${dir}/${stem}.txt`)).segs.map((s) => norm(s.text));
      const txtSet = new Set(txt);
      for (const [ext, source] of [...sources.map((s) => ['pdf', s] as const), ['docx', undefined] as const]) {
        const { segs, pages, text } = await segmentsOf(`${dir}/${stem}.${ext}`, undefined, source);
        expect(
          segs.every((s) => s.speaker === null),
          ext,
        ).toBe(true);
        expect(
          segs.filter((s) => isPageNumber(s.text)).map((s) => s.text),
          ext,
        ).toEqual([]);
        expect(text, ext).not.toMatch(/-- \d+ of \d+ --/);
        if (ext === 'pdf') {
          expect(pages).toBeGreaterThan(3);
          expect(segs.every((s) => s.page !== null && s.page >= 1 && s.page <= pages!)).toBe(true);
        }
        // The TXT itself splits a few paragraphs mid-sentence where the source had a page break; the PDF
        // joins them. Everything else matches exactly.
        const matched = segs.filter((s) => txtSet.has(norm(s.text))).length;
        expect(matched / txt.length, `${stem}.${ext} ${source ?? ''}: ${matched} of ${txt.length} paragraphs`).toBeGreaterThan(ext === 'docx' ? 0.99 : 0.85);
      }
    },
    120_000,
  );

  it('the long documents have 48 to 60 pages', async () => {
    for (const stem of stems.slice(1)) {
      for (const source of sources) {
        const { pages } = await segmentsOf(`${dir}/${stem}.pdf`, undefined, source);
        expect(pages).toBeGreaterThanOrEqual(48);
        expect(pages).toBeLessThanOrEqual(60);
      }
    }
  }, 120_000);
});
