// PDF text from poppler's `pdftotext -tsv` (word boxes with page, block and line numbers), where poppler
// is installed: it reads a 60-page report in about a tenth of the CPU pdf.js needs. Its words become the
// same text items pdf.js gives (pdf-layout.ts), so one layout pass makes the paragraphs for both sources.
// The child is killed at the deadline and when its output passes the text budget; the worker pool counts
// its memory with the worker's (pool.ts), since poppler too would grow on a flate bomb.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { QualtagError } from '../errors.js';
import type { PdfTextItem } from './pdf-layout.js';

export type PdfSource = 'pdftotext' | 'pdfjs';
/** `auto` takes pdftotext when it is on the PATH, else pdf.js. */
export type PdfSourceChoice = PdfSource | 'auto';

const bins = new Map<string, string | null>();

/** Full path of an executable on the PATH, or null. */
function which(name: string): string | null {
  if (!bins.has(name)) {
    let found: string | null = null;
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      if (!dir) continue;
      const p = path.join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        found = p;
        break;
      } catch {
        // not here
      }
    }
    bins.set(name, found);
  }
  return bins.get(name)!;
}

export function hasPoppler(): boolean {
  return which('pdftotext') !== null && which('pdfinfo') !== null;
}

/** The source to read a PDF with: the caller's choice, else QUALTAG_PDF_SOURCE, else pdftotext when installed. */
export function resolvePdfSource(choice?: PdfSourceChoice): PdfSource {
  const env = process.env.QUALTAG_PDF_SOURCE;
  const want = choice ?? (env === 'pdftotext' || env === 'pdfjs' ? env : 'auto');
  if (want === 'pdfjs') return 'pdfjs';
  if (hasPoppler()) return 'pdftotext';
  if (want === 'pdftotext') throw new Error('QUALTAG_PDF_SOURCE=pdftotext, but pdftotext/pdfinfo (poppler-utils) are not on the PATH');
  return 'pdfjs';
}

/**
 * Poppler's boxes are the font's full height (ascent + descent, about 0.9 to 1.25 times the font size) from
 * its top; pdf.js gives the baseline and the font size. These turn one into the other for common fonts;
 * the layout only compares lines with each other, so a constant misfit cancels out.
 */
const BOX_PER_FONT_SIZE = 1.1;
const DESCENT = 0.2;

interface TsvLine {
  /** Poppler's flow (its par_num) on the page. */
  flow: string;
  words: PdfTextItem[];
  left: number;
  right: number;
  bottom: number;
  box: number;
}

/**
 * Poppler puts a short line that stands apart at the right of a row (a table of contents' page number past
 * its dot leader) in a flow of its own, after the rest of the page. pdf.js gives it in content order, at
 * the end of its row. A flow of one line is moved back behind the line it continues: the nearest line of
 * another flow on the same baseline that ends left of it.
 */
function placeLoneLines(lines: TsvLine[]): TsvLine[] {
  const perFlow = new Map<string, number>();
  for (const l of lines) perFlow.set(l.flow, (perFlow.get(l.flow) ?? 0) + 1);
  const out = [...lines];
  for (const lone of lines) {
    if (perFlow.get(lone.flow) !== 1) continue;
    let target: TsvLine | undefined;
    for (const l of out) {
      if (l === lone || l.flow === lone.flow || Math.abs(l.bottom - lone.bottom) > 0.25 * Math.max(l.box, lone.box) || l.right > lone.left + 1) continue;
      if (!target || l.right > target.right) target = l;
    }
    if (!target) continue;
    out.splice(out.indexOf(lone), 1);
    out.splice(out.indexOf(target) + 1, 0, lone);
  }
  return out;
}

/**
 * Parses `pdftotext -tsv` output into text items per page (index 0 is page 1), in poppler's reading order.
 * Every word is an item; later words of one of poppler's lines start with a space. Lines are not ended
 * here: itemsToLines ends a line where the baseline changes, as for pdf.js (poppler also splits one row
 * at wide gaps, such as tab stops, into lines of its own).
 */
