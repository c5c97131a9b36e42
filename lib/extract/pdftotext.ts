// PDF text from poppler's `pdftotext -tsv` (word boxes with page, block and line numbers), where poppler
// is installed: it reads a 60-page report in about a tenth of the CPU pdf.js needs. Its words become lines
// by the same rule pdf-layout.ts's itemsToLines applies to pdf.js's text items (here without an object per
// word: tests check both give the same lines), so one layout pass makes the paragraphs for both sources.
// The child is killed at the deadline, when its output passes the text budget, and (given maxMemoryMb) when
// its resident set passes the memory limit; in the worker pool the pool also counts its memory with the
// worker's (pool.ts), since poppler too would grow on a flate bomb.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { QualtagError } from '../errors.js';
import { memoryError } from './limits.js';
import type { PdfLine, PdfTextItem } from './pdf-layout.js';

export type PdfSource = 'pdftotext' | 'pdfjs';

/**
 * pdftotext could not read the PDF and the caller asked not to fall back to pdf.js in its own process (the CLI,
 * which reads PDFs with pdftotext itself but with pdf.js only in a worker, whose memory can be capped).
 */
export class NeedsPdfjs extends Error {
  constructor(where: string) {
    super(`${where}: pdftotext could not read it; pdf.js is to read it in a worker`);
    this.name = 'NeedsPdfjs';
  }
}
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
  return which('pdftotext') !== null;
}

/** The source to read a PDF with: the caller's choice, else QUALTAG_PDF_SOURCE, else pdftotext when installed. */
export function resolvePdfSource(choice?: PdfSourceChoice): PdfSource {
  const env = process.env.QUALTAG_PDF_SOURCE;
  const want = choice ?? (env === 'pdftotext' || env === 'pdfjs' ? env : 'auto');
  if (want === 'pdfjs') return 'pdfjs';
  if (hasPoppler()) return 'pdftotext';
  if (want === 'pdftotext') throw new Error('QUALTAG_PDF_SOURCE=pdftotext, but pdftotext (poppler-utils) is not on the PATH');
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
  flow: number;
  /** Its words: [from, to) in the page's word arrays (PageWords). */
  from: number;
  to: number;
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
  const perFlow = new Map<number, number>();
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

/** A page's words in flat arrays (reused from page to page): 35,000 word objects were most of the garbage. */
class PageWords {
  /** Left edge, baseline (PDF space, upwards), font size, width, and text of each word. */
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly size: number[] = [];
  readonly width: number[] = [];
  readonly text: string[] = [];
  get length(): number {
    return this.text.length;
  }
  clear(): void {
    this.x.length = this.y.length = this.size.length = this.width.length = this.text.length = 0;
  }
  /** The pdf.js-like items of these lines (a later word of one of poppler's lines starts with a space). */
  items(lines: readonly TsvLine[]): PdfTextItem[] {
    const out: PdfTextItem[] = [];
    for (const l of lines) {
      for (let i = l.from; i < l.to; i++) {
        const size = this.size[i]!;
        out.push({
          str: i === l.from ? this.text[i]! : ` ${this.text[i]!}`,
          transform: [size, 0, 0, size, this.x[i]!, this.y[i]!],
          width: this.width[i]!,
          height: size,
        });
      }
    }
    return out;
  }
}

const SPACE = /\s/;

/**
 * The lines of a page: itemsToLines (pdf-layout.ts) on PageWords.items(lines), without the items. A line ends
 * where the baseline moves by more than half the height (poppler's own lines are joined when they share a
 * baseline, as pdf.js's items are), words of one poppler line are joined by a space, pieces of different
 * ones only across a visible gap.
 */
function wordsToLines(words: PageWords, lines: readonly TsvLine[], page: number): PdfLine[] {
  const out: PdfLine[] = [];
  const { x: xs, y: ys, size: sizes, width: widths, text: texts } = words;
  let cur: PdfLine | null = null;
  let parts: string[] = [];
  let endsInSpace = false;
  const flush = () => {
    const c: PdfLine | null = cur;
    if (c) {
      const text = parts.join('').replace(/\s+/g, ' ').trim();
      if (text) out.push({ text, y: c.y, height: c.height, page, left: c.left, right: c.right });
    }
    cur = null;
    parts = [];
    endsInSpace = false;
  };
  for (const l of lines) {
    for (let i = l.from; i < l.to; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      const h = sizes[i]!;
      const str = texts[i]!;
      let c: PdfLine | null = cur;
      if (c && Math.abs(c.y - y) > Math.max(1, 0.5 * Math.max(c.height, h))) {
        flush();
        c = null;
      }
      if (!c) {
        c = { text: '', y, height: h, page, left: x, right: x };
        cur = c;
      }
      if (i !== l.from) parts.push(' ', str);
      else {
        if (parts.length && !endsInSpace && !SPACE.test(str[0]!) && x - c.right > 0.15 * (h || c.height)) parts.push(' ');
        parts.push(str);
      }
      endsInSpace = SPACE.test(str[str.length - 1]!);
      c.right = x + widths[i]!;
      if (h > c.height) c.height = h;
    }
  }
  flush();
  return out;
}

/** The decimal number in s[from, to) as poppler prints it (`-12.50`), without slicing; NaN if it is none. */
function num(s: string, from: number, to: number): number {
  let i = from;
  const neg = s.charCodeAt(i) === 0x2d;
  if (neg) i++;
  let v = 0;
  let scale = 0;
  let digits = 0;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      digits++;
      if (scale) scale *= 10;
    } else if (c === 0x2e && !scale) scale = 1;
    else return Number(s.slice(from, to));
  }
  if (!digits) return NaN;
  const x = scale ? v / scale : v;
  return neg ? -x : x;
}

