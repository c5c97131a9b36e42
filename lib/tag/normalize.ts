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

// Word characters are letters, digits and combining marks; apostrophes and soft hyphens join two
// word characters (auto's, o’clock). A hand-written scanner: a Unicode regex was the slowest step.
const wordCharCache = new Map<number, boolean>();
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  let w = wordCharCache.get(c);
  if (w === undefined) {
    // Surrogate halves: treat as word characters (letters outside the BMP are rare but exist).
    w = (c >= 0xd800 && c <= 0xdfff) || WORD_CHAR.test(String.fromCharCode(c));
    wordCharCache.set(c, w);
  }
  return w;
}

const isJoiner = (c: number): boolean => c === 39 || c === 0x2019 || c === 0xad;
const isHyphen = (c: number): boolean => c === 45 || c === 0x2010 || c === 0x2011;

const foldMemo = new Map<string, string>();

export function fold(word: string): string {
  let f = foldMemo.get(word);
  if (f === undefined) {
    f = /^[\x00-\x7f]*$/.test(word)
      ? word.replace(/'/g, '').toLowerCase()
      : word
          .normalize('NFKD')
          .replace(/[\p{M}'’\u00AD]/gu, '')
          .toLowerCase();
    if (foldMemo.size > 200_000) foldMemo.clear();
    foldMemo.set(word, f);
  }
  return f;
}

export interface TextWord extends WordToken {
  /** A hyphen joins this word to the next (`informatie-uitwisseling`). */
  hyphenNext: boolean;
}

/**
 * Words of a text in order. A hyphenated compound (`informatie-uitwisseling`) yields its parts as
 * consecutive words, so rules see it exactly like `informatie uitwisseling`.
 */
export function tokenize(text: string): TextWord[] {
  const out: TextWord[] = [];
  forEachWord(text, (raw, start, end) => {
    const folded = fold(raw);
    if (!folded) return;
    const prev = out[out.length - 1];
    if (prev && prev.end === start - 1 && isHyphen(text.charCodeAt(start - 1))) prev.hyphenNext = true;
    out.push({ folded, start, end, hyphenNext: false });
  });
  return out;
}

/**
 * The words of a text without building objects: calls `word(raw, start, end)` for each word, with the
 * word as written (fold it, or look it up in a cache keyed by the raw form). Same words as tokenize().
 */
export function forEachWord(text: string, word: (raw: string, start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    i++;
    for (;;) {
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      if (i + 1 < n && isJoiner(text.charCodeAt(i)) && isWordChar(text.charCodeAt(i + 1))) i += 2;
      else break;
    }
    word(text.slice(start, i), start, i);
  }
}

/** Folded words of a rule word or field text (used when compiling rules and suggesting them). */
export function foldedWords(text: string): string[] {
  return tokenize(text).map((t) => t.folded);
}
