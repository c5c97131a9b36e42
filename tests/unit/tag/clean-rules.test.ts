// Cleaner rule terms (issue 11): literature references are taken out of codebook text before rules are
// suggested or learnt, stop words/ordinals/discourse markers never become terms, and a closed-compound part
// matches only where the word really splits (OpenTaal's Dutch word list), never as an arbitrary substring.
import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { stripCitations } from '../../../lib/tag/citations.js';
import { compileTagger, suggestRules } from '../../../lib/tag/index.js';
import { learnRuleTerms } from '../../../lib/tag/learn.js';
import { Matcher } from '../../../lib/tag/matcher.js';
import { isCompoundSplit, isDutchWord, isRuleStopword } from '../../../lib/tag/words.js';

describe('stripCitations', () => {
  it.each([
    ['Samenwerking berust op vertrouwen (Ansell & Gash, 2008).', 'Samenwerking berust op vertrouwen.'],
    ['Volgens Ansell en Gash (2008) is vertrouwen een voorwaarde.', 'Volgens is vertrouwen een voorwaarde.'],
    ['De elementen volgen Emerson, Nabatchi & Balogh (2012): gezamenlijke inzet.', 'De elementen volgen: gezamenlijke inzet.'],
    ['Zie (Emerson et al., 2012; Ansell & Gash, 2008, p. 550) voor een overzicht.', 'Zie voor een overzicht.'],
    ['Nelen, Van Wingerde et al. beschrijven de versterkingsbeweging.', 'beschrijven de versterkingsbeweging.'],
    ['Trust grows over time (Ansell and Gash 2008; Huxham & Vangen, 2005).', 'Trust grows over time.'],
    ['Bryson, Crosby and Stone (2006) name leadership.', 'name leadership.'],
    ['Interviewvragen (regels 1190-1215)', 'Interviewvragen'],
    ['Enquête versterkingsbeweging (r.831-1123)', 'Enquête versterkingsbeweging'],
    ['Leadership matters (Smith-Jones, 2019a, pp. 3-4).', 'Leadership matters.'],
  ])('%j → %j', (text, expected) => {
    expect(stripCitations(text)).toBe(expected);
  });

  it.each([
    'De gemeente (Zoetermeer) en de politie werken samen.',
    'In 2021 werd de aanpak geëvalueerd, in 2022 opnieuw.',
    'Partners delen informatie (ook gevoelige informatie).',
    'The council and the police (both partners) meet monthly.',
  ])('leaves ordinary text alone: %j', (text) => {
    expect(stripCitations(text)).toBe(text);
  });
});

describe('isRuleStopword', () => {
  it('holds function words, ordinals, number words and discourse markers, not topic words', () => {
    for (const w of ['ten', 'slotte', 'eerste', 'tweede', 'drie', 'enerzijds', 'bovendien', 'omdat']) expect(isRuleStopword(w, 'nl')).toBe(true);
    for (const w of ['firstly', 'moreover', 'third', 'however', 'versus']) expect(isRuleStopword(w, 'en')).toBe(true);
    for (const w of ['vertrouwen', 'samenwerking', 'politie', 'samen', 'onzeker']) expect(isRuleStopword(w, 'nl')).toBe(false);
    for (const w of ['trust', 'problem', 'information', 'work']) expect(isRuleStopword(w, 'en')).toBe(false);
  });
});