/**
 * Parses `pdftotext -tsv` output as it arrives (poppler writes page by page, so parsing overlaps its work),
 * in poppler's reading order, into each page's lines (with onPage) or else its text items (index 0 is
 * page 1; every word is an item, later words of one of poppler's lines start with a space). Lines end where
 * the baseline changes, as itemsToLines ends them for pdf.js (poppler also splits one row at wide gaps, such
 * as tab stops, into lines of its own).
 */
export class TsvReader {
  /** Lines of the page being read (poppler writes pages in order, so a new page number ends it). */
  private open: TsvLine[] = [];
  private openPage = 0;
  private readonly words = new PageWords();
  private readonly done: PdfTextItem[][] = [];
  private pageHeight = 0;
  /** The highest page number seen: poppler writes a page row for every page, with words or without. */
  pages = 0;
  private cur: TsvLine | undefined;
  /** Page, flow, block and line of the current line. */
  private readonly key = [0, -1, -1, -1];
  private rest = '';
  private readonly tabs: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

  /** With `onPage`, each page's lines go to it as soon as the page is complete; its words are not kept. */
  constructor(private readonly onPage?: (lines: PdfLine[], page: number) => void) {}

  /** Takes the next piece of the output (whole characters; rows may be cut anywhere). */
  push(chunk: string): this {
    const data = this.rest ? this.rest + chunk : chunk;
    const last = data.lastIndexOf('\n');
    if (last < 0) {
      this.rest = data;
      return this;
    }
    this.rows(data, last + 1);
    this.rest = data.slice(last + 1);
    return this;
  }

  /** After the last piece: the items of every page (index 0 is page 1), or [] when onPage took them. */
  end(): PdfTextItem[][] {
    if (this.rest) this.rows(`${this.rest}\n`, this.rest.length + 1);
    this.rest = '';
    this.closePage();
    for (let i = 0; i < this.done.length; i++) this.done[i] ??= [];
    return this.done;
  }

  private closePage(): void {
    if (!this.openPage) return;
    const lines = placeLoneLines(this.open);
    if (this.onPage) this.onPage(wordsToLines(this.words, lines, this.openPage), this.openPage);
    else this.done[this.openPage - 1] = this.words.items(lines);
    this.words.clear();
    this.open = [];
    this.openPage = 0;
  }

