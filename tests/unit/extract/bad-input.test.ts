// Every bad input gives a typed QualtagError that names the file and says what to do, never a crash.
import { describe, expect, it } from 'vitest';
import { QualtagError, type ErrorKind } from '../../../lib/errors.js';
import { extractFile } from '../../../lib/extract/index.js';
import { makeDocx } from '../../fixtures/extract/make-docx.js';
import { makePdf } from '../../fixtures/extract/make-pdf.js';
import { strToU8, zipSync } from 'fflate';
import { describeEachPdfSource, popplerInstalled } from '../../helpers/pdf-sources.js';
import { utf8 } from './fixtures.js';

async function failure(bytes: Uint8Array, name: string, opts = {}): Promise<QualtagError> {
  try {
    await extractFile(bytes, name, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(QualtagError);
    const err = e as QualtagError;
    expect(err.where).toBe(name);
    expect(err.hint.length).toBeGreaterThan(10);
    return err;
  }
  throw new Error(`${name} was extracted without an error`);
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0]);

const cases: Array<[string, () => Uint8Array, string, ErrorKind, RegExp, object?]> = [
  ['an empty file', () => new Uint8Array(), 'leeg.txt', 'EMPTY_FILE', /empty/],
  ['a file of blank lines', () => utf8('\n \n\t\n'), 'leeg.md', 'EMPTY_FILE', /no text/],
  ['a corrupt PDF', () => utf8(`%PDF-1.4\n${'garbage '.repeat(50)}`), 'kapot.pdf', 'CORRUPT_FILE', /damaged/],
  ['a truncated PDF', () => makePdf([{ lines: ['hallo'] }]).slice(0, 180), 'half.pdf', 'CORRUPT_FILE', /damaged/],
  ['a .pdf that is not a PDF', () => utf8('Dit is gewoon tekst.'), 'nep.pdf', 'CORRUPT_FILE', /not a PDF/],
  ['an encrypted PDF', () => makePdf([{ lines: ['geheim'] }], { encrypted: true }), 'geheim.pdf', 'ENCRYPTED_FILE', /password/],
  ['a scanned PDF without text layer', () => makePdf(['image', 'image']), 'scan.pdf', 'NO_TEXT_LAYER', /no text layer \(2 pages/],
  ['a .docx that is not a zip', () => utf8('Hallo, ik ben geen Word-bestand.'), 'nep.docx', 'CORRUPT_FILE', /not a Word document/],
  ['a damaged zip', () => makeDocx(['x']).slice(0, 0x1e) /* first header only */, 'stuk.docx', 'CORRUPT_FILE', /damaged/],
  ['a zip that is not a Word document', () => zipSync({ 'notes.txt': strToU8('hallo') }), 'zip.docx', 'CORRUPT_FILE', /no word\/document\.xml/],
  [
    'a password-protected .docx (OLE package)',
    () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
    'geheim.docx',
    'ENCRYPTED_FILE',
    /password/,
  ],
  ['a binary file named .txt', () => png, 'foto.txt', 'BINARY_AS_TEXT', /binary/],
  ['random bytes named .vtt', () => new Uint8Array(Array.from({ length: 600 }, (_, i) => (i * 97) % 256)), 'x.vtt', 'BINARY_AS_TEXT', /binary/],
  ['an unsupported type', () => png, 'foto.png', 'UNSUPPORTED_TYPE', /\.png/],
  ['a file over the size limit', () => utf8('a'.repeat(2000)), 'groot.txt', 'TOO_LARGE', /more than/, { maxBytes: 1000 }],
  ['a PDF over the time limit', () => makePdf([{ lines: ['een'] }, { lines: ['twee'] }]), 'traag.pdf', 'TIMEOUT', /took longer than 0 ms/, { timeoutMs: 0 }],
  ['a VTT without header', () => utf8('00:00:01.000 --> 00:00:02.000\nhallo'), 'x.vtt', 'CORRUPT_FILE', /WEBVTT/],
  ['an SRT without timings', () => utf8('1\nhallo\n'), 'x.srt', 'CORRUPT_FILE', /timings/],
  [
    'a JSONL with a wrong type',
    () => utf8('{"id":"a","text":42}\n[1]\n'),
    'x.jsonl',
    'BAD_ROWS',
    /line 1: field `text` must be a string; line 2: is not a JSON object/,
  ],
  ['a CSV without id column', () => utf8('text,respondent\nhallo,R1\n'), 'x.csv', 'BAD_ROWS', /no `id` column/],
  ['a CSV with a duplicate id', () => utf8('id,text\na,een\nb,twee\na,drie\n'), 'x.csv', 'BAD_ROWS', /line 4: id "a" is used before on line 2/],
  ['a CSV with an unclosed quote', () => utf8('id,text\na,"open\n'), 'x.csv', 'BAD_ROWS', /cannot be read/],
  [
    'a JSONL with a broken line',
    () => utf8('{"id":"a","text":"ok"}\n{"id":"b",\n{"text":"geen id"}\n'),
    'x.jsonl',
    'BAD_ROWS',
    /line 2: is not valid JSON; line 3: has no `id`/,
  ],
];

const isPdfCase = (c: (typeof cases)[number]) => c[2].endsWith('.pdf');

describe('bad input', () => {
  it.each(cases.filter((c) => !isPdfCase(c)))('%s', async (_label, bytes, name, kind, message, opts) => {
    const err = await failure(bytes(), name, opts);
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(message);
  });
});

describe.skipIf(!popplerInstalled)('pdftotext output limit', () => {
  it('stops reading past the text budget (the inflate budget, at most 128 MiB) with TOO_LARGE', async () => {
    const pdf = makePdf([{ lines: Array.from({ length: 40 }, (_, i) => `Regel ${i} met genoeg woorden om de uitvoer te vullen.`) }]);
    const err = await failure(pdf, 'lang.pdf', { pdfSource: 'pdftotext', maxInflatedBytes: 2000 });
    expect(err.kind).toBe('TOO_LARGE');
    expect(err.message).toBe("lang.pdf: the PDF's text is more than 2 KB; qualtag stops there");
  });
});

// The same errors whichever reader gives a PDF's text.
describeEachPdfSource('bad PDFs', (pdfSource) => {
  it.each(cases.filter(isPdfCase))('%s', async (_label, bytes, name, kind, message, opts) => {
    const err = await failure(bytes(), name, { ...opts, pdfSource });
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(message);
  });
});
