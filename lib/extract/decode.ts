// Bytes of a text upload → a JavaScript string. Handles UTF-8 with or without BOM, UTF-16 LE/BE with or
// without BOM, falls back to Windows-1252 for legacy files, and refuses binary content posing as text.
import { QualtagError } from '../errors.js';

const SAMPLE = 8192;

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

interface Sniffed {
  encoding: Encoding;
  bomLength: number;
}

function sniffEncoding(bytes: Uint8Array): Sniffed {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // No BOM: UTF-16 text of mostly Latin script has a zero in every other byte.
  const n = Math.min(bytes.length, SAMPLE) & ~1;
  if (n >= 4) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) evenZeros++;
      if (bytes[i + 1] === 0) oddZeros++;
    }
    const pairs = n / 2;
    if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return { encoding: 'utf-16le', bomLength: 0 };
    if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return { encoding: 'utf-16be', bomLength: 0 };
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

/** Share of control characters (other than tab, newlines, form feed) in the first part of the text. */
function controlShare(text: string): number {
  const n = Math.min(text.length, SAMPLE);
  if (!n) return 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0xfffd || (c >= 0x7f && c < 0xa0)) bad++;
  }
  return bad / n;
}

// Windows-1252 differs from Latin-1 only in 0x80–0x9F. Node 20's TextDecoder('windows-1252') decodes
// those bytes as Latin-1 C1 controls (€ becomes U+0080), so they are mapped here; 0x81, 0x8D, 0x8F, 0x90
// and 0x9D are unassigned and stay as they are (the binary check counts them).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** Decodes Windows-1252 (cp1252) bytes. */
export function decodeCp1252(bytes: Uint8Array): string {
  const latin1 = new TextDecoder('latin1').decode(bytes);
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

function binaryError(where: string): QualtagError {
  return new QualtagError(
    'BINARY_AS_TEXT',
    'the file is binary data, not text, although its name says it is text',
    'Check that you chose the right file; export the transcript as plain text (.txt), .docx or .pdf and upload that',
    where,
  );
}

/** Decodes a text upload; throws BINARY_AS_TEXT for binary content and EMPTY_FILE for an empty one. */
export function decodeText(bytes: Uint8Array, where: string): string {
  const { encoding, bomLength } = sniffEncoding(bytes);
  const body = bomLength ? bytes.subarray(bomLength) : bytes;
  let text: string;
  if (encoding === 'utf-8') {
    // NUL bytes do not occur in UTF-8 text; they mark binary data (images, archives, executables).
    if (body.subarray(0, SAMPLE).includes(0)) throw binaryError(where);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      text = decodeCp1252(body); // legacy Windows text (é, €, “ ” as one byte)
    }
  } else {
    text = new TextDecoder(encoding).decode(body);
  }
  if (controlShare(text) > 0.02) throw binaryError(where);
  if (!text.trim()) {
    throw new QualtagError('EMPTY_FILE', 'the file contains no text', 'Upload a file that contains the transcript or document text', where);
  }
  return text.replace(/\r\n?/g, '\n');
}

/** A lenient decode of the first bytes, for sniffing the format (never throws). */
export function peekText(bytes: Uint8Array, max = 4096): string {
  const { encoding, bomLength } = sniffEncoding(bytes);
  return new TextDecoder(encoding).decode(bytes.subarray(bomLength, bomLength + max)).replace(/\r\n?/g, '\n');
}