export function tsvToItems(tsv: string): PdfTextItem[][] {
  const pages: TsvLine[][] = [];
  let pageHeight = 0;
  let cur: TsvLine | undefined;
  let curKey = '';
  // Columns: level page_num par_num block_num line_num word_num left top width height conf text. Rows are
  // cut at their tabs by hand: splitting 35,000 rows into arrays was most of the parse and its garbage.
  const tabs: number[] = new Array<number>(11);
  let at = tsv.indexOf('\n') + 1; // after the header row
  while (at > 0 && at < tsv.length) {
    let end = tsv.indexOf('\n', at);
    if (end < 0) end = tsv.length;
    const level = tsv.charCodeAt(at);
    const row = at;
    at = end + 1;
    if ((level !== 0x31 && level !== 0x35) || tsv.charCodeAt(row + 1) !== 0x09) continue; // levels 1 (page) and 5 (word)
    let t = row;
    let n = 0;
    for (; n < 11; n++) {
      t = tsv.indexOf('\t', t + 1);
      if (t < 0 || t > end) break;
      tabs[n] = t;
    }
    if (n < 11) continue;
    const field = (i: number) => tsv.slice(tabs[i - 1]! + 1, tabs[i]!);
    if (level === 0x31) {
      pageHeight = Number(field(9));
      continue;
    }
    const page = Number(field(1));
    const text = tsv.slice(tabs[10]! + 1, tsv.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
    if (!text || !(page >= 1)) continue;
    const key = tsv.slice(tabs[0]! + 1, tabs[4]!); // page, flow, block, line
    const left = Number(field(6));
    const top = Number(field(7));
    const width = Number(field(8));
    const box = Number(field(9));
    const size = box / BOX_PER_FONT_SIZE;
    const bottom = pageHeight - top - box;
    const first = key !== curKey;
    const item: PdfTextItem = { str: first ? text : ` ${text}`, transform: [size, 0, 0, size, left, bottom + DESCENT * size], width, height: size };
    if (first) {
      curKey = key;
      cur = { flow: field(2), words: [], left, right: left + width, bottom, box };
      (pages[page - 1] ??= []).push(cur);
    }
    const line = cur!;
    line.words.push(item);
    line.right = Math.max(line.right, left + width);
  }
  const out: PdfTextItem[][] = [];
  for (let i = 0; i < pages.length; i++) out.push(placeLoneLines(pages[i] ?? []).flatMap((l) => l.words));
  return out;
}

export interface PopplerLimits {
  /** Registers cleanup to run if the caller gives up (timeout). */
  onAbort(fn: () => void): void;
  /** Most bytes of TSV read before the file is refused. */
  maxTextBytes: number;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();
// A worker that exits (its pool went away) takes its poppler children with it.
process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));

function run(bin: string, args: string[], input: Uint8Array, limits: PopplerLimits, where: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let failed: Error | null = null;
    const stop = (e: Error) => {
      failed ??= e;
      child.kill('SIGKILL');
    };
    limits.onAbort(() => child.kill('SIGKILL'));
    child.stdout!.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > limits.maxTextBytes) {
        stop(
          new QualtagError(
            'TOO_LARGE',
            `the PDF's text is more than ${Math.round(limits.maxTextBytes / 1024 / 1024)} MB; qualtag stops there`,
            'Split the document into smaller files and upload those; if it is not that long, print it to a new PDF',
            where,
          ),
        );
      } else out.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => {
      err = (err + d.toString('utf8')).slice(-4000);
    });
    child.on('error', (e) => stop(e));
    // Poppler may stop reading early (an encrypted file): the write error is not the failure.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(input);
    child.on('close', (code, signal) => {
      running.delete(child);
      if (failed) reject(failed);
      else resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

/** The reason poppler gave, without its "Syntax Error:" prefixes, for the researcher's message. */
function popplerReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^(?:Syntax|Command Line|Internal) Error(?: \(\d+\))?:\s*/, '').trim()).filter(Boolean);
  return [...new Set(lines)].slice(-2).join('; ') || 'poppler could not open it';
}

export interface PopplerPdf {
  pages: PdfTextItem[][];
  numPages: number;
}

/**
 * Reads the text items of a PDF with pdftotext (and its page count with pdfinfo, as pages without words do
 * not appear in the TSV). Returns null when poppler fails in a way pdf.js may not (then pdf.js reads it).
 */
export async function readWithPoppler(bytes: Uint8Array, where: string, limits: PopplerLimits): Promise<PopplerPdf | null> {
  const pdftotext = which('pdftotext');
  const pdfinfo = which('pdfinfo');
  if (!pdftotext || !pdfinfo) return null;
  const [text, info] = await Promise.all([
    run(pdftotext, ['-tsv', '-enc', 'UTF-8', '-', '-'], bytes, limits, where),
    run(pdfinfo, ['-'], bytes, { ...limits, maxTextBytes: 1024 * 1024 }, where).catch(() => null),
  ]);
  if (text.code !== 0) {
    // Exit code 1: the file could not be opened (-q would hide the reason too, so stderr keeps its tail).
    const reason = `${text.stderr}\n${info?.stderr ?? ''}`;
    if (/Incorrect password/i.test(reason)) {
      throw new QualtagError('ENCRYPTED_FILE', 'the PDF is password-protected', 'Open it with its password and save or print it to a new PDF without protection, then upload that copy', where);
    }
    if (text.code === 1) {
      throw new QualtagError('CORRUPT_FILE', `the PDF is damaged and cannot be read (${popplerReason(reason)})`, 'Open it in a PDF viewer and save or print it to a new PDF, then upload that copy', where);
    }
    return null; // a permission flag (3), a crash: let pdf.js try
  }
  const pages = tsvToItems(text.stdout);
  const counted = Number(/^Pages:\s+(\d+)/m.exec(info?.stdout ?? '')?.[1] ?? 0);
  const numPages = Math.max(counted, pages.length);
  while (pages.length < numPages) pages.push([]);
  return { pages, numPages };
}
