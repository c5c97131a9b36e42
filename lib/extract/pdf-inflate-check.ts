// Refuses a PDF whose compressed streams inflate beyond a budget (a "flate bomb"), before pdf.js sees it.
// pdf.js inflates a content stream whole into memory and then parses every operator, so a 3 MB file that
// inflates to 1 GiB would take minutes and gigabytes. Streams are found by their `stream` keyword (a
// stream is always a top-level object, never inside an object stream) and inflated by zlib only to count
// the bytes, a chunk at a time, stopping at the budget. Images are skipped: text extraction never decodes
// them. Streams this scan cannot judge (other filters first, damaged data) are left to the worker's
// time and memory limits.
import { constants, createInflate, inflateSync } from 'node:zlib';
import { QualtagError } from '../errors.js';

const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');
/** How far back from `stream` the object's dictionary is looked for. */
const DICT_WINDOW = 4096;

/** Bytes `data` inflates to, counted up to `limit` (then `limit + 1`); damaged data counts what inflated. */
function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflate({ finishFlush: constants.Z_SYNC_FLUSH });
    let n = 0;
    let done = false;
    const finish = () => {
      if (!done) resolve(Math.min(n, limit + 1));
      done = true;
    };
    inflate.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > limit) {
        finish();
        inflate.destroy();
      }
    });
    inflate.on('end', finish);
    inflate.on('error', finish);
    inflate.on('close', finish);
    inflate.end(data);
  });
}

interface FlateStream {
  start: number;
  end: number;
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
}

/** The Flate-compressed, non-image streams of the file, in order. */
export function flateStreams(pdf: Buffer): FlateStream[] {
  const out: FlateStream[] = [];
  let pos = 0;
  for (;;) {
    const at = pdf.indexOf(STREAM, pos);
    if (at < 0) return out;
    pos = at + STREAM.length;
    // The keyword follows the dictionary's `>>`; `endstream` and words inside strings do not.
    let back = at - 1;
    while (back > 0 && isSpace(pdf[back])) back--;
    if (pdf[back] !== 0x3e || pdf[back - 1] !== 0x3e) continue;
    let start = pos;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    const dictStart = pdf.lastIndexOf('obj', at);
    const dict = pdf.toString('latin1', Math.max(dictStart, at - DICT_WINDOW, 0), at);
    const end = pdf.indexOf(ENDSTREAM, start);
    if (end < 0) return out;
    pos = end + ENDSTREAM.length;
    if (/\/Subtype\s*\/Image\b/.test(dict)) continue;
    // Only Flate as the first (or only) filter: `/Filter /FlateDecode` or `/Filter [/FlateDecode ...]`.
    if (!/\/Filter\s*\[?\s*\/(?:FlateDecode|Fl)\b/.test(dict)) continue;
    out.push({ start, end });
  }
}

/** Streams whose output fits this are inflated in one synchronous call: a hundred small font and page
 * streams took more time in stream setup and events than in zlib. Larger ones are counted in chunks. */
const SYNC_MAX = 4 * 1024 * 1024;

/** Like inflatedSize, in one call when the output fits SYNC_MAX; null when it does not or the data is damaged. */
function inflatedSizeSync(data: Uint8Array, limit: number): number | null {
  try {
    return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.min(limit + 1, SYNC_MAX) }).length;
  } catch {
    return null; // over SYNC_MAX (or the budget), or damaged: the chunked count decides
  }
}

/** Throws TOO_LARGE when the PDF's Flate streams inflate to more than `maxBytes` together. */
export async function checkPdfInflatedSize(bytes: Uint8Array, where: string, maxBytes: number): Promise<void> {
  if (!Number.isFinite(maxBytes)) return;
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  for (const s of flateStreams(pdf)) {
    const data = pdf.subarray(s.start, s.end);
    total += inflatedSizeSync(data, maxBytes - total) ?? (await inflatedSize(data, maxBytes - total));
    if (total > maxBytes) {
      throw new QualtagError(
        'TOO_LARGE',
        `the PDF's compressed content expands to more than ${Math.round(maxBytes / 1024 / 1024)} MB (a ${(bytes.length / 1e6).toFixed(1)} MB file); qualtag stops there`,
        'A normal document does not expand this much: the file may be damaged or built to overload readers. Print it to a new PDF, or split it, and upload that',
        where,
      );
    }
  }
}
