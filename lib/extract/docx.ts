// Word documents (.docx) → plain text with mammoth, then the same paragraph/speaker blocks as TXT.
// Checked first without unpacking: a zip at all, not an encrypted (OLE) package, not a zip bomb.
import { unzipSync } from 'fflate';
import mammoth from 'mammoth';
import { QualtagError } from '../errors.js';
import type { ExtractedDocument } from '../model.js';
import { isOle, isZip } from './magic.js';
import { textDocument } from './text-blocks.js';

function corrupt(where: string, what: string): QualtagError {
  return new QualtagError('CORRUPT_FILE', what, 'Open the file in Word (or LibreOffice), save it again as .docx and upload that copy', where);
}

/** Lists the zip's entries from its central directory without inflating them. */
function zipEntries(bytes: Uint8Array, where: string): Array<{ name: string; size: number }> {
  const entries: Array<{ name: string; size: number }> = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        entries.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch {
    throw corrupt(where, 'the Word file is damaged (its zip structure cannot be read)');
  }
  return entries;
}

export async function extractDocx(bytes: Uint8Array, where: string, maxUnpackedBytes: number): Promise<ExtractedDocument> {
  if (isOle(bytes)) {
    throw new QualtagError(
      'ENCRYPTED_FILE',
      'the Word file is password-protected (or an old .doc saved as .docx)',
      'Remove the password in Word (File → Info → Protect Document) or save as a new .docx, then upload again',
      where,
    );
  }
  if (!isZip(bytes)) throw corrupt(where, 'this is not a Word document: a .docx file is a zip package and this file is not one');
  const entries = zipEntries(bytes, where);
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw corrupt(where, 'the zip has no word/document.xml, so it is not a Word document');
  }
  const unpacked = entries.reduce((n, e) => n + e.size, 0);
  if (unpacked > maxUnpackedBytes) {
    throw new QualtagError(
      'TOO_LARGE',
      `the Word file unpacks to ${Math.round(unpacked / 1e6)} MB, more than the ${Math.round(maxUnpackedBytes / 1e6)} MB qualtag reads`,
      'Split the document into smaller files or remove embedded media, then upload again',
      where,
    );
  }
  let raw: string;
  try {
    raw = (await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
  } catch (e) {
    throw corrupt(where, `the Word file cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  // mammoth ends every paragraph with "\n\n". Documents typed with an empty paragraph between paragraphs
  // (or converted from plain text, one line per Word paragraph) use the empty ones as the separators;
  // otherwise every Word paragraph is a paragraph.
  const paras = raw
    .replace(/\r\n?/g, '\n')
    .split('\n\n')
    .map((p) => p.replace(/[ \t]+$/gm, ''));
  while (paras.length && !/\S/.test(paras[0]!)) paras.shift();
  while (paras.length && !/\S/.test(paras[paras.length - 1]!)) paras.pop();
  if (!paras.length) {
    throw new QualtagError(
      'EMPTY_FILE',
      'the Word document contains no text',
      'Check that the text is not only in images or text boxes; paste it into the body and save again',
      where,
    );
  }
  const empty = paras.filter((p) => !/\S/.test(p)).length;
  const blankSeparated = empty >= 0.25 * (paras.length - empty);
  const text = (blankSeparated ? paras.join('\n') : paras.filter((p) => /\S/.test(p)).join('\n\n')).replace(/\n{3,}/g, '\n\n');
  return textDocument(text, 'docx');
}
