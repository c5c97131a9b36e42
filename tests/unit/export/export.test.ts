import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { CodedSegment } from '../../../lib/api/contract.js';
import { codeGuid } from '../../../lib/codebook/index.js';
import { csvField, escapeCell } from '../../../lib/export/escape.js';
import { CodePointIndex, sliceCodePoints } from '../../../lib/export/offsets.js';
import { buildQdpx, documentGuid, type QdpxInput } from '../../../lib/export/qdpx.js';
import { codedSegmentsCsv, codedSegmentsXlsx } from '../../../lib/export/table.js';
import type { Codebook } from '../../../lib/model.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';

describe('code point offsets', () => {
  it('counts an astral character as one position', () => {
    const text = 'a😀b€c𝄞d';
    const cp = new CodePointIndex(text);
    expect([0, 1, 3, 4, 5, 6, 8, 9].map((i) => cp.toCodePoint(i))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(cp.toCodePoint(2)).toBe(1); // inside the pair: snaps to its start
    expect(sliceCodePoints(text, cp.toCodePoint(3), cp.toCodePoint(6))).toBe(text.slice(3, 6));
    expect(() => cp.toCodePoint(10)).toThrow(RangeError);
  });
});

describe('formula injection', () => {
  it('prefixes cells that start with = + - @ tab or CR, and quotes CSV fields', () => {
    for (const s of ['=1+1', '+31 6', '-2', '@SUM(A1)', '\t=x', '\r=x']) expect(escapeCell(s)).toBe(`'${s}`);
    expect(escapeCell('a=1')).toBe('a=1');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('één, twee')).toBe('"één, twee"');
    // Dutch Excel splits at ';': what follows one is escaped too, and the field is quoted.
    expect(csvField('ja;=1+1')).toBe(`"ja;'=1+1"`);
    expect(csvField('ja; -2; @x;+y')).toBe(`"ja; '-2; '@x;'+y"`);
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField(-1)).toBe('-1');
  });
});

const codebook: Codebook = {
  id: 'cb',
  language: 'nl',
  version: 'v1',
  title: 'Test',
  categories: [
    {
      id: 'voorwaarden',
      name: 'Voorwaarden & <context>',
      codes: [
        {
          id: 'voorwaarden/vertrouwen',
          name: 'Vertrouwen',
          categoryId: 'voorwaarden',
          indicators: ['wederzijds'],
          questions: [],
          aliases: [],
          rules: ['vertrouw*'],
          exclude: [],
          examples: [],
        },
        { id: 'voorwaarden/tijd', name: 'Tijd', categoryId: 'voorwaarden', indicators: [], questions: [], aliases: [], rules: [], exclude: [], examples: [] },
      ],
    },
  ],
};
const text1 = 'Interviewer: Hoe gaat het?\nR1: Het vertrouwen 😀 is gegroeid, ideeën over tijd.\n';
const text2 = 'R2: =cmd|calc "tijd" <b>geen</b> vertrouwen\n';
const segStart = text1.indexOf('R1:');
const span = (t: string, s: string) => ({ start: t.indexOf(s), end: t.indexOf(s) + s.length });
const input: QdpxInput = {
  projectName: 'Zoetermeer & co',
  codebook,
  now: '2026-01-02T03:04:05.000Z',
  user: 'local',
  documents: [
    { id: 'd1', name: 'interview-1.txt', text: text1, createdAt: '2026-01-01T00:00:00.000Z', respondents: ['R1'] },
    { id: 'd2', name: 'interview <2>.txt', text: text2, createdAt: 'not a date', respondents: ['R2'] },
  ],
  codings: [
    { id: 'd1~1~v', documentId: 'd1', code: 'voorwaarden/vertrouwen', start: segStart, end: text1.length - 1, user: 'ann', at: '2026-01-01T10:00:00.000Z' },
    { id: 'd1~1~t', documentId: 'd1', code: 'voorwaarden/tijd', start: segStart, end: text1.length - 1, user: 'bob', at: '2026-01-01T11:00:00.000Z' },
    { id: 'd1~1~t2', documentId: 'd1', code: 'oud/code', ...span(text1, 'ideeën over tijd'), user: null, at: '2026-01-01T11:00:00.000Z' },
    { id: 'd2~0~v', documentId: 'd2', code: 'voorwaarden/vertrouwen', ...span(text2, 'vertrouwen'), user: 'ann', at: '2026-01-01T12:00:00.000Z' },
  ],
};

