import { describe, expect, it } from 'vitest';
import { detectFormat, extractFile } from '../../../lib/extract/index.js';
import type { ExtractedDocument } from '../../../lib/model.js';
import { makeDocx } from '../../fixtures/extract/make-docx.js';
import { fixture, utf8 } from './fixtures.js';

const blockTexts = (d: ExtractedDocument) => d.blocks.map((b) => d.text.slice(b.start, b.end));

describe('detectFormat', () => {
  it('uses the extension, and the content for captions saved as .txt', () => {
    expect(detectFormat('a.PDF', utf8('%PDF-1.7\n'))).toBe('pdf');
    expect(detectFormat('x.otter.txt', utf8('hallo'))).toBe('otter');
    expect(detectFormat('x.txt', fixture('teams.vtt'))).toBe('vtt');
    expect(detectFormat('x.txt', fixture('interview.srt'))).toBe('srt');
    expect(detectFormat('x.txt', fixture('interview.otter.txt'))).toBe('otter');
    expect(detectFormat('x.txt', fixture('interview.txt'))).toBe('txt');
    expect(detectFormat('notes.markdown', utf8('# a'))).toBe('md');
    expect(detectFormat('rows.ndjson', utf8('{}'))).toBe('jsonl');
  });

  it('trusts the content of a PDF or Word file whatever its name', () => {
    expect(detectFormat('upload', utf8('%PDF-1.4\n'))).toBe('pdf');
    expect(detectFormat('verslag.docx', makeDocx(['a']))).toBe('docx');
  });

  it('names what it cannot read', () => {
    expect(() => detectFormat('photo.png', utf8('x'))).toThrowError(/\.png files are not supported/);
    expect(() => detectFormat('oud.doc', utf8('x'))).toThrowError(/old Word/);
    expect(() => detectFormat('cijfers.xlsx', makeDocx(['a']).slice(0, 4))).toThrowError(/spreadsheets/);
    expect(() => detectFormat('README', utf8('gewoon tekst'))).toThrowError(/no extension/);
  });
});

describe('plain text and Markdown', () => {
  it('splits paragraphs on blank lines and starts a block at every speaker label, after the label', async () => {
    const d = await extractFile(fixture('interview.txt'), 'interview.txt');
    expect(d.kind).toBe('transcript');
    expect(d.blocks.map((b) => b.speaker)).toEqual([undefined, 'Interviewer', 'R6', 'Interviewer', 'Resp. 6', 'Interviewer']);
    const texts = blockTexts(d);
    expect(texts[2]).toBe('Over het algemeen goed. We spreken elkaar\nwekelijks en de lijnen zijn kort.\nSoms gaat het mis, maar dat lossen we samen op.');
    // "Interviewer:" alone on its line: the turn is the next line.
    expect(texts[5]).toBe('Dank u wel.');
  });

  it('recognises bracketed and timestamped names and ignores [inaudible]', async () => {
    const d = await extractFile(fixture('labels.txt'), 'labels.txt');
    expect(d.kind).toBe('transcript');
    expect(d.blocks.map((b) => [b.speaker, b.startMs])).toEqual([
      ['Jan de Vries', undefined],
      ['I', undefined],
      ['Jan de Vries', undefined],
      ['Ingrid Bakker', 62_000],
      ['Ingrid Bakker', 70_000],
    ]);
    expect(blockTexts(d)[4]).toBe('De politie zit hier om de hoek.\n[inaudible] en verder niets.');
  });

  it('treats prose with a one-off "Word:" as a document, and Markdown headings as their own paragraphs without #', async () => {
    const d = await extractFile(fixture('notes.md'), 'notes.md');
    expect(d.kind).toBe('document');
    expect(d.format).toBe('md');
    expect(blockTexts(d)).toEqual([
      'Veldnotities',
      'Dag 1',
      'Eerste alinea over het\nbezoek aan het bedrijventerrein.',
      'Conclusie: de ondernemers zijn betrokken.',
      'Dag 2',
      'Tweede dag, korte notitie.',
    ]);
    expect(d.blocks.every((b) => b.speaker === undefined)).toBe(true);
  });
});

