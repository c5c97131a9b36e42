// Sentence spans inside one paragraph or turn with Intl.Segmenter (never on a whole document: ICU's
// sentence iterator on a 1 MB string runs Node 20 out of memory). Pieces that end in a common
// Dutch/English abbreviation or an initial (`Prof. dr.`, `o.a.`, `J. de Vries`) are joined to the next.

// Made at first use: loading ICU's break rules costs every command 10-15 ms at start.
let segmenter: Intl.Segmenter | undefined;

const ABBREVIATIONS = new Set([
  'prof',
  'dr',
  'drs',
  'mr',
  'mevr',
  'mw',
  'dhr',
  'ir',
  'ing',
  'bijv',
  'bv',
  'o.a',
  'e.a',
  'd.w.z',
  'i.p.v',
  'm.b.t',
  't.a.v',
  'a.d.h.v',
  'n.a.v',
  'ca',
  'nr',
  'art',
  'jl',
  'vs',
  'e.g',
  'i.e',
  'st',
  'mrs',
  'ms',
  'jr',
  'sr',
  'blz',
  'pp',
  'cf',
  'vgl',
  'zgn',
  'resp',
  'incl',
  'excl',
  'max',
  'min',
  'evt',
  'ong',
  'vnl',
]);

function endsInAbbreviation(piece: string): boolean {
  const m = /(?:^|[\s(])([\p{L}.]+)\.\s*$/u.exec(piece);
  if (!m) return false;
  const word = m[1]!;
  return ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word);
}

/** [start, end) spans (relative to `text`) of its sentences, whitespace trimmed, empty ones left out. */
export function sentenceSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let pendingStart = -1;
  // ICU breaks a sentence at every line break; inside a paragraph those are wraps, so segment with
  // spaces in their place (same length, so the offsets hold).
  segmenter ??= new Intl.Segmenter('nl', { granularity: 'sentence' });
  for (const { segment, index } of segmenter.segment(text.replace(/\n/g, ' '))) {
    const start = pendingStart >= 0 ? pendingStart : index;
    const end = index + segment.length;
    if (endsInAbbreviation(segment)) {
      pendingStart = start;
      continue;
    }
    pendingStart = -1;
    push(spans, text, start, end);
  }
  if (pendingStart >= 0) push(spans, text, pendingStart, text.length);
  return spans;
}

function push(spans: Array<[number, number]>, text: string, start: number, end: number): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) spans.push([start, end]);
}
