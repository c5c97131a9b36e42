// The upload-format registry (lib/formats.ts): every listed format is detected from its
// extensions and extracted, and the contract, the CLI's content types and the web accept list follow it.
import { describe, expect, it } from 'vitest';
import { SourceFormat } from '../../../lib/api/contract.js';
import {
  formatOfName,
  type SourceFormat as Format,
  sourceFormats,
  uploadAccept,
  uploadContentType,
  uploadFormats,
  uploadLabels,
} from '../../../lib/formats.js';
import { detectFormat, extractFile } from '../../../lib/extract/index.js';
import { makeDocx } from '../../fixtures/extract/make-docx.js';
import { makePdf } from '../../fixtures/extract/make-pdf.js';
import { fixture, utf8 } from './fixtures.js';

/** A small valid file of each format. */
const sample: Record<Format, () => Uint8Array> = {
  pdf: () => makePdf([{ lines: ['Interviewer: Hoe gaat het?', 'R1: Goed.'] }]),
  docx: () => makeDocx(['Interviewer: Hoe gaat het?', 'R1: Goed.']),
  txt: () => utf8('Een alinea.\n\nNog een alinea.'),
  md: () => utf8('# Kop\n\nTekst.'),
  vtt: () => fixture('teams.vtt'),
  srt: () => fixture('interview.srt'),
  otter: () => fixture('interview.otter.txt'),
  csv: () => utf8('id,text\n1,Een antwoord\n'),
  jsonl: () => utf8('{"id":"1","text":"Een antwoord"}\n'),
};

describe('upload formats', () => {
  it('detects every format from each of its extensions, and extracts it', async () => {
    for (const f of uploadFormats) {
      for (const ext of f.extensions) expect(detectFormat(`upload${ext}`, sample[f.format]()), `${f.format} ${ext}`).toBe(f.format);
      const doc = await extractFile(sample[f.format](), `upload${f.extensions[0]}`);
      expect(doc.format, f.format).toBe(f.format);
      expect(doc.text.length, f.format).toBeGreaterThan(0);
    }
  });

  it('takes the longest extension, ignores case and folders, and knows no format for other names', () => {
    expect(formatOfName('Interview 3.OTTER.TXT')).toBe('otter');
    expect(formatOfName('map/interview.txt')).toBe('txt');
    expect(formatOfName('antwoorden.ndjson')).toBe('jsonl');
    expect(formatOfName('foto.png')).toBeNull();
    expect(formatOfName('.txt')).toBeNull();
  });

  it('gives the contract, the CLI upload and the web upload page the same list', () => {
    expect(SourceFormat.options).toEqual(sourceFormats);
    expect(uploadContentType('a.pdf')).toBe('application/pdf');
    expect(uploadContentType('a.vtt')).toBe('text/vtt');
    expect(uploadContentType('a.xyz')).toBe('application/octet-stream');
    expect(uploadAccept.split(',')).toEqual(expect.arrayContaining(['.pdf', '.docx', '.otter.txt', '.jsonl']));
    expect(uploadLabels).toContain('Teams/Zoom VTT');
  });
});