function unpack(bytes: Uint8Array) {
  const files = unzipSync(bytes);
  return { qde: strFromU8(files['project.qde']!), files };
}

describe('REFI-QDA .qdpx', () => {
  it('holds project.qde and one UTF-8 source per document, with code-point positions that select the coded text', () => {
    const { qde, files } = unpack(buildQdpx(input));
    expect(Object.keys(files).sort()).toEqual(['project.qde', `sources/${documentGuid('d1')}.txt`, `sources/${documentGuid('d2')}.txt`].sort());
    expect(strFromU8(files[`sources/${documentGuid('d1')}.txt`]!)).toBe(text1);
    const sels = [...qde.matchAll(/<PlainTextSelection [^>]*startPosition="(\d+)" endPosition="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(sels).toHaveLength(3); // two codings share the whole-turn selection
    const expected = [text1.slice(segStart, text1.length - 1), 'ideeën over tijd', 'vertrouwen'];
    const texts = [text1, text1, text2];
    sels.forEach(([s, e], i) => {
      expect(sliceCodePoints(texts[i]!, s!, e!)).toBe(expected[i]);
    });
    // the emoji precedes "ideeën", so its code-point start is one less than its UTF-16 start
    expect(sels[1]![0]).toBe(span(text1, 'ideeën over tijd').start - 1);
    expect(qde).toContain(`<CodeRef targetGUID="${codeGuid('oud/code')}"/>`);
    expect(qde).toContain(`<Code guid="${codeGuid('oud/code')}" name="oud/code" isCodable="true"/>`);
    expect(qde).toContain('name="interview &lt;2&gt;.txt"');
  });

  it('is deterministic', () => {
    expect(unpack(buildQdpx(input)).qde).toBe(unpack(buildQdpx(input)).qde);
  });

  it('refuses a coding outside its document', () => {
    expect(() => buildQdpx({ ...input, codings: [{ ...input.codings[0]!, end: text1.length + 5 }] })).toThrow(/outside document/);
  });
});

describeShared('REFI-QDA schema', () => {
  it('project.qde validates against Project.xsd with xmllint', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qdpx-'));
    const file = path.join(dir, 'project.qde');
    writeFileSync(file, unpack(buildQdpx(input)).qde);
    const out = execFileSync('xmllint', ['--noout', '--schema', sharedPath('refi-qda/Project.xsd'), file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
    // a project without codings or a codebook is still valid
    writeFileSync(file, unpack(buildQdpx({ ...input, codebook: null, codings: [] })).qde);
    execFileSync('xmllint', ['--noout', '--schema', sharedPath('refi-qda/Project.xsd'), file], { stdio: 'pipe' });
  });
});

const row = (text: string, code = 'voorwaarden/vertrouwen'): CodedSegment => ({
  coding: {
    id: 'x',
    projectId: 'p',
    documentId: 'd2',
    segmentId: 's0',
    code,
    categoryId: 'voorwaarden',
    origin: 'rule',
    status: 'accepted',
    score: 0.5,
    evidence: [{ start: 0, end: 3, rule: '=vertrouw*' }],
    span: null,
    codebookVersion: 'v1',
    version: 2,
    decidedBy: '@ann',
    decidedAt: '2026-01-01T00:00:00Z',
    createdAt: '2026-01-01T00:00:00Z',
  },
  document: { id: 'd2', name: '+interview.txt' },
  segment: { id: 's0', documentId: 'd2', index: 0, start: 0, end: text.length, text, speaker: '-R2', respondent: 'R2', page: null },
  text,
  start: 0,
  end: text.length,
});
const names = (code: string) => ({ name: code === 'voorwaarden/vertrouwen' ? 'Vertrouwen' : code, category: 'Voorwaarden' });

describe('CSV and XLSX of coded segments', () => {
  const rows = [row("=cmd|' /C calc'!A0"), row('gewoon, "tekst"\nmet ëen regel')];

  it('CSV escapes formula cells and keeps text intact', () => {
    const csv = codedSegmentsCsv(rows, names);
    expect(csv.startsWith('\uFEFFdocument,document_id,')).toBe(true);
    expect(csv).toContain(`'=cmd|' /C calc'!A0`);
    expect(csv).toContain(`'+interview.txt`);
    expect(csv).toContain(`'-R2`);
    expect(csv).toContain(`'@ann`);
    expect(csv).toContain('"gewoon, ""tekst""\nmet ëen regel"');
    // no field of any line starts with a formula character
    for (const line of csv.split('\r\n').slice(1)) for (const f of line.split(',')) expect(f).not.toMatch(/^"?[=+\-@]/);
  });

  it('CSV stays inert when Excel splits at semicolons (Dutch list separator)', () => {
    const csv = codedSegmentsCsv([row('ja;=HYPERLINK("http://x");  +31;@SUM(A1)')], names);
    // Read naively at ';' as a spreadsheet with that separator would, quotes or not: no piece is a formula.
    for (const line of csv.split('\r\n').slice(1)) for (const piece of line.split(';')) expect(piece.trimStart()).not.toMatch(/^"?[=+\-@]/);
  });

  it('quotes evidence spans with their rule, and gives span-less classifier evidence its note only', () => {
    const r = row('vertrouwen en samenwerking');
    r.coding.evidence = [
      { start: 0, end: 10, rule: 'vertrouw*' },
      { start: 0, end: 0, rule: 'classifier: 0.41 (from 57 reviewed passages)', source: 'classifier' },
    ];
    const csv = codedSegmentsCsv([r], names);
    expect(csv).toContain('vertrouwen [vertrouw*]; [classifier: 0.41 (from 57 reviewed passages)]');
  });

  it('lists learned words once and quotes the nearest example; the confidence has its own column', () => {
    const text = 'vertrouwen, vertrouwen en de wijkagent';
    const r = row(text);
    r.coding.confidence = 0.82;
    r.coding.evidence = [
      { start: 29, end: 38, rule: 'wijkagent' },
      { start: 29, end: 38, rule: 'wijkagent' },
      { start: 0, end: 10, rule: 'learned: vertrouw', source: 'learned' },
      { start: 12, end: 22, rule: 'learned: vertrouw', source: 'learned' },
      { start: 0, end: 0, rule: 'example: =Ik "vertrouw" de politie', source: 'example' },
    ];
    const [header, line] = codedSegmentsCsv([r], names).replace('\uFEFF', '').split('\r\n');
    const cols = header!.split(',');
    expect(cols.slice(cols.indexOf('score'), cols.indexOf('score') + 2)).toEqual(['score', 'confidence']);
    expect(line).toContain(',0.82,');
    expect(line).toContain('"wijkagent [wijkagent]; learned words: vertrouwen; like example: ""=Ik ""vertrouw"" de politie"""');
  });

  it('XLSX stores formula-like cells as plain text (no visible quote), never formulas', async () => {
    const bytes = await codedSegmentsXlsx(rows, names);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Coded segments')!;
    expect(ws.getRow(1).getCell(1).value).toBe('document');
    const r2 = ws.getRow(2);
    const byHeader = (h: string) => r2.getCell((ws.getRow(1).values as string[]).indexOf(h)).value;
    // Stored as typed text: no visible leading quote, and never a formula.
    expect(byHeader('text')).toBe(`=cmd|' /C calc'!A0`);
    expect(byHeader('document')).toBe('+interview.txt');
    expect(byHeader('score')).toBe(0.5);
    ws.eachRow((r) => r.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
    // a readable sheet: bold header row that stays in view, wide text column
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getColumn((ws.getRow(1).values as string[]).indexOf('text')).width).toBe(80);
  });
});
