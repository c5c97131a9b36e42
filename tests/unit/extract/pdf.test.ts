import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../lib/extract/index.js';
import { dropFurniture, isPageNumber, itemsToLines, joinLines, layoutPages, wordSet, type PdfLine } from '../../../lib/extract/pdf-layout.js';
import { TsvReader, tsvToItems } from '../../../lib/extract/pdftotext.js';
import type { ExtractedDocument } from '../../../lib/model.js';
import { makePdf } from '../../fixtures/extract/make-pdf.js';
import { describeEachPdfSource } from '../../helpers/pdf-sources.js';

const blockTexts = (d: { text: string; blocks: Array<{ start: number; end: number }> }) => d.blocks.map((b) => d.text.slice(b.start, b.end));

describe('joinLines (line-end hyphens)', () => {
  const words = wordSet(['Wij zoeken samenwerking.', 'De politie-informatie is nodig.']);
  const join = (a: string, b: string) => {
    const { sep, keepHyphen } = joinLines(a, b, words);
    return (keepHyphen ? a : a.slice(0, -1)) + sep + b;
  };

  it('removes a hyphenation hyphen when the joined word is plausible', () => {
    expect(join('de samen-', 'werking loopt')).toBe('de samenwerking loopt'); // the document writes "samenwerking"
    expect(join('aanpak van ondermij-', 'ning is')).toBe('aanpak van ondermijning is'); // neither piece is a word
  });

  it('keeps the hyphen of real compounds', () => {
    expect(join('gericht op informatie-', 'uitwisseling tussen')).toBe('gericht op informatie-uitwisseling tussen'); // vowels meet
    expect(join('de politie-', 'informatie is')).toBe('de politie-informatie is'); // written so elsewhere
    expect(join('wij zoeken een functie-', 'samenwerking')).toBe('wij zoeken een functie-samenwerking'); // both parts are words
    expect(join('in Noord-', 'Holland')).toBe('in Noord-Holland');
    expect(join('tijdens COVID-', '19 was')).toBe('tijdens COVID-19 was');
    expect(join('de ondermijning-brief-aan-', 'minister')).toBe('de ondermijning-brief-aan-minister');
  });

  it('keeps a hyphen before a conjunction with a space, and joins wrapped URLs without one', () => {
    expect(join('fraude met zorg-', 'en belastinggeld')).toBe('fraude met zorg- en belastinggeld');
    expect(join('zie https://www.example.nl/rapporten/', 'tabel.pdf')).toBe('zie https://www.example.nl/rapporten/tabel.pdf');
    expect(join('een gewone', 'regel')).toBe('een gewone regel');
    expect(join('een gedachte -', 'streepje')).toBe('een gedachte - streepje');
  });
});

describe('page furniture', () => {
  it('recognises page numbers in their usual forms', () => {
    for (const t of ['12', '- 12 -', '— 3 —', 'Pagina 3 van 9', 'page 2 of 10', '3 / 9', '-- 1 of 3 --', 'iv']) expect(isPageNumber(t), t).toBe(true);
    for (const t of ['12 respondenten', '2021-2022 was', 'Inleiding']) expect(isPageNumber(t), t).toBe(false);
  });

  it('drops running headers and numbered footers repeated on most pages, but not body lines', () => {
    const line = (text: string, y: number, page: number): PdfLine => ({ text, y, page, height: 10, left: 72, right: 300 });
    const body = ['Inleiding.', 'Methode.', 'Resultaten.', 'Conclusie.'];
    const pages = [1, 2, 3, 4].map((p) => [
      line('Rapport ondermijning 2021', 800, p),
      line(body[p - 1]!, 700, p),
      line(`Tabel ${p + 4}`, 690, p), // a number, but not this page's
      line(`Rapport — pagina ${p}`, 40, p),
    ]);
    pages[0]!.unshift(line('Alleen hier bovenaan', 820, 1));
    const kept = dropFurniture(pages).map((ls) => ls.map((l) => l.text));
    expect(kept).toEqual([
      ['Alleen hier bovenaan', 'Inleiding.', 'Tabel 5'],
      ['Methode.', 'Tabel 6'],
      ['Resultaten.', 'Tabel 7'],
      ['Conclusie.', 'Tabel 8'],
    ]);
  });
});

describe('itemsToLines', () => {
  it('groups items by baseline, ends lines at hasEOL and separates items that have a gap', () => {
    const item = (str: string, x: number, y: number, width: number, hasEOL = false) => ({ str, transform: [10, 0, 0, 10, x, y], width, height: 10, hasEOL });
    const lines = itemsToLines(
      [item('Hallo', 72, 700, 30), item('wereld', 110, 700, 35), item('', 72, 688, 0, true), item('tweede', 72, 688, 35), item(' regel', 107, 688, 30)],
      1,
    );
    expect(lines.map((l) => [l.text, l.y, l.left, l.right])).toEqual([
      ['Hallo wereld', 700, 72, 145],
      ['tweede regel', 688, 72, 137],
    ]);
  });
});

