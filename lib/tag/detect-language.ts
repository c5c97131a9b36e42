// Which language segment texts are in, cheaply: the share of very frequent function words that exist in
// only one of Dutch and English ("het", "een", "niet" against "the", "and", "not"). A codebook whose
// `language` differs from its texts stems and filters them with the wrong language: its rules mostly miss.
import type { Language } from '../model.js';
import { tokenize } from './normalize.js';

// Frequent function words of one language that are not words of the other (so "in", "is", "was", "we",
// "de", "die", "over" are left out: both languages use them).
const MARKERS: Record<Language, ReadonlySet<string>> = {
  nl: new Set(
    'het een en van ik dat niet zijn op te met voor er maar ook wel dan nog wat naar bij als om door hij ze wij jullie heeft hebben wordt worden deze dit zich uit ons onze hun haar hoe waar waarom omdat want heel veel meer geen iets zo nu al toch gewoon eigenlijk denk vind wordt kan moet zou'.split(
      ' ',
    ),
  ),
  en: new Set(
    'the and of to a that it for you with on as are be this have not but they at what from or by an there would their which will been has had were can could should about if when who them then than so just think very our because also how some into'.split(
      ' ',
    ),
  ),
};

export interface LanguageGuess {
  /** The language the texts read as, or null when too few marker words or no clear majority. */
  language: Language | null;
  /** Marker words counted per language. */
  counts: Record<Language, number>;
}

/** Fewest marker words for a guess: a few sentences' worth. */
export const MIN_MARKERS = 20;
/** Share of the markers one language needs (the other language's words occur in quotes and names). */
export const MIN_SHARE = 0.75;
/** Words read at most: the language of a document shows in its first pages. */
const MAX_WORDS = 20_000;

export function detectLanguage(texts: Iterable<string>): LanguageGuess {
  const counts: Record<Language, number> = { nl: 0, en: 0 };
  let words = 0;
  for (const text of texts) {
    for (const t of tokenize(text)) {
      if (MARKERS.nl.has(t.folded)) counts.nl++;
      else if (MARKERS.en.has(t.folded)) counts.en++;
      if (++words >= MAX_WORDS) break;
    }
    if (words >= MAX_WORDS) break;
  }
  const total = counts.nl + counts.en;
  const top: Language = counts.nl >= counts.en ? 'nl' : 'en';
  const language = total >= MIN_MARKERS && counts[top] / total >= MIN_SHARE ? top : null;
  return { language, counts };
}

const NAMES: Record<Language, string> = { nl: 'Dutch', en: 'English' };

/**
 * A warning when the texts clearly read as another language than the codebook's `language`; null when
 * they match or the texts are too short to tell.
 */
export function languageMismatch(codebookLanguage: Language, texts: Iterable<string>): string | null {
  const guess = detectLanguage(texts);
  if (!guess.language || guess.language === codebookLanguage) return null;
  const l = guess.language;
  const total = guess.counts.nl + guess.counts.en;
  return (
    `the codebook's language is ${NAMES[codebookLanguage]} (${codebookLanguage}) but the texts read as ${NAMES[l]} ` +
    `(${guess.counts[l]} of ${total} function words are ${NAMES[l]}): words are stemmed and filtered as ${NAMES[codebookLanguage]}, ` +
    `so most rules will miss. Set \`language: ${l}\` in the codebook if it is written in ${NAMES[l]}, or use a codebook in ${NAMES[l]}`
  );
}
