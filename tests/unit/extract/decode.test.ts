import { describe, expect, it } from 'vitest';
import { decodeCp1252, decodeText } from '../../../lib/extract/decode.js';
import { extractFile } from '../../../lib/extract/index.js';

// "Interviewer: Kost het €5? – “Ja”, zei ze. Café" and "Respondent: Nee, €10." as a Windows editor saves it: one byte per character.
const CP1252 = new Uint8Array([
  ...Buffer.from('Interviewer: Kost het ', 'latin1'),
  0x80,
  ...Buffer.from('5? ', 'latin1'),
  0x96,
  0x20,
  0x93,
  ...Buffer.from('Ja', 'latin1'),
  0x94,
  ...Buffer.from(', zei ze. Caf', 'latin1'),
  0xe9,
  ...Buffer.from('\nRespondent: Nee, ', 'latin1'),
  0x80,
  ...Buffer.from('10.\n', 'latin1'),
]);

describe('Windows-1252 text', () => {
  it('maps the 0x80–0x9F bytes to €, curly quotes and dashes, not to C1 controls', () => {
    expect(decodeCp1252(new Uint8Array([0x80, 0x82, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9f, 0xe9, 0xeb]))).toBe('€‚…‘’“”–—™Ÿéë');
    // unassigned bytes stay as they are, so binary data still looks binary
    expect(decodeCp1252(new Uint8Array([0x81, 0x8d]))).toBe('\u0081\u008d');
  });

  it('decodes a transcript that is not valid UTF-8 as cp1252', () => {
    expect(decodeText(CP1252, 'oud.txt')).toBe('Interviewer: Kost het €5? – “Ja”, zei ze. Café\nRespondent: Nee, €10.\n');
  });

  it('keeps euro signs and curly quotes through extraction, with offsets into the decoded text', async () => {
    const doc = await extractFile(CP1252, 'oud.txt');
    expect(doc.text).toContain('€5? – “Ja”');
    expect(doc.blocks.map((b) => [b.speaker, doc.text.slice(b.start, b.end)])).toEqual([
      ['Interviewer', 'Kost het €5? – “Ja”, zei ze. Café'],
      ['Respondent', 'Nee, €10.'],
    ]);
  });

  it('still reads UTF-8 as UTF-8', () => {
    expect(decodeText(new Uint8Array(Buffer.from('€ “x” – é', 'utf8')), 'a.txt')).toBe('€ “x” – é');
  });
});