  // Columns: level page_num par_num block_num line_num word_num left top width height conf text. Rows are
  // cut at their tabs by hand: splitting 35,000 rows into arrays was most of the parse and its garbage.
  private rows(tsv: string, upTo: number): void {
    const tabs = this.tabs;
    let at = 0;
    while (at < upTo) {
      let end = tsv.indexOf('\n', at);
      if (end < 0 || end > upTo) end = upTo;
      const level = tsv.charCodeAt(at);
      const row = at;
      at = end + 1;
      // Levels 1 (page) and 5 (word); the header row starts with "level".
      if ((level !== 0x31 && level !== 0x35) || tsv.charCodeAt(row + 1) !== 0x09) continue;
      let t = row;
      let n = 0;
      for (; n < 11; n++) {
        t = tsv.indexOf('\t', t + 1);
        if (t < 0 || t > end) break;
        tabs[n] = t;
      }
      if (n < 11) continue;
      // Fields are parsed in place: slicing five numbers and a key out of 35,000 rows made most of the garbage.
      if (level === 0x31) {
        this.pageHeight = num(tsv, tabs[8]! + 1, tabs[9]!);
        const page = num(tsv, tabs[0]! + 1, tabs[1]!);
        if (page > this.pages) this.pages = page;
        continue;
      }
      const page = num(tsv, tabs[0]! + 1, tabs[1]!);
      const text = tsv.slice(tabs[10]! + 1, tsv.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
      if (!text || !(page >= 1)) continue;
      const flow = num(tsv, tabs[1]! + 1, tabs[2]!);
      const block = num(tsv, tabs[2]! + 1, tabs[3]!);
      const lineNo = num(tsv, tabs[3]! + 1, tabs[4]!);
      const left = num(tsv, tabs[5]! + 1, tabs[6]!);
      const top = num(tsv, tabs[6]! + 1, tabs[7]!);
      const width = num(tsv, tabs[7]! + 1, tabs[8]!);
      const box = num(tsv, tabs[8]! + 1, tabs[9]!);
      const size = box / BOX_PER_FONT_SIZE;
      const bottom = this.pageHeight - top - box;
      const k = this.key;
      if (k[0] !== page || k[1] !== flow || k[2] !== block || k[3] !== lineNo) {
        k[0] = page;
        k[1] = flow;
        k[2] = block;
        k[3] = lineNo;
        if (page !== this.openPage) {
          this.closePage();
          this.openPage = page;
        }
        const at = this.words.length;
        this.cur = { flow, from: at, to: at, left, right: left + width, bottom, box };
        this.open.push(this.cur);
      }
      const words = this.words;
      words.x.push(left);
      words.y.push(bottom + DESCENT * size);
      words.size.push(size);
      words.width.push(width);
      words.text.push(text);
      const line = this.cur!;
      line.to = words.length;
      line.right = Math.max(line.right, left + width);
    }
  }
}

/** The whole output at once (tests; readWithPoppler reads it as it comes). */
export function tsvToItems(tsv: string): PdfTextItem[][] {
  return new TsvReader().push(tsv).end();
}

export interface PopplerLimits {
  /** Registers cleanup to run if the caller gives up (timeout). */
  onAbort(fn: () => void): void;
  /** Most bytes of TSV read before the file is refused. */
  maxTextBytes: number;
  /**
   * Most memory, in MiB, of pdftotext plus what this process grows by while reading its output; over it the
   * child is killed (TOO_LARGE). Set where no worker pool watches the process tree (pdftotext run by the CLI).
   */
  maxMemoryMb?: number;
}

const MEMORY_POLL_MS = 100;

/** Resident set of a process in MiB, or null when it is gone (or there is no /proc). */
async function rssMb(pid: number): Promise<number | null> {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The output, unless a consumer took it as it came. */
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();
// A worker that exits (its pool went away) takes its poppler children with it.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

function run(bin: string, args: string[], input: Uint8Array, limits: PopplerLimits, where: string, consume?: (text: string) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    const out: string[] = [];
    const decoder = new StringDecoder('utf8');
    let outBytes = 0;
    let err = '';
    let failed: unknown = null;
    const stop = (e: unknown) => {
      failed ??= e;
      child.kill('SIGKILL');
    };
    limits.onAbort(() => child.kill('SIGKILL'));
    // The memory watchdog: poppler grows ~0.65 GB/s on a flate bomb; this process grows with the text it parses.
    let watch: NodeJS.Timeout | undefined;
    const maxMb = limits.maxMemoryMb;
    if (maxMb !== undefined && Number.isFinite(maxMb) && child.pid) {
      const pid = child.pid;
      const ownAtStart = process.memoryUsage.rss();
      watch = setInterval(() => {
        void rssMb(pid).then((mb) => {
          const own = Math.max(0, process.memoryUsage.rss() - ownAtStart) / 1024 / 1024;
          if (mb !== null && mb + own > maxMb) stop(memoryError(maxMb, where));
        });
      }, MEMORY_POLL_MS);
    }
    child.stdout!.on('data', (d: Buffer) => {
      if (failed) return;
      outBytes += d.length;
      if (outBytes > limits.maxTextBytes) {
        stop(
          new QualtagError(
            'TOO_LARGE',
            `the PDF's text is more than ${limits.maxTextBytes >= 1024 * 1024 ? `${Math.round(limits.maxTextBytes / 1024 / 1024)} MB` : `${Math.ceil(limits.maxTextBytes / 1024)} KB`}; qualtag stops there`,
            'Split the document into smaller files and upload those; if it is not that long, print it to a new PDF',
            where,
          ),
        );
        return;
      }
      const text = decoder.write(d);
      if (!consume) out.push(text);
      else {
        try {
          consume(text);
        } catch (e) {
          stop(e);
        }
      }
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
      clearInterval(watch);
      if (failed) reject(failed instanceof Error ? failed : new Error(String(failed)));
      else {
        const tail = decoder.end();
        if (consume) consume(tail);
        else out.push(tail);
        resolve({ code, signal, stdout: out.join(''), stderr: err });
      }
    });
  });
}

