// Puts an imported coding (a range of the source text) onto qualtag's document: first onto the text the
// pipeline extracted (identical for plain-text sources; for PDF/DOCX, or when the extractor changed the
// text, the coded passage is looked up by its words), then onto the segments it overlaps, as a coding
// of the whole segment or a span inside it. Whatever cannot be placed is said, never guessed.
import type { Segment } from '../model.js';

export interface Range {
  start: number;
  end: number;
}

/** The text with every whitespace run as one space, and for each of its characters the index in the original. */
function squeeze(text: string): { s: string; at: number[] } {
  const at: number[] = [];
  let s = '';
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ws = /\s/.test(text[i]!);
    if (ws) {
      if (!space && s.length) {
        s += ' ';
        at.push(i);
      }
      space = true;
      continue;
    }
    space = false;
    s += text[i];
    at.push(i);
  }
  return { s, at };
}

/**
 * Where `quote` stands in `text`, comparing with whitespace runs as one space; when it stands there more
 * than once, the occurrence nearest to `near` (a position in `text`). Null when it is not there.
 */
export function findQuote(text: string, quote: string, near: number, squeezed = squeeze(text)): Range | null {
  const q = squeeze(quote).s.trim();
  if (!q) return null;
  let best: Range | null = null;
  for (let i = squeezed.s.indexOf(q); i >= 0; i = squeezed.s.indexOf(q, i + 1)) {
    const start = squeezed.at[i]!;
    const end = squeezed.at[i + q.length - 1]! + 1;
    if (!best || Math.abs(start - near) < Math.abs(best.start - near)) best = { start, end };
  }
  return best;
}

/** Maps coded ranges of a source text onto the extracted text of the same document. */
export class TextPlacer {
  private squeezed?: ReturnType<typeof squeeze>;
  constructor(
    private readonly source: string,
    private readonly extracted: string,
  ) {}

  get identical(): boolean {
    return this.source === this.extracted;
  }

  place(r: Range): Range | null {
    if (this.identical) return r;
    const quote = this.source.slice(r.start, r.end);
    // The expected position, scaled by the texts' lengths, decides between repeated passages.
    const near = Math.round((r.start / Math.max(this.source.length, 1)) * this.extracted.length);
    this.squeezed ??= squeeze(this.extracted);
    return findQuote(this.extracted, quote, near, this.squeezed);
  }
}

export interface SegmentPlacement {
  segment: Pick<Segment, 'index' | 'id' | 'start' | 'end'>;
  /** Offsets into the segment text; absent when the range covers the whole segment. */
  span?: Range;
}

/**
 * The segments a document range codes: each segment it overlaps with more than whitespace, with the
 * overlap as a span (none when it covers the segment). `outside`: characters of the range, other than
 * whitespace, that lie in no segment (speaker labels, dropped headers), so the caller can say so.
 */
export function placeOnSegments(
  text: string,
  segments: readonly Pick<Segment, 'index' | 'id' | 'start' | 'end'>[],
  r: Range,
): { placements: SegmentPlacement[]; outside: number } {
  const placements: SegmentPlacement[] = [];
  let covered = 0;
  for (const s of segments) {
    const start = Math.max(s.start, r.start);
    const end = Math.min(s.end, r.end);
    if (end <= start || !text.slice(start, end).trim()) continue;
    covered += text.slice(start, end).replace(/\s+/g, '').length;
    placements.push(start === s.start && end === s.end ? { segment: s } : { segment: s, span: { start: start - s.start, end: end - s.start } });
  }
  const outside = text.slice(r.start, r.end).replace(/\s+/g, '').length - covered;
  return { placements, outside };
}
