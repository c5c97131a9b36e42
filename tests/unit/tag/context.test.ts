import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { contextScorer, interviewerContexts } from '../../../lib/tag/context.js';
import { compileTagger } from '../../../lib/tag/index.js';

// A small Dutch interview guide written for these tests: each code carries the questions asked for it.
const cb = parseCodebook(
  `
id: gids
language: nl
categories:
  - id: buurt
    name: De buurt
    codes:
      - id: buurt/veiligheid
        name: Veiligheid op straat
        indicators: [Bewoners voelen zich veilig op straat.]
        questions: [Voelt u zich veilig als u 's avonds over straat loopt?]
      - id: buurt/contact
        name: Contact met buren
        indicators: [Bewoners helpen elkaar en maken een praatje.]
        questions: [Hoe vaak spreekt u uw buren?, Welke dingen doet u samen met de buren?]
      - id: buurt/voorzieningen
        name: Voorzieningen
        indicators: [Er zijn winkels, scholen en een huisarts in de wijk.]
        questions: [Wat vindt u van de winkels en scholen in de wijk?]
        exclude: ['"geen mening"']
  - id: werk
    name: Werk
    codes:
      - id: werk/baan
        name: Baan en inkomen
        indicators: [Bewoners hebben werk en een inkomen.]
        questions: [Heeft u op dit moment betaald werk?, Wat is uw mening over de vraag?]
      - id: werk/vrijwilliger
        name: Vrijwilligerswerk
        indicators: [Bewoners doen vrijwilligerswerk.]
        questions: [Doet u vrijwilligerswerk?, Wat is uw mening over de vraag?]
`,
  'gids.yaml',
);
const codes = cb.categories.flatMap((c) => c.codes.map((k) => k.id));

describe('context scorer', () => {
  const scorer = contextScorer(cb);
  const top = (context: string) => scorer.score(context).map((m) => codes[m.code]);

  it('points at the code whose guide question was asked, verbatim or with small talk around it', () => {
    expect(top("Voelt u zich veilig als u 's avonds over straat loopt?")[0]).toBe('buurt/veiligheid');
    expect(top('Dank u. Dan iets anders: hoe vaak spreekt u eigenlijk uw buren, denkt u?')[0]).toBe('buurt/contact');
  });

  it('falls back on the name and indicators when no question matches, more weakly', () => {
    const m = scorer.score('En de winkels in de wijk?');
    expect(codes[m[0]!.code]).toBe('buurt/voorzieningen');
    const byName = scorer.score('Vertel eens over uw vrijwilligerswerk.');
    expect(codes[byName[0]!.code]).toBe('werk/vrijwilliger');
  });

  it('marks the shared words as offsets into the context', () => {
    const context = 'Goed. Heeft u op dit moment betaald werk?';
    const m = scorer.score(context)[0]!;
    expect(m.question).toBe('Heeft u op dit moment betaald werk?');
    expect(context.slice(m.start, m.end)).toMatch(/^moment .*werk$/);
  });

  it('gives nothing for a turn without the codebook words', () => {
    expect(scorer.score('Kunt u dat toelichten?')).toEqual([]);
    expect(scorer.score('')).toEqual([]);
  });

  it('counts a question the guide lists under several codes for less than a unique one', () => {
    const shared = scorer.score('Wat is uw mening over de vraag?');
    const unique = scorer.score('Doet u vrijwilligerswerk?');
    expect(shared.map((m) => codes[m.code]).sort()).toEqual(['werk/baan', 'werk/vrijwilliger']);
    expect(Math.max(...shared.map((m) => m.similarity))).toBeLessThan(unique[0]!.similarity);
  });
});

describe('tagging with context', () => {
  const tagger = compileTagger(cb);
  const answer = 'Ja hoor, de buren zijn aardig en ik voel me er thuis.';
  const question = "Voelt u zich veilig als u 's avonds over straat loopt?";

  it('is unchanged without context', () => {
    expect(tagger.tag(answer, { context: undefined })).toEqual(tagger.tag(answer));
    expect(tagger.tag(answer, { context: '' })).toEqual(tagger.tag(answer));
  });

  it("ranks the asked question's code first and keeps the answer's own codes and evidence", () => {
    const plain = tagger.tag(answer);
    expect(plain[0]!.code).toBe('buurt/contact');
    const withContext = tagger.tag(answer, { context: question });
    expect(withContext[0]!.code).toBe('buurt/veiligheid');
    const contact = withContext.find((p) => p.code === 'buurt/contact')!;
    expect(contact.evidence).toEqual(plain[0]!.evidence);
    expect(contact.evidence.every((e) => e.source === undefined)).toBe(true);
  });

  it('gives a context-only proposal evidence that names the question, with offsets into the context', () => {
    const p = tagger.tag(answer, { context: question }).find((x) => x.code === 'buurt/veiligheid')!;
    const ctx = p.evidence.filter((e) => e.source === 'context');
    expect(ctx).toHaveLength(1);
    expect(ctx[0]!.rule).toBe(`question: ${question}`);
    expect(question.slice(ctx[0]!.start, ctx[0]!.end)).toBe("Voelt u zich veilig als u 's avonds over straat loopt");
    // The answer's own match ("voel") stays segment evidence, before the question.
    expect(p.evidence.filter((e) => e.source !== 'context').map((e) => answer.slice(e.start, e.end))).toEqual(['voel']);
    expect(p.evidence[p.evidence.length - 1]!.source).toBe('context');
  });

  it('proposes from the context alone when the answer matches no rule', () => {
    expect(tagger.tag('Ja, eigenlijk wel.')).toEqual([]);
    const [p] = tagger.tag('Ja, eigenlijk wel.', { context: 'Doet u vrijwilligerswerk?' });
    expect(p?.code).toBe('werk/vrijwilliger');
    expect(p?.evidence).toEqual([{ start: 7, end: 24, rule: 'question: Doet u vrijwilligerswerk?', source: 'context' }]);
  });

  it('weighs the context by contextWeight, and an exclusion in the answer still vetoes', () => {
    const context = 'Wat vindt u van de winkels en scholen in de wijk?';
    const text = 'Mijn buren spreek ik vaak, ik heb er geen mening over.';
    expect(tagger.tag(text, { context, contextWeight: 0 }).map((p) => p.code)).toEqual(tagger.tag(text).map((p) => p.code));
    expect(tagger.tag(text, { context }).map((p) => p.code)).not.toContain('buurt/voorzieningen');
  });
});

describe('interviewerContexts', () => {
  it('gives each respondent turn the nearest interviewer turn before it, and nothing else', () => {
    const seg = (text: string, speaker: string | null, respondent: string | null) => ({ text, speaker, respondent });
    const contexts = interviewerContexts([
      seg('Interview 1', null, null),
      seg('R1 zonder vraag', 'Respondent 1', 'Respondent 1'),
      seg('Vraag A?', 'Interviewer', null),
      seg('Antwoord 1', 'Respondent 1', 'Respondent 1'),
      seg('Antwoord 2', 'Respondent 2', 'Respondent 2'),
      seg('Vraag B?', 'Interviewer', null),
      seg('Antwoord 3', 'Respondent 1', 'Respondent 1'),
    ]);
    expect(contexts).toEqual([undefined, undefined, undefined, 'Vraag A?', 'Vraag A?', undefined, 'Vraag B?']);
    expect(interviewerContexts([seg('Alinea 1', null, null), seg('Alinea 2', null, null)])).toEqual([undefined, undefined]);
  });
});