/** The reason poppler gave, without its "Syntax Error:" prefixes, for the researcher's message. */
function popplerReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^(?:Syntax|Command Line|Internal) Error(?: \(\d+\))?:\s*/, '').trim())
    .filter(Boolean);
  return [...new Set(lines)].slice(-2).join('; ') || 'poppler could not open it';
}

export interface PopplerPdf {
  /** Each page's lines (itemsToLines), index 0 is page 1. */
  pages: PdfLine[][];
  numPages: number;
}

/**
 * Reads the lines of a PDF's pages with pdftotext; the page count is its last page row (it writes one for
 * every page, also for pages without words, so pdfinfo is not needed). Returns null when poppler fails in a
 * way pdf.js may not (then pdf.js reads it).
 */
export async function readWithPoppler(bytes: Uint8Array, where: string, limits: PopplerLimits): Promise<PopplerPdf | null> {
  const pdftotext = which('pdftotext');
  if (!pdftotext) return null;
  const lines: PdfLine[][] = [];
  const reader = new TsvReader((pageLines, page) => (lines[page - 1] = pageLines));
  const text = await run(pdftotext, ['-tsv', '-enc', 'UTF-8', '-', '-'], bytes, limits, where, (chunk) => reader.push(chunk));
  if (text.code !== 0) {
    // Exit code 1: the file could not be opened (-q would hide the reason too, so stderr keeps its tail).
    const reason = text.stderr;
    if (/Incorrect password/i.test(reason)) {
      throw new QualtagError(
        'ENCRYPTED_FILE',
        'the PDF is password-protected',
        'Open it with its password and save or print it to a new PDF without protection, then upload that copy',
        where,
      );
    }
    if (text.code === 1) {
      throw new QualtagError(
        'CORRUPT_FILE',
        `the PDF is damaged and cannot be read (${popplerReason(reason)})`,
        'Open it in a PDF viewer and save or print it to a new PDF, then upload that copy',
        where,
      );
    }
    return null; // a permission flag (3), a crash: let pdf.js try
  }
  reader.end();
  const numPages = Math.max(reader.pages, lines.length);
  for (let i = 0; i < numPages; i++) lines[i] ??= [];
  return { pages: lines, numPages };
}
