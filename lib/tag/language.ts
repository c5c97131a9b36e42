// Stemmers and stop words per codebook language, through natural's deep imports only.
import porterEn from 'natural/lib/natural/stemmers/porter_stemmer.js';
import porterNl from 'natural/lib/natural/stemmers/porter_stemmer_nl.js';
import stopwordsEn from 'natural/lib/natural/util/stopwords.js';
import stopwordsNl from 'natural/lib/natural/util/stopwords_nl.js';
import type { Language } from '../model.js';

// natural's lists are short; these are general function words of each language (not corpus words).
const EXTRA_NL = `aldus alle allebei alleen alsof ander anders beide bent binnen daarbij daardoor daarin daarmee daarna daarom daarvan
dergelijke dezelfde diens dient doet echter eigen elk elke enige enkele erg even ga gaan gaat gedaan geen gehad geven geeft
gewoon graag gaan haar hadden hele heel hen hierbij hierin hiermee hoe hoewel hoeveel hoeverre ieder iedere immers inmiddels
jij jou jouw jullie kon konden krijgen kunt later liever mag mate meest meeste men mits moeten mogelijk mogen moest na nadat
namelijk net nooit ofwel onder ongeveer ook opdat over sinds soms steeds terwijl tijdens toe totdat tussen uiteraard vaak
vanaf vanuit verder via vooral voordat vrij waar waarbij waardoor waarin waarmee waarom waarop waarvan wanneer weer welk
welke wellicht wel werden wij wilde wordt worden zeer zelfs zeker zie ziet zien zo zoals zodat zouden zullen zult zowel
aangezien betreft bijvoorbeeld daarnaast derhalve dusdanig eerder eventueel hierover nogal overigens tevens volgens
heel echt weinig`;
const EXTRA_EN = `also among another anyone anything around because become been before being besides both can could did does
doing done during each either else enough even ever every few further had has have having however into its itself just
less many may might more most much must neither never nor often once only other others ought own per perhaps quite rather
really same several shall should since some somehow something still such than that their theirs them themselves then there
therefore these they those though through thus too under until upon very was were what whatever when where whether which
while who whom whose why will with within without would yet you your yours yourself yourselves`;

const stopLists: Record<Language, ReadonlySet<string>> = {
  nl: new Set([...stopwordsNl.words.map((w) => w.trim()), ...EXTRA_NL.split(/\s+/)].filter((w) => w.length > 0)),
  en: new Set([...stopwordsEn.words.map((w) => w.trim()), ...EXTRA_EN.split(/\s+/)].filter((w) => w.length > 0)),
};

export function isStopword(folded: string, lang: Language): boolean {
  return stopLists[lang].has(folded) || folded.length < 2 || /^\d+$/.test(folded);
}

const memo: Record<Language, Map<string, string>> = { nl: new Map(), en: new Map() };
const MEMO_LIMIT = 200_000;

/** Stem of a folded word (memoised: stemming dominates tagging cost otherwise). */
export function stem(folded: string, lang: Language): string {
  const cache = memo[lang];
  let s = cache.get(folded);
  if (s === undefined) {
    s = lang === 'nl' ? porterNl.stem(folded) : porterEn.stem(folded);
    if (!s) s = folded;
    if (cache.size > MEMO_LIMIT) cache.clear();
    cache.set(folded, s);
  }
  return s;
}

/**
 * Extra keys for Dutch word forms the Snowball stemmer leaves apart: nominalisations in -ing and
 * -atie (borging ~ borgen, evaluatie ~ evalueren), participles (geborgd ~ borgen, vertrouwd ~
 * vertrouwen) and present participles (lerende ~ leren). Text words and rule words both get them, so either form matches the other.
 */
export function variantStems(folded: string, lang: Language): string[] {
  if (lang !== 'nl' || folded.length < 6) return [];
  const out: string[] = [];
  const push = (root: string) => {
    if (root.length < 3) return;
    const s = stem(root, lang);
    if (s.length >= 3 && !out.includes(s)) out.push(s);
  };
  if (folded.endsWith('ingen')) push(folded.slice(0, -5));
  else if (folded.endsWith('ing')) push(folded.slice(0, -3));
  // Present participles: lerende ~ leren, volgend ~ volgen.
  if (folded.endsWith('ende')) push(`${folded.slice(0, -4)}en`);
  else if (folded.endsWith('end')) push(`${folded.slice(0, -3)}en`);
  if (folded.endsWith('aties')) push(`${folded.slice(0, -5)}eren`);
  else if (folded.endsWith('atie')) push(`${folded.slice(0, -4)}eren`);
  // Participles: ge...d/t (geborgd, gerealiseerd) and verb stems + d/t (vertrouwd, verbeterd).
  if (/[dt]$/.test(folded) && !folded.endsWith('heid') && (folded.startsWith('ge') || /(?:[aeiou]w|er|ee[a-z])[dt]$/.test(folded))) {
    const core = folded.slice(folded.startsWith('ge') ? 2 : 0, -1);
    if (core.length >= 4) {
      push(core);
      push(core.replace(/([aeou])\1([^aeiou])$/, '$1$2'));
    }
  }
  const own = stem(folded, lang);
  return out.filter((s) => s !== own);
}

/** The key a word is counted under: Dutch nominalisations and participles fold onto their verb (shortest key). */
export function canonicalStem(folded: string, lang: Language): string {
  return [stem(folded, lang), ...variantStems(folded, lang)].reduce((a, b) => (b.length < a.length ? b : a));
}
