import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { compileTagger } from '../../../lib/tag/index.js';
import { Matcher } from '../../../lib/tag/matcher.js';
import { tokenize } from '../../../lib/tag/normalize.js';

/** Texts of the spans a rule matched in `text`, or null when it did not match. */
function matched(rule: string, text: string, lang: 'nl' | 'en' = 'nl', others: string[] = []): string[] | null {
  const m = new Matcher(lang);
  for (const o of others) m.add(o);
  const index = m.add(rule);
  const hit = m.match(text).find((r) => r.rule === index);
  return hit ? hit.spans.map((s) => text.slice(s.start, s.end)).sort() : null;
}

describe('normalisation', () => {
  it('folds case, diacritics and ligatures but keeps offsets into the original text', () => {
    const text = 'Ideeën over de ﬁnanciën: coöperatie';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.folded)).toEqual(['ideeen', 'over', 'de', 'financien', 'cooperatie']);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Ideeën', 'over', 'de', 'ﬁnanciën', 'coöperatie']);
  });

  it('treats NFC and NFD spellings alike', () => {
    expect(matched('ideeën', 'nieuwe ideee\u0308n')).toEqual(['ideee\u0308n']);
  });
});

describe('Matcher', () => {
  it('matches Dutch words by stem', () => {
    expect(matched('vertrouwen', 'Zij vertrouwt de politie niet, vertrouwelijke zaken')).toEqual(['vertrouwelijke', 'vertrouwt']);
    expect(matched('vertrouwen', 'Zij trouwt')).toBeNull();
    expect(matched('samenwerking', 'We werken goed samen; de samenwerkingen lopen')).toEqual(['samenwerkingen']);
  });

  it('folds Dutch nominalisations and participles onto the verb', () => {
    expect(matched('borging', 'Het project is geborgd; wij borgen het')).toEqual(['borgen', 'geborgd']);
    expect(matched('evaluatie', 'Het wordt geëvalueerd')).toEqual(['geëvalueerd']);
  });

  it('matches hyphenated and closed compounds', () => {
    expect(matched('samenwerking*', 'Het samenwerkingsverband is nieuw')).toEqual(['samenwerkingsverband']);
    expect(matched('informatie-uitwisseling', 'De informatie-uitwisseling stokt')).toEqual(['informatie-uitwisseling']);
    expect(matched('uitwisseling', 'De informatie-uitwisseling stokt')).toEqual(['uitwisseling']);
    expect(matched('informatie-uitwisseling', 'De informatieuitwisseling stokt')).toEqual(['informatieuitwisseling']);
    expect(matched('uitwisseling', 'De informatieuitwisseling stokt')).toEqual(['informatieuitwisseling']);
    expect(matched('samenwerking', 'Het samenwerkingsverband is nieuw')).toEqual(['samenwerkingsverband']);
    expect(matched('uitwisseling', 'Een uitwijking')).toBeNull();
  });

  it('matches phrases as consecutive words only', () => {
    expect(matched('"gevoelige informatie"', 'Zij delen gevoelige informatie.')).toEqual(['gevoelige informatie']);
    expect(matched('"gevoelige informatie"', 'Informatie is gevoelig.')).toBeNull();
    expect(matched('"sense of urgency"', 'a shared Sense of Urgency', 'en')).toEqual(['Sense of Urgency']);
  });

  it('evaluates AND, OR, NOT and NEAR/n', () => {
    const text = 'De politie deelt informatie met de gemeente, maar wantrouwen blijft.';
    expect(matched('politie AND gemeente', text)).toEqual(['gemeente', 'politie']);
    expect(matched('politie AND burgemeester', text)).toBeNull();
    expect(matched('burgemeester OR gemeente', text)).toEqual(['gemeente']);
    expect(matched('informatie NOT wantrouwen', text)).toBeNull();
    expect(matched('informatie NOT vertrouwen', 'informatie en wantrouwen')).toEqual(['informatie']);
    expect(matched('politie NEAR/2 informatie', text)).toEqual(['informatie', 'politie']);
    expect(matched('politie NEAR/3 gemeente', text)).toBeNull();
    expect(matched('(politie OR gemeente) NEAR/1 deelt', text)).toEqual(['deelt', 'politie']);
  });

  it('matches English with the English stemmer', () => {
    expect(matched('trust', 'They trusted the officers', 'en')).toEqual(['trusted']);
    expect(matched('relying', 'we rely on them', 'en')).toEqual(['rely']);
  });

  it('keeps no hits from one text to the next when the matcher is reused', () => {
    const m = new Matcher('nl');
    const and = m.add('politie AND gemeente');
    const near = m.add('politie NEAR/2 informatie');
    expect(
      m
        .match('De politie deelt informatie met de gemeente')
        .map((r) => r.rule)
        .sort(),
    ).toEqual([and, near]);
    // Only one leaf of each rule occurs now: neither may hold on the hits of the previous text.
    expect(m.match('De gemeente zwijgt')).toEqual([]);
    expect(m.match('Informatie van politie').map((r) => r.rule)).toEqual([near]);
  });

  it('counts distinct places a rule matched, once per word even when stem and variant both match', () => {
    const m = new Matcher('nl');
    const r = m.add('borging');
    m.scan('Borging, borgen en nog eens borging');
    const i = m.matchedRules.indexOf(r);
    expect(m.matchedDistinct[i]).toBe(3);
    expect(m.spansOf(r).map((s) => s.start)).toEqual([0, 9, 28]);
  });

  it('gives the same answers however many other rules are compiled', () => {
    const others = Array.from({ length: 500 }, (_, i) => `woord${i} OR "zin ${i}"`);
    expect(matched('politie NEAR/2 informatie', 'De politie deelt informatie', 'nl', others)).toEqual(['informatie', 'politie']);
  });
});