describe('captions', () => {
  it('reads Teams voice tags, entities and inner tags; a speaker run is one paragraph', async () => {
    const d = await extractFile(fixture('teams.vtt'), 'teams.vtt');
    expect(d.kind).toBe('transcript');
    expect(d.text).toBe(
      'Interviewer: Hoe kijkt u naar de samenwerking?\n\nRespondent 3: Positief. Er is veel & goed contact. Maar het kan sneller.\n\nInterviewer: Waarom?',
    );
    expect(d.blocks.map((b) => [b.speaker, b.startMs, b.endMs])).toEqual([
      ['Interviewer', 1000, 4500],
      ['Respondent 3', 5000, 9000],
      ['Respondent 3', 9000, 12250],
      ['Interviewer', 13000, 15000],
    ]);
    expect(blockTexts(d)[1]).toBe('Positief. Er is veel & goed contact.');
  });

  it('reads Zoom "Name: text" cues; a cue without a name continues the speaker', async () => {
    const d = await extractFile(fixture('zoom.vtt'), 'zoom.vtt');
    expect(d.blocks.map((b) => b.speaker)).toEqual(['Jan de Vries', 'Ingrid Bakker', 'Ingrid Bakker', 'Jan de Vries']);
    expect(blockTexts(d)).toEqual(['Goedemorgen allemaal.', 'Goedemorgen Jan.', 'Hoe gaat het met het project?', 'Goed, dank je.']);
    expect(d.blocks[3]!.startMs).toBe(62_000);
  });

  it('reads SRT with CRLF line ends and multi-line cues', async () => {
    const d = await extractFile(fixture('interview.srt'), 'interview.srt');
    expect(d.format).toBe('srt');
    expect(d.blocks.map((b) => [b.speaker, b.startMs, b.endMs])).toEqual([
      ['Interviewer', 0, 4000],
      ['R1', 5000, 9000],
      ['R1', 9500, 12000],
    ]);
    expect(blockTexts(d)[1]).toBe('Ik ben wijkagent in Zoetermeer.');
  });

  it('reads Otter speaker blocks, ends a block where the next starts, drops the Otter footer', async () => {
    const d = await extractFile(fixture('interview.otter.txt'), 'interview.otter.txt');
    expect(d.blocks.map((b) => [b.speaker, b.startMs, b.endMs])).toEqual([
      ['Speaker 1', 3000, 10_000],
      ['Els Jansen', 10_000, 3_723_000],
      ['Speaker 1', 3_723_000, undefined],
    ]);
    expect(blockTexts(d)[1]).toBe('Ik ben Els, ik werk bij de gemeente.');
    expect(d.text).not.toMatch(/otter\.ai/);
  });
});

describe('survey tables', () => {
  it('reads a semicolon CSV (Dutch Excel) with a quoted multi-line text; empty answers are skipped', async () => {
    const d = await extractFile(fixture('survey.csv'), 'survey.csv');
    expect(d.kind).toBe('table');
    expect(d.blocks.map((b) => [b.rowId, b.respondent])).toEqual([
      ['q1', 'R6'],
      ['q2', undefined],
      ['q4', 'Respondent 8'],
    ]);
    expect(blockTexts(d)).toEqual(['Goed; de lijnen zijn kort.', 'Een antwoord\nover twee regels.', 'Prima']);
  });

  it('reads JSONL with numeric ids and null respondents', async () => {
    const d = await extractFile(fixture('survey.jsonl'), 'survey.jsonl');
    expect(d.blocks.map((b) => [b.rowId, b.respondent])).toEqual([
      ['a1', 'R6'],
      ['2', undefined],
      ['a3', undefined],
    ]);
    expect(blockTexts(d)[2]).toBe('Spaties worden getrimd.');
  });
});

describe('Word', () => {
  it('reads paragraphs; with empty paragraphs as separators, consecutive ones are lines of one paragraph', async () => {
    const spaced = await extractFile(makeDocx(['Titel regel één', 'regel twee', '', 'Interviewer: Vraag?', '', 'R2: Antwoord.']), 'a.docx');
    expect(spaced.kind).toBe('transcript');
    expect(blockTexts(spaced)).toEqual(['Titel regel één\nregel twee', 'Vraag?', 'Antwoord.']);
    const plain = await extractFile(makeDocx(['Eerste alinea.', 'Tweede alinea.']), 'b.docx');
    expect(blockTexts(plain)).toEqual(['Eerste alinea.', 'Tweede alinea.']);
  });
});
