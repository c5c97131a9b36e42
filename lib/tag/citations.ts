// Literature references in codebook text ("(Ansell & Gash, 2008)", "Ansell en Gash (2008)", "Emerson,
// Nabatchi & Balogh (2012)", "et al.", "(r. 831-1123)", "p. 12") are removed before rule terms are drawn
// from it: author names, years and page numbers say nothing about what a respondent talks about, and a
// name such as "Bel" or "Ten" then fires in ordinary words.
// Only the reference is removed; the sentence around it stays, with its offsets no longer needed.

// A surname: capitalised, possibly with particles (van, de, der, den, ten, ter, von, van der, …) or an
// apostrophe/hyphen part (O'Brien, Smith-Jones).
const PARTICLE = "(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]en|[Tt]er|[Vv]on|[Dd]i|[Dd]a|[Dd]u|[Ll]e|[Ll]a|'t)";
const SURNAME = `(?:${PARTICLE}\\s+){0,2}\\p{Lu}[\\p{L}'’-]+`;
const AND = '(?:&|and|en|und|et)';
const ETAL = 'et\\s+al\\.?';
// "Ansell", "Ansell & Gash", "Ansell en Gash", "Emerson, Nabatchi & Balogh", "Nelen et al.", "Nelen, Van Wingerde et al."
const AUTHORS = `${SURNAME}(?:\\s*,\\s*${SURNAME})*(?:\\s*,?\\s+${AND}\\s+${SURNAME}|\\s+${ETAL})?`;
const YEAR = '(?:1[5-9]\\d\\d|20\\d\\d)[a-z]?';
const PAGES = '(?:\\s*[,:]\\s*(?:p|pp|blz|pag|r)\\.?\\s*\\d+(?:\\s*[-–]\\s*\\d+)?)?';
// Inside parentheses: one or more "Authors, year[, p. n]" or bare years, separated by ";" (with "zie"/"see"/"cf.").
const REF = `(?:(?:zie|see|cf\\.?|vgl\\.?|e\\.g\\.|bijv\\.?)\\s+)?(?:${AUTHORS}\\s*,?\\s*)?${YEAR}(?:\\s*,\\s*${YEAR})*${PAGES}`;

const PARENTHETICAL = new RegExp(`\\s*\\(\\s*${REF}(?:\\s*;\\s*${REF})*\\s*\\)`, 'gu');
// "Ansell en Gash (2008)", "Emerson et al. (2012, p. 3)"
const NARRATIVE = new RegExp(`${AUTHORS}\\s*\\(\\s*${YEAR}(?:\\s*,\\s*${YEAR})*${PAGES}\\s*\\)`, 'gu');
// "(r.831-1123)", "(regels 1168-1188)", "(p. 12)", "(line 19)": line and page pointers.
const POINTER = /\s*\((?:r|p|pp|blz|pag|regels?|lines?|pages?|bijlage|appendix)\.?\s*\d+(?:\s*[-–]\s*\d+)?\)/giu;
// "Nelen, Van Wingerde et al." without a year: the names go with the "et al.".
const ETAL_AUTHORS = new RegExp(`${SURNAME}(?:\\s*,\\s*${SURNAME})*\\s+${ETAL}`, 'gu');
const ET_AL = new RegExp(`\\b${ETAL}`, 'gu');

/** The text with literature references, line/page pointers and "et al." taken out. */
export function stripCitations(text: string): string {
  return text
    .replace(NARRATIVE, ' ')
    .replace(PARENTHETICAL, ' ')
    .replace(POINTER, ' ')
    .replace(ETAL_AUTHORS, ' ')
    .replace(ET_AL, ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ ([.,;:])/g, '$1')
    .trim();
}