describe('tsvToItems (pdftotext -tsv)', () => {
  const head = 'level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
  const page = (n: number) => `1\t${n}\t0\t0\t0\t0\t0\t0\t595\t842\t-1\t###PAGE###`;
  const word = (p: number, flow: number, line: number, w: number, left: number, top: number, width: number, text: string) =>
    `5\t${p}\t${flow}\t0\t${line}\t${w}\t${left}\t${top}\t${width}\t13\t100\t${text}`;
  it('gives pdf.js-like items per page and puts a lone right-hand flow back at the end of its row', () => {
    const tsv = [
      head,
      page(1),
      word(1, 0, 0, 0, 56, 100, 40, 'Bijlage'),
      word(1, 0, 0, 1, 100, 100, 6, '1'),
      word(1, 0, 1, 0, 146, 100, 50, 'Overzicht'),
      word(1, 0, 1, 1, 200, 100, 30, '.....'),
      word(1, 0, 2, 0, 56, 112, 60, 'Referenties'),
      word(1, 1, 0, 0, 517, 100, 12, '44'), // poppler's own flow, after the page's text
      page(3),
      word(3, 0, 0, 0, 56, 100, 30, 'Slot.'),
    ].join('\n');
    const pages = tsvToItems(tsv);
    expect(pages.map((items) => items.map((i) => i.str))).toEqual([['Bijlage', ' 1', 'Overzicht', ' .....', '44', 'Referenties'], [], ['Slot.']]);
    expect(itemsToLines(pages[0]!, 1).map((l) => l.text)).toEqual(['Bijlage 1 Overzicht ..... 44', 'Referenties']);
    const [first] = pages[0]!;
    // Top-down boxes become baselines in PDF space (upwards); the box is a bit taller than the font size.
    expect(first!.transform[4]).toBe(56);
    expect(first!.transform[5]).toBeGreaterThan(842 - 113);
    expect(first!.transform[5]).toBeLessThan(842 - 100 - 9);
    expect(first!.height).toBeGreaterThan(10);
    expect(first!.height).toBeLessThan(13);
    // Read as it arrives, cut anywhere (mid-row, mid-number), the result is the same.
    const reader = new TsvReader();
    for (let i = 0; i < tsv.length; i += 7) reader.push(tsv.slice(i, i + 7));
    expect(reader.end()).toEqual(pages);
  });

  it('makes the lines itemsToLines makes of its items, without the items', () => {
    const tsv = [
      head,
      page(1),
      word(1, 0, 0, 0, 56, 100, 40, 'Bijlage'),
      word(1, 0, 0, 1, 100, 100, 6, '1'),
      word(1, 0, 0, 2, 110, 92, 4, '²'), // a raised word in poppler's line: a baseline jump ends the line for both
      word(1, 0, 1, 0, 146, 100, 50, 'Overzicht'),
      word(1, 0, 2, 0, 56, 112, 60, 'Referenties'),
      word(1, 1, 0, 0, 517, 100, 12, '44'),
      page(2),
      page(3),
      word(3, 0, 0, 0, 56, 100, 30, 'Slot.'),
      word(3, 0, 1, 0, 88, 100, 30, 'Echt.'), // another poppler line on the same baseline, with a gap: one line
    ].join('\n');
    const byPage: PdfLine[][] = [];
    const reader = new TsvReader((lines, n) => (byPage[n - 1] = lines));
    for (let i = 0; i < tsv.length; i += 5) reader.push(tsv.slice(i, i + 5));
    expect(reader.end()).toEqual([]);
    expect(reader.pages).toBe(3);
    const items = tsvToItems(tsv);
    expect(byPage[0]).toEqual(itemsToLines(items[0]!, 1));
    expect(byPage[1]).toBeUndefined(); // no words on page 2 (the page count still says 3)
    expect(byPage[2]).toEqual(itemsToLines(items[2]!, 3));
    expect(byPage[0]!.map((l) => l.text)).toEqual(['Bijlage 1', '²', 'Overzicht 44', 'Referenties']);
    expect(byPage[2]!.map((l) => l.text)).toEqual(['Slot. Echt.']);
  });
});

