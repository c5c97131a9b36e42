// Our offsets are UTF-16 code-unit indexes (JavaScript string indexes); REFI-QDA positions count Unicode
// code points. They differ only after characters outside the BMP (emoji, some CJK), which take two units.

/** Converts UTF-16 indexes of one text to code-point indexes; O(log n) per offset after one pass. */
export class CodePointIndex {
  /** UTF-16 index of the low surrogate of each astral character, ascending. */
  private readonly lows: number[] = [];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length - 1; i++) {
      const hi = text.charCodeAt(i);
      if (hi >= 0xd800 && hi <= 0xdbff) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) this.lows.push(++i);
      }
    }
  }

  /** Code-point index of UTF-16 index `i`; an index inside a surrogate pair moves to the pair's start. */
  toCodePoint(i: number): number {
    if (i < 0 || i > this.text.length) throw new RangeError(`offset ${i} is outside the text (0..${this.text.length})`);
    // Count low surrogates strictly before i, plus one if i points at a low surrogate itself.
    let lo = 0;
    let hi = this.lows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lows[mid]! < i) lo = mid + 1;
      else hi = mid;
    }
    const inside = this.lows[lo] === i ? 1 : 0;
    return i - lo - inside;
  }
}

/** `text` sliced by code points, the way REFI-QDA readers (e.g. Python's str) slice it. */
export function sliceCodePoints(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join('');
}
