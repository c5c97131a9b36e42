// Normalisation shared by text and rules: words are found on the original text (so offsets stay
// true), then each word is folded: Unicode compatibility decomposition (ligatures, NFC/NFD alike),
// diacritics removed, lower case, apostrophes dropped. Hyphenated compounds are split into their parts.

export interface WordToken {
  /** Folded form: `Ideeën` → `ideeen`, `auto's` → `autos`. */
  folded: string;
  /** UTF-16 offsets into the original text. */
  start: number;
  end: number;
}

// A word: letters/digits/marks, joined by inner apostrophes, hyphens or dots-between-letters.
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’\u00AD][\p{L}\p{N}\p{M}]+)*/gu;
const HYPHENS = /^[-\u2010\u2011]$/u;

const foldMemo = new Map<string, string>();

export function fold(word: string): string {
  let f = foldMemo.get(word);
  if (f === undefined) {
    f = word.normalize('NFKD').replace(/[\p{M}'’\u00AD]/gu, '').toLowerCase();
    if (foldMemo.size > 200_000) foldMemo.clear();
    foldMemo.set(word, f);
  }
  return f;
}

/**
 * Words of a text in order. A hyphenated compound (`informatie-uitwisseling`) yields its parts as
 * consecutive words, so rules see it exactly like `informatie uitwisseling`; `joinedWithNext` marks
 * the parts so the tagger can also treat the whole as one closed compound.
 */
export function tokenize(text: string): Array<WordToken & { hyphenNext: boolean }> {
  const out: Array<WordToken & { hyphenNext: boolean }> = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const folded = fold(m[0]);
    if (!folded) continue;
    const prev = out[out.length - 1];
    if (prev && prev.end === start - 1 && HYPHENS.test(text[start - 1]!)) prev.hyphenNext = true;
    out.push({ folded, start, end, hyphenNext: false });
  }
  return out;
}

/** Folded words of a rule word or field text (used when compiling rules and suggesting them). */
export function foldedWords(text: string): string[] {
  return tokenize(text).map((t) => t.folded);
}
