import { describe, expect, it } from 'vitest';
import { isInterviewer, normaliseRespondent, parseSpeakerLabel } from '../../../lib/segment/index.js';

describe('parseSpeakerLabel', () => {
  it.each([
    ['Interviewer: Hoe gaat het?', 'Interviewer', 'strong', 'Interviewer: '],
    ['I: Hoe gaat het?', 'I', 'strong', 'I: '],
    ['R: Goed.', 'R', 'strong', 'R: '],
    ['R1: Goed.', 'R1', 'strong', 'R1: '],
    ['Respondent 6: Goed.', 'Respondent 6', 'strong', 'Respondent 6: '],
    ['Resp. 6: Goed.', 'Resp. 6', 'strong', 'Resp. 6: '],
    ['[Jan de Vries] Goed.', 'Jan de Vries', 'strong', '[Jan de Vries] '],
    ['Jan de Vries (00:01:02): Goed.', 'Jan de Vries', 'strong', 'Jan de Vries (00:01:02): '],
    ['Els Jansen: Goed.', 'Els Jansen', 'weak', 'Els Jansen: '],
    ['  Interviewer:', 'Interviewer', 'strong', '  Interviewer:'],
  ])('%s', (line, speaker, strength, label) => {
    expect(parseSpeakerLabel(line)).toMatchObject({ speaker, strength, length: label.length });
  });

  it('gives the time of a timestamped label', () => {
    expect(parseSpeakerLabel('Jan (1:02:03): ja')?.startMs).toBe(3_723_000);
  });

  it.each([
    'Dan denkt van ja: Wordt dat niet ingezet?',
    '[inaudible] zei hij',
    '[00:01:02] tijdcode',
    'Om 10:30 begonnen we.',
    'zie https://example.nl: daar',
    'Interview respondent 1 — Zoetermeer',
    'Begeleider/eerste lezer:',
    '',
  ])('is not a label: %s', (line) => {
    expect(parseSpeakerLabel(line)).toBeNull();
  });
});

describe('normaliseRespondent', () => {
  it.each([
    ['R6:', 'Respondent 6'],
    ['R6', 'Respondent 6'],
    ['Resp. 6:', 'Respondent 6'],
    ['Respondent 6:', 'Respondent 6'],
    ['respondent  06', 'Respondent 6'],
    ['R', 'Respondent'],
    ['[Jan de Vries]', 'Jan de Vries'],
    ['Speaker 2', 'Speaker 2'],
    ['Interviewer', null],
    ['I', null],
    ['[Interviewer]', null],
    [null, null],
  ])('%s → %s', (label, want) => {
    expect(normaliseRespondent(label)).toBe(want);
  });

  it('knows the interviewer labels', () => {
    expect(['Interviewer', 'I', 'Int.', 'Interviewster', 'Onderzoeker'].every(isInterviewer)).toBe(true);
    expect(['R1', 'Jan', 'Speaker 1'].some(isInterviewer)).toBe(false);
  });
});