describe('layoutPages', () => {
  const line = (text: string, y: number, page = 1, right = 500): PdfLine => ({ text, y, page, height: 10, left: 72, right });
  it('breaks paragraphs at gaps larger than the line spacing and continues over a page break mid-sentence', () => {
    const { text, blocks } = layoutPages([
      [line('Eerste regel van de', 700), line('alinea.', 688, 1, 120), line('Nieuwe alinea die doorloopt op de', 664)],
      [line('volgende pagina.', 780, 2, 200)],
    ]);
    expect(text).toBe('Eerste regel van de alinea.\n\nNieuwe alinea die doorloopt op de volgende pagina.');
    expect(blockTexts({ text, blocks })).toEqual(['Eerste regel van de alinea.', 'Nieuwe alinea die doorloopt op de', 'volgende pagina.']);
    expect(blocks.map((b) => b.page)).toEqual([1, 1, 2]);
  });

  it('ends a paragraph at a page break when the last line ends a sentence and is not full', () => {
    const pages = (lastRight: number) =>
      layoutPages([
        [line('Een volle regel tekst zonder einde en dan', 700), line('eindigt de zin.', 688, 1, lastRight)],
        [line('Daarna een nieuwe alinea.', 780, 2)],
      ]).text;
    expect(pages(150)).toBe('Een volle regel tekst zonder einde en dan eindigt de zin.\n\nDaarna een nieuwe alinea.');
    expect(pages(498)).toBe('Een volle regel tekst zonder einde en dan eindigt de zin. Daarna een nieuwe alinea.');
  });

  it('starts a turn at every speaker label in a transcript, even without gaps', () => {
    const { text, blocks, transcript } = layoutPages([
      [line('Interview 3', 700), line('Interviewer: Hoe gaat', 688), line('het?', 676), line('R3: Goed, dank', 664), line('u.', 652)],
    ]);
    expect(transcript).toBe(true);
    expect(text).toBe('Interview 3\n\nInterviewer: Hoe gaat het?\n\nR3: Goed, dank u.');
    expect(blocks.map((b) => [b.speaker, text.slice(b.start, b.end)])).toEqual([
      [undefined, 'Interview 3'],
      ['Interviewer', 'Hoe gaat het?'],
      ['R3', 'Goed, dank u.'],
    ]);
  });
});

describeEachPdfSource('PDF extraction (hand-written PDFs)', (pdfSource) => {
  it('gives pages, paragraphs and Dutch diacritics, without headers and page numbers', async () => {
    const pdf = makePdf([
      {
        header: 'Rapport 2021',
        lines: ['Eerste alinea over café-', 'overleg en de informatie-', 'uitwisseling tussen partners.', '', 'Tweede alinea: ideeën over coöperatie.'],
        footer: '1',
      },
      { header: 'Rapport 2021', lines: ['Derde alinea op pagina twee.'], footer: '- 2 -' },
      { header: 'Rapport 2021', lines: ['Vierde alinea.'], footer: 'Pagina 3 van 3' },
    ]);
    const d: ExtractedDocument = await extractFile(pdf, 'rapport.pdf', { pdfSource });
    expect(d).toMatchObject({ format: 'pdf', kind: 'document', pages: 3 });
    expect(blockTexts(d)).toEqual([
      'Eerste alinea over café-overleg en de informatie-uitwisseling tussen partners.',
      'Tweede alinea: ideeën over coöperatie.',
      'Derde alinea op pagina twee.',
      'Vierde alinea.',
    ]);
    expect(d.blocks.map((b) => b.page)).toEqual([1, 1, 2, 3]);
    expect(d.text).not.toMatch(/Rapport 2021|Pagina 3|-- \d/);
  });

  it('keeps turns, hyphenation, page continuation and offsets in a transcript over three pages', async () => {
    const pdf = makePdf([
      {
        lines: ['Interviewer: Hoe verloopt de samen-', 'werking met de gemeente?', 'R3: Die verloopt goed. De aanpak van ondermij-', 'ning vraagt tijd en de'],
        footer: '1',
      },
      { lines: ['samenwerking groeit nog.', 'Interviewer: Dank u.'], footer: '2' },
      { lines: ['R3: Graag gedaan.'], footer: '3' },
    ]);
    const d = await extractFile(pdf, 'interview.pdf', { pdfSource });
    expect(d).toMatchObject({ kind: 'transcript', pages: 3 });
    expect(d.text).toBe(
      'Interviewer: Hoe verloopt de samenwerking met de gemeente?\n\nR3: Die verloopt goed. De aanpak van ondermijning vraagt tijd en de samenwerking groeit nog.\n\nInterviewer: Dank u.\n\nR3: Graag gedaan.',
    );
    expect(d.blocks.map((b) => [b.speaker, b.page, d.text.slice(b.start, b.end)])).toEqual([
      ['Interviewer', 1, 'Hoe verloopt de samenwerking met de gemeente?'],
      ['R3', 1, 'Die verloopt goed. De aanpak van ondermijning vraagt tijd en de'],
      [undefined, 2, 'samenwerking groeit nog.'], // the turn goes on (segments keep R3)
      ['Interviewer', 2, 'Dank u.'],
      ['R3', 3, 'Graag gedaan.'],
    ]);
    // The same document from pdf.js, offsets included.
    if (pdfSource !== 'pdfjs') expect(d).toEqual(await extractFile(pdf, 'interview.pdf', { pdfSource: 'pdfjs' }));
  });

  it('reads the same bytes twice (the caller keeps its buffer)', async () => {
    const pdf = makePdf([{ lines: ['Interviewer: Vraag?', 'R1: Antwoord.'] }]);
    const a = await extractFile(pdf, 'a.pdf', { pdfSource });
    const b = await extractFile(pdf, 'a.pdf', { pdfSource });
    expect(a.text).toBe('Interviewer: Vraag?\n\nR1: Antwoord.');
    expect(b).toEqual(a);
  });
});
