import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../lib/extract/index.js';
import type { ExtractedDocument, Segment, SegmentUnit } from '../../../lib/model.js';
import { defaultUnit, segmentDocument } from '../../../lib/segment/index.js';
import { makePdf } from '../../fixtures/extract/make-pdf.js';
import { fixture } from '../extract/fixtures.js';

const load = (name: string) => extractFile(fixture(name), name);

/** The invariants every segmentation keeps. */
function checkInvariants(doc: ExtractedDocument, segs: Segment[]): void {
  const ids = new Set<string>();
  let prevEnd = 0;
  segs.forEach((s, i) => {
    expect(s.index).toBe(i);
    expect(s.text).toBe(doc.text.slice(s.start, s.end));
    expect(s.text).toBe(s.text.trim());
    expect(s.text.length).toBeGreaterThan(0);
    expect(s.start).toBeGreaterThanOrEqual(prevEnd);
    prevEnd = s.end;
    expect(ids.has(s.id)).toBe(false);
    ids.add(s.id);
  });
}

describe('segmentDocument', () => {
  it('splits a text transcript into turns without the labels, with respondents', async () => {
    const doc = await load('interview.txt');
    expect(defaultUnit(doc)).toBe('turn');
    const segs = segmentDocument(doc, { documentId: 'int' });
    checkInvariants(doc, segs);
    expect(segs.map((s) => [s.speaker, s.respondent])).toEqual([
      [null, null],
      ['Interviewer', null],
      ['R6', 'Respondent 6'],
      ['Interviewer', null],
      ['Resp. 6', 'Respondent 6'],
      ['Interviewer', null],
    ]);
    expect(segs[2]!.text).toBe('Over het algemeen goed. We spreken elkaar\nwekelijks en de lijnen zijn kort.\nSoms gaat het mis, maar dat lossen we samen op.');
    expect(segs.map((s) => s.id)).toEqual(['int:t0001', 'int:t0002', 'int:t0003', 'int:t0004', 'int:t0005', 'int:t0006']);
  });

  it('gives the same ids for the same text and unit', async () => {
    const a = segmentDocument(await load('interview.txt'), { unit: 'sentence', documentId: 'd' });
    const b = segmentDocument(await load('interview.txt'), { unit: 'sentence', documentId: 'd' });
    expect(a.map((s) => s.id)).toEqual(b.map((s) => s.id));
    expect(new Set(a.map((s) => s.id)).size).toBe(a.length);
  });

  it('splits sentences inside each turn, keeping abbreviations together', async () => {
    const doc = await load('interview.txt');
    const segs = segmentDocument(doc, { unit: 'sentence' });
    checkInvariants(doc, segs);
    const resp = segs.filter((s) => s.speaker === 'Resp. 6').map((s) => s.text);
    expect(resp).toEqual(['Dat is er.', 'Prof. dr. Jansen zei o.a. dat vertrouwen tijd kost.', 'Dat klopt!']);
    expect(segs.filter((s) => s.speaker === 'R6').map((s) => s.respondent)).toEqual(['Respondent 6', 'Respondent 6', 'Respondent 6']);
  });

  it('merges consecutive cues of one speaker into a turn with the times of its first and last cue', async () => {
    const doc = await load('teams.vtt');
    const turns = segmentDocument(doc);
    checkInvariants(doc, turns);
    expect(turns.map((s) => [s.speaker, s.respondent, s.startMs, s.endMs, s.text])).toEqual([
      ['Interviewer', null, 1000, 4500, 'Hoe kijkt u naar de samenwerking?'],
      ['Respondent 3', 'Respondent 3', 5000, 12250, 'Positief. Er is veel & goed contact. Maar het kan sneller.'],
      ['Interviewer', null, 13000, 15000, 'Waarom?'],
    ]);
    const sentences = segmentDocument(doc, { unit: 'sentence' });
    checkInvariants(doc, sentences);
    expect(sentences.filter((s) => s.speaker === 'Respondent 3').map((s) => [s.text, s.startMs])).toEqual([
      ['Positief.', 5000],
      ['Er is veel & goed contact.', 5000],
      ['Maar het kan sneller.', 9000],
    ]);
  });

  it('keeps every row of a survey as one segment with the row id, whatever the unit', async () => {
    const doc = await load('survey.csv');
    for (const unit of ['turn', 'paragraph', 'sentence'] as SegmentUnit[]) {
      const segs = segmentDocument(doc, { unit, documentId: 'survey' });
      checkInvariants(doc, segs);
      expect(segs.map((s) => [s.id, s.respondent, s.text])).toEqual([
        ['q1', 'Respondent 6', 'Goed; de lijnen zijn kort.'],
        ['q2', null, 'Een antwoord\nover twee regels.'],
        ['q4', 'Respondent 8', 'Prima'],
      ]);
    }
  });

  it('segments documents into paragraphs by default, and turns fall back to paragraphs when nobody speaks', async () => {
    const doc = await load('notes.md');
    expect(defaultUnit(doc)).toBe('paragraph');
    const paras = segmentDocument(doc);
    checkInvariants(doc, paras);
    expect(paras.map((s) => s.text)).toEqual([
      'Veldnotities',
      'Dag 1',
      'Eerste alinea over het\nbezoek aan het bedrijventerrein.',
      'Conclusie: de ondernemers zijn betrokken.',
      'Dag 2',
      'Tweede dag, korte notitie.',
    ]);
    expect(segmentDocument(doc, { unit: 'turn' }).map((s) => s.text)).toEqual(paras.map((s) => s.text));
    expect(paras.every((s) => s.speaker === null && s.respondent === null)).toBe(true);
  });

  it('gives PDF segments their page, also for a paragraph that runs over a page break', async () => {
    const doc = await extractFile(
      makePdf([{ lines: ['Eerste alinea.', '', 'Een alinea die doorloopt op'] }, { lines: ['de volgende pagina. Met een tweede zin.'] }]),
      'p.pdf',
    );
    const paras = segmentDocument(doc);
    checkInvariants(doc, paras);
    expect(paras.map((s) => [s.page, s.text])).toEqual([
      [1, 'Eerste alinea.'],
      [1, 'Een alinea die doorloopt op de volgende pagina. Met een tweede zin.'],
    ]);
    const sentences = segmentDocument(doc, { unit: 'sentence' });
    expect(sentences.map((s) => [s.page, s.text])).toEqual([
      [1, 'Eerste alinea.'],
      [1, 'Een alinea die doorloopt op de volgende pagina.'],
      [2, 'Met een tweede zin.'],
    ]);
  });

  it('splits paragraphs inside a turn, each with the turn speaker', async () => {
    const doc = await extractFile(new TextEncoder().encode('Interviewer: Vraag?\n\nR2: Eerste deel.\n\nTweede deel van hetzelfde antwoord.\n'), 'x.txt');
    const turns = segmentDocument(doc, { unit: 'turn' });
    expect(turns.map((s) => s.text)).toEqual(['Vraag?', 'Eerste deel.\n\nTweede deel van hetzelfde antwoord.']);
    const paras = segmentDocument(doc, { unit: 'paragraph' });
    expect(paras.map((s) => [s.respondent, s.text])).toEqual([
      [null, 'Vraag?'],
      ['Respondent 2', 'Eerste deel.'],
      ['Respondent 2', 'Tweede deel van hetzelfde antwoord.'],
    ]);
  });
});