describe('compileTagger', () => {
  const cb = parseCodebook(
    `language: en
categories:
  - id: trust
    name: Trust
    codes:
      - id: trust/police
        name: Trust in the police
        rules: ['police AND (trust OR rely)', '"community officer"^2']
        exclude: ['"police series"']
      - id: trust/neighbours
        name: Trust in neighbours
        rules: [neighbour*]
      - id: trust/other
        name: Other
        rules: [weather]
`,
    'cb.yaml',
  );
  const tagger = compileTagger(cb);

  it('ranks proposals by score with evidence naming the rule and offsets into the text', () => {
    const text = 'I rely on the police, and our community officer knows my neighbours.';
    const proposals = tagger.tag(text, { relativeCutoff: 0 });
    expect(proposals.map((p) => p.code)).toEqual(['trust/police', 'trust/neighbours']);
    expect(proposals[0]!.score).toBeGreaterThan(proposals[1]!.score);
    const phrase = proposals[0]!.evidence.find((e) => e.rule === '"community officer"^2')!;
    expect(text.slice(phrase.start, phrase.end)).toBe('community officer');
    expect(proposals[0]!.evidence.some((e) => e.rule === 'police AND (trust OR rely)' && text.slice(e.start, e.end) === 'rely')).toBe(true);
  });

  it('applies top-k, minimum score, relative cut-off and exclusions', () => {
    const text = 'I rely on the police, and our community officer knows my neighbours.';
    expect(tagger.tag(text, { topK: 1 }).map((p) => p.code)).toEqual(['trust/police']);
    expect(tagger.tag(text, { minScore: 100 })).toEqual([]);
    expect(tagger.tag(text, { relativeCutoff: 0.9 }).map((p) => p.code)).toEqual(['trust/police']);
    expect(tagger.tag('I rely on the police series and my neighbours').map((p) => p.code)).toEqual(['trust/neighbours']);
  });

  it('suggests rules for codes without any, and compiles once per version', () => {
    const bare = parseCodebook(
      'categories: [{name: Vertrouwen, codes: [{name: Vertrouwen in de politie, indicators: [Burgers vertrouwen de agenten]}, {name: Overlast, indicators: [Lawaai van buren]}]}]',
      'nl.yaml',
    );
    const t = compileTagger(bare);
    expect(t.rulesByCode.get('vertrouwen/vertrouwen-in-de-politie')!.length).toBeGreaterThan(0);
    expect(t.tag('De buren maken veel lawaai')[0]!.code).toBe('vertrouwen/overlast');
    expect(compileTagger(bare)).toBe(t);
    expect(compileTagger(bare, { suggest: false }).tag('De buren maken veel lawaai')).toEqual([]);
  });
});
