// PDF text items (with positions) → lines → paragraphs. Pure functions, so the layout rules are testable
// without PDFs:
// - a paragraph ends at a vertical gap clearly larger than the line spacing, at a speaker label (in
//   transcripts), and at a page end when the last line ends a sentence;
// - page furniture is dropped: page numbers (`12`, `- 12 -`, `Pagina 3 van 9`, `-- 1 of 3 --`) and
//   headers/footers repeated at the top or bottom of most pages;
// - wrapped lines are joined with a space; a word-final hyphen at a line end is removed only when the
//   word was split by hyphenation, not when it belongs to a compound (see joinLines).
import type { Block } from '../model.js';
import { acceptedLabels, looksLikeTranscript, trimSpan } from './text-blocks.js';

/** The part of a pdf.js TextItem we use. */
export interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}

export interface PdfLine {
  text: string;
  /** Baseline in PDF user space (grows upwards). */
  y: number;
  height: number;
  page: number;
  /** Left and right edge of the line's text. */
  left: number;
  right: number;
}

const SPACE = /\s/;

/** Groups a page's text items (in content-stream order) into lines. */
export function itemsToLines(items: readonly PdfTextItem[], page: number): PdfLine[] {
  const lines: PdfLine[] = [];
  // The line being built: its pieces are joined once at its end (testing the end of a growing string
  // flattened it at every item), and whether it ends in whitespace is kept aside.
  let cur: PdfLine | null = null;
  let parts: string[] = [];
  let endsInSpace = false;
  const flush = () => {
    const c: PdfLine | null = cur;
    if (c) {
      const text = parts.join('').replace(/\s+/g, ' ').trim();
      if (text) lines.push({ ...c, text });
    }
    cur = null;
    parts = [];
    endsInSpace = false;
  };
  for (const item of items) {
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    const h = item.height || Math.abs(item.transform[3] ?? 0);
    const str = item.str;
    if (str !== '') {
      const c: PdfLine | null = cur;
      if (c && Math.abs(c.y - y) > Math.max(1, 0.5 * Math.max(c.height, h))) flush();
      if (!cur) {
        cur = { text: '', y, height: h, page, left: x, right: x };
      }
      const line: PdfLine = cur;
      // Items without their own space but a visible gap between them are separate words.
      if (parts.length && !endsInSpace && !SPACE.test(str[0]!) && x - line.right > 0.15 * (h || line.height)) parts.push(' ');
      parts.push(str);
      endsInSpace = SPACE.test(str[str.length - 1]!);
      line.right = x + item.width;
      if (h > line.height) line.height = h;
    }
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

const PAGE_NUMBER = [
  /^[-–—]*\s*\d{1,4}\s*[-–—]*$/,
  /^(?:page|pagina|blz\.?|p\.)\s*\d{1,4}(?:\s*(?:of|van|\/)\s*\d{1,4})?$/i,
  /^\d{1,4}\s*(?:of|van|\/)\s*\d{1,4}$/,
  /^--\s*\d{1,4}\s*of\s*\d{1,4}\s*--$/,
  /^[ivxlc]{1,6}$/,
];

export function isPageNumber(text: string): boolean {
  return PAGE_NUMBER.some((re) => re.test(text));
}

/** Indexes of the lines at the edges of a page: first/last two in stream order and top/bottom two by position. */
function edgeIndexes(lines: readonly PdfLine[]): Set<number> {
  const n = lines.length;
  const byY = lines.map((l, i) => ({ y: l.y, i })).sort((a, b) => b.y - a.y);
  const picks = [0, 1, n - 2, n - 1, byY[0]?.i, byY[1]?.i, byY[n - 1]?.i, byY[n - 2]?.i];
  return new Set(picks.filter((i): i is number => i !== undefined && i >= 0 && i < n));
}

const furnitureKey = (t: string) => t.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ');

/**
 * Removes page numbers and running headers/footers: a line at the edge of the page whose text recurs
 * at the edge of at least half of the pages (3 or more), either exactly or with the page's own number
 * in it ("Rapport 2021 | pagina 7").
 */
export function dropFurniture(pages: readonly PdfLine[][]): PdfLine[][] {
  const edges = pages.map(edgeIndexes);
  const exact = new Map<string, number>();
  const numbered = new Map<string, number>();
  const bump = (m: Map<string, number>, keys: Set<string>) => {
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  };
  pages.forEach((lines, p) => {
    const e = new Set<string>();
    const n = new Set<string>();
    for (const i of edges[p]!) {
      const l = lines[i]!;
      if (l.text.length >= 120) continue;
      e.add(l.text);
      if (hasPageNumber(l)) n.add(furnitureKey(l.text));
    }
    bump(exact, e);
    bump(numbered, n);
  });
  const enough = (count: number | undefined) => pages.length >= 3 && (count ?? 0) >= Math.max(3, pages.length * 0.5);
  const repeated = (l: PdfLine) => enough(exact.get(l.text)) || (hasPageNumber(l) && enough(numbered.get(furnitureKey(l.text))));
  return pages.map((lines, p) => lines.filter((l, i) => !(edges[p]!.has(i) && (isPageNumber(l.text) || repeated(l)))));
}

function hasPageNumber(l: PdfLine): boolean {
  return (l.text.match(/\d+/g) ?? []).some((d) => Number(d) === l.page);
}

const CONJUNCTIONS = new Set(['en', 'of', 'tot', 'als', 'and', 'or', 'nor', 'to', 'und', 'oder']);
const VOWELS = /^[aeiouyàáâäèéêëìíîïòóôöùúûü]$/i;
const WORD = /\p{L}+(?:-\p{L}+)*/gu;

/**
 * Lower-case words in the document, hyphenated compounds whole and by part: the evidence joinLines uses.
 * The pieces of a word broken at a line end (`ondermij-` / `ning`) are left out: they are not words.
 */
export function wordSet(lines: readonly string[]): Set<string> {
  const words = new Set<string>();
  lines.forEach((line, i) => {
    let t = line;
    if (i > 0 && lines[i - 1]!.endsWith('-')) t = t.replace(/^\p{L}+/u, '');
    // Drop the last token when it ends in a hyphen (what /\S*-$/ did, without its scan from every position).
    if (t.endsWith('-')) t = t.slice(0, t.length - lastWord(t).length);
    for (const m of t.matchAll(WORD)) {
      const w = m[0].toLowerCase();
      words.add(w);
      if (w.includes('-')) for (const part of w.split('-')) words.add(part);
    }
  });
  return words;
}

/** The text after the last whitespace (what /\S*$/ matches, without its attempt at every position). */
function lastWord(s: string): string {
  let k = s.length - 1;
  while (k >= 0 && !SPACE.test(s[k]!)) k--;
  return s.slice(k + 1);
}

/**
 * How to join two wrapped lines: the separator, and whether the trailing hyphen of `prev` stays.
 * The hyphen is dropped only when the joined word is plausible: the document writes it joined
 * elsewhere (`samen-`+`werking` when "samenwerking" occurs), or the pieces are no words of their own
 * (`ondermij-`+`ning`). It stays for real compounds: `informatie-uitwisseling` (Dutch writes a hyphen
 * where two vowels meet), `functie-technische` (both parts are words), `Noord-Holland`, `COVID-19`,
 * URLs; `zorg-` + `en ...` becomes `zorg- en ...`.
 */
export function joinLines(prev: string, next: string, wordsOrLater: ReadonlySet<string> | (() => ReadonlySet<string>)): { sep: string; keepHyphen: boolean } {
  const lastToken = lastWord(prev);
  // A URL wrapped anywhere: after its scheme, at a slash, or before a %-escape.
  if ((isUrlish(lastToken) && !/[)\]>]$/.test(lastToken)) || /\w\/$/.test(lastToken) || /^%[0-9a-f]{2}/i.test(next)) return { sep: '', keepHyphen: true };
  if (!/[\p{L}\p{N}*_’'”)]-$/u.test(lastToken) || /^-/.test(lastToken)) return { sep: ' ', keepHyphen: true };
  const w2m = /^(\p{L}+)/u.exec(next);
  if (!w2m) return { sep: '', keepHyphen: true }; // COVID-19, 76-90
  const w1 = /(\p{L}+)-$/u.exec(lastToken)?.[1];
  const w2 = w2m[1]!;
  if (!w1 || w2[0] !== w2[0]!.toLowerCase()) return { sep: '', keepHyphen: true }; // Noord-Holland, ‘mono’-informatie
  if (CONJUNCTIONS.has(w2)) return { sep: ' ', keepHyphen: true }; // zorg- en belastinggeld
  // A hyphen inside the word already (ondermijning-brief-aan-) means a compound written with hyphens.
  if (/\p{L}-\p{L}/u.test(lastToken)) return { sep: '', keepHyphen: true };
  // Only a line-end hyphen gets this far: the words are gathered then (a third of the layout's time).
  const words = typeof wordsOrLater === 'function' ? wordsOrLater() : wordsOrLater;
  const joined = `${w1}${w2}`.toLowerCase();
  const hyphenated = `${w1}-${w2}`.toLowerCase();
  if (words.has(joined) && !words.has(hyphenated)) return { sep: '', keepHyphen: false };
  if (words.has(hyphenated)) return { sep: '', keepHyphen: true };
  if (VOWELS.test(w1.slice(-1)) && VOWELS.test(w2[0]!)) return { sep: '', keepHyphen: true }; // informatie-uitwisseling
  // Hyphenation splits words into syllables that are not words themselves (ondermij-ning); a compound
  // splits into words the document also uses (functie-technische).
  if (!words.has(w1.toLowerCase()) && !words.has(w2.toLowerCase())) return { sep: '', keepHyphen: false };
  return { sep: '', keepHyphen: true };
}

function isUrlish(token: string): boolean {
  return /:\/\/|^<?www\.|\]\(https?:/i.test(token);
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!; // the lower median: paragraph gaps are the rarer ones
}

const ENDS_SENTENCE = /[.!?:;…"”’)\]][*_]*$/;

function percentile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

/**
 * At a page break there is no gap to see. The paragraph ended there when the last line ends a sentence
 * and the next line's first word would still have fitted on it (the line was not full).
 */
function paragraphEndsAtPageBreak(prev: PdfLine, next: PdfLine, rightMargin: number): boolean {
  if (!ENDS_SENTENCE.test(prev.text) || /^\p{Ll}/u.test(next.text)) return false;
  const charWidth = (next.right - next.left) / Math.max(1, next.text.length);
  const firstWord = /^\S+/.exec(next.text)?.[0].length ?? 0;
  return rightMargin - prev.right > (firstWord + 1) * charWidth;
}

/** Characters of the text so far that joinLines sees (it looks at the last token of the previous line). */
const TAIL = 80;

export interface PdfLayout {
  text: string;
  blocks: Block[];
  transcript: boolean;
}

/** Lays out the pages' lines as paragraphs separated by blank lines; one block per paragraph per page. */
export function layoutPages(rawPages: readonly PdfLine[][]): PdfLayout {
  const pages = dropFurniture(rawPages);
  const lines = pages.flat();
  const gaps: number[] = [];
  for (const page of pages) {
    for (let i = 1; i < page.length; i++) {
      const d = page[i - 1]!.y - page[i]!.y;
      if (d > 0) gaps.push(d);
    }
  }
  // The usual distance between lines. With only a few lines, a paragraph gap may be the median itself:
  // then the font size bounds it (leading is rarely more than 1.3 × the text height).
  const typicalHeight = median(lines.map((l) => l.height).filter((h) => h > 0));
  const spacing = gaps.length < 5 && typicalHeight > 0 ? Math.min(median(gaps), 1.3 * typicalHeight) : median(gaps);
  const rightMargin = percentile(
    lines.map((l) => l.right),
    0.95,
  );
  const labels = acceptedLabels(lines.map((l) => l.text.slice(0, 120)));
  const transcript = looksLikeTranscript(labels);
  let words: Set<string> | undefined;
  const wordsOnce = () => (words ??= wordSet(lines.map((l) => l.text)));

  // The text is built as a list of pieces and joined once: appending to (and slicing) one growing string
  // made V8 flatten it again and again, quadratic in the document length. `tail` keeps the last characters,
  // which is all joinLines looks at; blocks are trimmed once the text is whole.
  const parts: string[] = [];
  let length = 0;
  let tail = '';
  const append = (s: string) => {
    if (!s) return;
    parts.push(s);
    length += s.length;
    tail = (tail + s).slice(-TAIL);
  };
  const dropLastChar = () => {
    const last = parts[parts.length - 1]!;
    if (last.length > 1) parts[parts.length - 1] = last.slice(0, -1);
    else parts.pop();
    length--;
    tail = tail.slice(0, -1);
  };
  const blocks: Block[] = [];
  let block: Block | null = null;
  const closeBlock = () => {
    const b: Block | null = block;
    if (b) blocks.push(b);
    block = null;
  };

  lines.forEach((line, i) => {
    const prev = i > 0 ? lines[i - 1]! : undefined;
    const label = transcript ? labels[i] : null;
    let newParagraph = !prev || Boolean(label);
    if (prev && !newParagraph) {
      if (prev.page !== line.page) {
        newParagraph = paragraphEndsAtPageBreak(prev, line, rightMargin);
      } else {
        const d = prev.y - line.y;
        newParagraph = spacing > 0 && (d > spacing * 1.5 || d < -line.height);
      }
    }
    let body = line.text;
    let labelSpeaker: string | undefined;
    if (label) {
      body = line.text.slice(label.length).trimStart();
      labelSpeaker = label.speaker;
    }

    if (newParagraph) {
      closeBlock();
      if (length) append('\n\n');
      block = { start: length, end: length, page: line.page };
      if (labelSpeaker !== undefined) {
        // Keep the label in the text (it is what the source says) but outside the block.
        append(line.text.slice(0, line.text.length - body.length));
        block.start = block.end = length;
        block.speaker = labelSpeaker;
      }
      append(body);
    } else {
      const { sep, keepHyphen } = joinLines(tail, body, wordsOnce);
      if (!keepHyphen) dropLastChar();
      if (prev && prev.page !== line.page) {
        // Same paragraph on a new page: a new block, so segments know their page.
        const b: Block | null = block;
        if (b) b.end = length;
        closeBlock();
        append(sep);
        block = { start: length, end: length, page: line.page };
      } else {
        append(sep);
      }
      append(body);
    }
    const b: Block | null = block;
    if (b) b.end = length;
  });
  closeBlock();
  const text = parts.join('');
  const trimmed = blocks.filter((b) => {
    [b.start, b.end] = trimSpan(text, b.start, b.end);
    return b.end > b.start;
  });
  return { text, blocks: trimmed, transcript };
}
