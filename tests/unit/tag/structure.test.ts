// Which segments get proposals (lib/tag/structure.ts): interviewer turns and title/metadata lines do not;
// respondent turns get the interviewer's question as context. Fixtures are our own, Dutch and English.
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../../lib/model.js';
import { extractFile } from '../../../lib/extract/index.js';
import { segmentDocument } from '../../../lib/segment/index.js';
import { isPreambleText, isTitleLine, segmentPlans, tagSegments } from '../../../lib/tag/structure.js';

describe('isTitleLine', () => {
  it.each([
    'Interview respondent 2 — Zoetermeer — aanpak ondermijning',
    'Interview met wijkagent, Rotterdam-Zuid',
    'Transcriptie focusgroep 3',
    'Gespreksverslag bewonersavond',
    'Datum: 14 maart 2022',
    'Locatie: buurthuis De Schakel',
    'Duur: 52 minuten',
    '12-03-2021',
    'Zoetermeer, 3 november 2021',
    '3.2 Vertrouwen tussen partners',
    'Hoofdstuk 4 Resultaten',
    '# Inleiding',
  ])('Dutch: %j is a title or metadata line', (line) => {
    expect(isTitleLine(line)).toBe(true);
  });

  it.each([
    'Interview with a community officer, Leeds',
    'Focus group 2 — parents of primary school children',
    'Date: March 14, 2022',
    'Location: community centre',
    'Participants: 6 residents, 1 facilitator',
    '2022-03-14',
    'II. Methods',
    'Chapter 3 Findings',
  ])('English: %j is a title or metadata line', (line) => {
    expect(isTitleLine(line)).toBe(true);
  });

  it.each([
    'Ik vertrouw de wijkagent wel, die komt ook echt langs.',
    'Interviews met bewoners laten zien dat het vertrouwen groeit.',
    'Op 12 maart 2021 hebben we samen met de politie een pand gesloten, en dat werkte goed.',
    'We trust the neighbours.',
    'Interviewing residents took longer than we planned, because many had moved.',
    '- goed contact met de wijkagent',
    'Vertrouwen tussen partners',
  ])('%j is not (speech, a sentence, a bullet, or a short line with no title marker)', (line) => {
    expect(isTitleLine(line)).toBe(false);
  });
});

describe('isPreambleText (text before the first speaker turn)', () => {
  it('takes short unpunctuated lines as not speech, sentences as speech', () => {
    expect(isPreambleText('Bewonersavond Kanaleneiland\nWijkteam Utrecht-West')).toBe(true);
    expect(isPreambleText('Project safe streets\nDate: 2 May 2023')).toBe(true);
    expect(isPreambleText('Ja, dus ik woon hier al twintig jaar en ik ken iedereen in de straat.')).toBe(false);
  });
});

const turn = (text: string, speaker: string | null, respondent: string | null) => ({ text, speaker, respondent });

describe('segmentPlans', () => {
  it('skips the title and interviewer turns; a respondent turn gets the question as context', () => {
    const plans = segmentPlans([
      turn('Interview respondent 7 — Utrecht', null, null),
      turn('Datum: 2 mei 2023', null, null),
      turn('Hoe ervaart u de samenwerking met de gemeente?', 'Interviewer', null),
      turn('Die samenwerking is goed, we bellen elkaar vaak.', 'Respondent 7', 'Respondent 7'),
      turn('En de politie?', 'Interviewer', null),
      turn('Daar heb ik minder mee te maken.', 'Respondent 7', 'Respondent 7'),
    ]);
    expect(plans.map((p) => p.skip ?? 'tag')).toEqual(['title', 'title', 'interviewer', 'tag', 'interviewer', 'tag']);
    expect(plans[3]!.context).toBe('Hoe ervaart u de samenwerking met de gemeente?');
    expect(plans[5]!.context).toBe('En de politie?');
  });

  it('tags unlabelled speech before the first turn', () => {
    const plans = segmentPlans([
      turn('So I have lived here for twenty years and I know everyone in the street.', null, null),
      turn('And the police?', 'Interviewer', null),
    ]);
    expect(plans[0]).toEqual({ taggable: true });
  });

  it('in a document without speakers skips only unmistakable titles and headings', () => {
    const plans = segmentPlans([
      turn('3.1 Samenwerking in de wijk', null, null),
      turn('Partners delen informatie en vertrouwen elkaar', null, null),
      turn('De samenwerking tussen gemeente en politie verloopt goed.', null, null),
    ]);
    expect(plans.map((p) => p.taggable)).toEqual([false, true, true]);
  });

  it('never skips survey rows, however short', () => {
    const rows = [turn('Interview niet nodig', null, 'R1'), turn('Datum: geen idee', null, null)];
    expect(segmentPlans(rows, 'csv').map((p) => p.taggable)).toEqual([true, true]);
    expect(segmentPlans(rows, 'txt').map((p) => p.taggable)).toEqual([true, false]);
  });
});

describe('tagSegments', () => {
  it('calls the tagger only for taggable segments, with their context', async () => {
    const text = 'Interview respondent 1 — Delft\n\nInterviewer: Vertrouwt u de wijkagent?\n\nRespondent 1: Ja, die ken ik goed.\n';
    const segments = segmentDocument(await extractFile(new TextEncoder().encode(text), 'r1.txt'), { unit: 'turn' });
    const calls: Array<{ text: string; context?: string }> = [];
    const tagger = {
      tag(t: string, opts?: { context?: string }): Proposal[] {
        calls.push({ text: t, ...(opts?.context !== undefined ? { context: opts.context } : {}) });
        return [{ code: 'x', score: 1, evidence: [] }];
      },
    };
    const out = tagSegments(tagger, segments, { format: 'txt' });
    expect(calls).toEqual([{ text: 'Ja, die ken ik goed.', context: 'Vertrouwt u de wijkagent?' }]);
    expect(out.map((t) => t.proposals.length)).toEqual([0, 0, 1]);
    expect(out.map((t) => t.plan.skip ?? null)).toEqual(['title', 'interviewer', null]);
  });
});
