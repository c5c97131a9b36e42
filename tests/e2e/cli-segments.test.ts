// `qualtag segments` as a researcher runs it: node bin/qualtag.mjs in a child process.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { makeFlateBomb } from '../fixtures/extract/make-bomb.js';
import { makePdf } from '../fixtures/extract/make-pdf.js';
import { projectRoot } from '../helpers/shared.js';

const run = promisify(execFile);
const fixtures = path.join(projectRoot, 'tests/fixtures/extract');

async function qualtag(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return qualtagWith({}, ...args);
}

async function qualtagWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/qualtag.mjs', 'segments', ...args], { cwd: projectRoot, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const SegmentLine = z.object({
  document: z.string(),
  id: z.string(),
  index: z.number().int(),
  start: z.number().int(),
  end: z.number().int(),
  speaker: z.string().nullable(),
  respondent: z.string().nullable(),
  page: z.number().int().nullable(),
  text: z.string(),
  startMs: z.number().optional(),
  endMs: z.number().optional(),
});

const parseLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => SegmentLine.parse(JSON.parse(l)));

describe('qualtag segments', () => {
  it('prints one JSON object per segment, with the documented fields', async () => {
    const { code, stdout, stderr } = await qualtag(path.join(fixtures, 'interview.srt'), path.join(fixtures, 'survey.jsonl'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = parseLines(stdout);
    expect(lines.map((l) => [l.document, l.id, l.respondent])).toEqual([
      ['interview.srt', 'interview.srt:t0001', null],
      ['interview.srt', 'interview.srt:t0002', 'Respondent 1'],
      ['survey.jsonl', 'a1', 'Respondent 6'],
      ['survey.jsonl', '2', null],
      ['survey.jsonl', 'a3', null],
    ]);
    expect(lines[1]).toMatchObject({ index: 1, speaker: 'R1', text: 'Ik ben wijkagent in Zoetermeer. Sinds drie jaar.', startMs: 5000, endMs: 12000 });
  }, 60_000);

  it('reports a bad file on stderr, still prints the others, and exits 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-seg-'));
    writeFileSync(path.join(dir, 'scan.pdf'), makePdf(['image']));
    writeFileSync(path.join(dir, 'leeg.txt'), '');
    const { code, stdout, stderr } = await qualtag(
      path.join(dir, 'scan.pdf'),
      path.join(fixtures, 'teams.vtt'),
      path.join(dir, 'leeg.txt'),
      path.join(dir, 'missing.docx'),
    );
    expect(code).toBe(1);
    expect(parseLines(stdout).map((l) => l.document)).toEqual(['teams.vtt', 'teams.vtt', 'teams.vtt']);
    const errors = stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^qualtag: scan\.pdf: the PDF has no text layer.*OCR/);
    expect(errors[1]).toMatch(/^qualtag: leeg\.txt: the file is empty/);
    expect(errors[2]).toMatch(/^qualtag: .*missing\.docx: no such file/);
  }, 60_000);

  it('splits into sentences on request and prints a table', async () => {
    const { code, stdout } = await qualtag('--unit', 'sentence', '--format', 'table', path.join(fixtures, 'interview.txt'));
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^document\s+id\s+speaker\s+page\s+span\s+text$/);
    expect(rows.find((r) => r.includes('interview.txt:s0008'))).toMatch(/Resp\. 6\s+277-328\s+Prof\. dr\. Jansen zei o\.a\. dat vertrouwen tijd kost\.$/);
    expect(rows).toHaveLength(11);
  }, 60_000);

  it('reads a Windows-1252 transcript with its euro signs, curly quotes and dashes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-seg-'));
    // cp1252 bytes: € 0x80, “ 0x93, ” 0x94, – 0x96, é 0xe9
    const cp1252 = Buffer.from('Interviewer: Wat kost het? \x93Caf\xe9\x94 \x96 vraag.\nRespondent: \x8010 per maand.\n', 'latin1');
    writeFileSync(path.join(dir, 'oud.txt'), cp1252);
    const { code, stdout, stderr } = await qualtag(path.join(dir, 'oud.txt'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(parseLines(stdout).map((l) => [l.speaker, l.text])).toEqual([
      ['Interviewer', 'Wat kost het? “Café” – vraag.'],
      ['Respondent', '€10 per maand.'],
    ]);
  }, 60_000);

  it('stops a flate bomb with TOO_LARGE and still prints the other files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-seg-'));
    writeFileSync(path.join(dir, 'bomb.pdf'), makeFlateBomb()); // 3 MB that inflate to 1 GiB
    const started = Date.now();
    const { code, stdout, stderr } = await qualtag(path.join(dir, 'bomb.pdf'), path.join(fixtures, 'interview.srt'));
    expect(Date.now() - started).toBeLessThan(30_000); // the default wall-time limit; it used to run for minutes
    expect(code).toBe(1);
    expect(stderr).toMatch(/^qualtag: bomb\.pdf: the PDF's compressed content expands to more than 256 MB .*qualtag stops there\. /);
    expect(parseLines(stdout).map((l) => l.document)).toEqual(['interview.srt', 'interview.srt']);
  }, 60_000);

  it('reads a PDF that pdftotext cannot read with pdf.js (in its worker) instead', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-seg-'));
    const pdf = path.join(dir, 'kort.pdf');
    writeFileSync(pdf, makePdf([{ lines: ['Interviewer: Hoe gaat het?', 'Respondent 1: Goed, dank u.'] }]));
    // A pdftotext that fails as poppler does on a file it may not copy text from (exit code 3).
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'pdftotext'), '#!/bin/sh\necho "Permission Error: Copying of text from this document is not allowed." >&2\nexit 3\n', {
      mode: 0o755,
    });
    const { code, stdout, stderr } = await qualtagWith({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` }, pdf);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(parseLines(stdout).map((l) => [l.speaker, l.text])).toEqual([
      ['Interviewer', 'Hoe gaat het?'],
      ['Respondent 1', 'Goed, dank u.'],
    ]);
  }, 60_000);

  it('rejects an unknown unit', async () => {
    const { code, stderr } = await qualtag('--unit', 'word', path.join(fixtures, 'interview.txt'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/Allowed choices are turn, paragraph, sentence/);
  }, 60_000);
});