describe('Dutch compound splits', () => {
  it('knows Dutch words, also inflected', () => {
    for (const w of ['taak', 'stelling', 'stellingen', 'taken', 'bellen', 'belangrijke', 'huizen', 'brieven']) expect(isDutchWord(w)).toBe(true);
    for (const w of ['angrijke', 'qwzrt', 'ansell']) expect(isDutchWord(w)).toBe(false);
  });

  it('accepts a split only where both sides are words (linking -s-/-e- allowed)', () => {
    expect(isCompoundSplit('taak', 'stelling')).toBe(true);
    expect(isCompoundSplit('samenwerkings', 'verband')).toBe(true);
    expect(isCompoundSplit('informatie', 'deling')).toBe(true);
    expect(isCompoundSplit('bel', 'angrijke')).toBe(false);
    expect(isCompoundSplit('taakstel', 'ling')).toBe(false);
    expect(isCompoundSplit('beh', 'eerst')).toBe(false);
  });

  const matches = (rule: string, text: string): boolean => {
    const m = new Matcher('nl');
    m.add(rule);
    return m.match(text).length > 0;
  };

  it('the matcher finds a rule word as a real compound part', () => {
    expect(matches('stelling', 'De taakstelling was helder.')).toBe(true);
    expect(matches('taak', 'De taakstelling was helder.')).toBe(true);
    expect(matches('verband', 'Het samenwerkingsverband werkt.')).toBe(true);
  });

  it('never as an arbitrary substring (bel in belangrijke, ling in taakstelling, eerste in beheerst)', () => {
    expect(matches('bel', 'Dat is een belangrijke zaak.')).toBe(false);
    expect(matches('ling', 'De taakstelling was helder.')).toBe(false);
    expect(matches('eerste', 'Het proces wordt goed beheerst.')).toBe(false);
    expect(matches('ter', 'We reflecteren samen.')).toBe(false);
  });
});

const codebook = `language: nl
categories:
  - name: Samenwerking
    definition: Samenwerking tussen partners (Ansell & Gash, 2008).
    codes:
      - name: Vertrouwen
        definition: Volgens Ansell en Gash (2008) is vertrouwen ten eerste een voorwaarde voor samenwerking.
        indicators:
          - Partners vertrouwen elkaar (Emerson, Nabatchi & Balogh, 2012).
      - name: Leiderschap
        definition: Ten slotte het faciliterend leiderschap (Bryson et al., 2006), enerzijds formeel en anderzijds informeel.
        indicators:
          - Een bestuurder neemt de leiding.
`;

describe('suggested and learnt rules', () => {
  const cb = parseCodebook(codebook, 'cb.yaml');
  const words = (rules: readonly string[]) =>
    rules.map((r) =>
      r
        .replace(/\^[\d.]+$/, '')
        .replace(/"/g, '')
        .toLowerCase(),
    );

  it('suggest no author names, years, citation fragments, ordinals or discourse markers', () => {
    const all = [...suggestRules(cb).values()].flatMap(words).join(' ').split(' ');
    for (const bad of ['ansell', 'gash', 'emerson', 'nabatchi', 'balogh', 'bryson', 'al', 'et', '2008', 'ten', 'eerste', 'slotte', 'enerzijds', 'anderzijds']) {
      expect(all).not.toContain(bad);
    }
    expect(all).toEqual(expect.arrayContaining(['vertrouwen', 'leiderschap']));
  });

  it('learn no author names or years from reviewed passages that cite', () => {
    const text = (i: number) => `Partner ${i} zegt dat het vertrouwen groeit, zoals Ansell en Gash (2008) beschrijven (Huxham & Vangen, 2005).`;
    const examples = [1, 2, 3, 4].map((i) => ({ id: `v${i}`, text: text(i), accepted: ['samenwerking/vertrouwen'], rejected: [] }));
    examples.push({ id: 'l1', text: 'De burgemeester neemt de leiding.', accepted: ['samenwerking/leiderschap'], rejected: [] });
    examples.push({ id: 'l2', text: 'Een wethouder neemt de leiding.', accepted: ['samenwerking/leiderschap'], rejected: [] });
    const learned = learnRuleTerms(cb, examples, { minSupport: 2 });
    const rules = learned.codes.flatMap((c) => words(c.suggestions.map((s) => s.rule))).join(' ');
    expect(rules).not.toMatch(/ansell|gash|huxham|vangen|2008|2005/);
  });

  it('the tagger built from the suggestions does not fire on a citation-only name', () => {
    const tagger = compileTagger(cb);
    expect(tagger.tag('Gash en Ansell waren er niet bij.')).toEqual([]);
  });
});
