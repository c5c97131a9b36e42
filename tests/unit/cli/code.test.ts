import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/shared.js';
import { runCli } from './cli-capture.js';

const codebook = path.join(projectRoot, 'tests/fixtures/codebook/small-en.yaml');
const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-code-'));
const notes = path.join(dir, 'notes.txt');
writeFileSync(notes, 'I rely on the police here.\n\nThe weather was fine.\n\nOur community officer knows =SUM(A1) everyone.\n');

describe('qualtag code', () => {
  it('prints one JSON object per segment with ranked proposals and evidence', async () => {
    const r = await runCli('code', notes, '--codebook', codebook);
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { id: string; text: string; document: string; proposals: Array<{ code: string; evidence: Array<{ start: number; end: number }> }> },
      );
    expect(lines).toHaveLength(3);
    expect(lines[0]!.document).toBe('notes.txt');
    expect(lines[0]!.proposals.map((p) => p.code)).toEqual(['trust/police']);
    const ev = lines[0]!.proposals[0]!.evidence.map((e) => lines[0]!.text.slice(e.start, e.end));
    expect(ev).toEqual(expect.arrayContaining(['rely', 'police']));
    expect(lines[1]!.proposals).toEqual([]);
  });

  it('writes CSV with formulas neutralised, and a table', async () => {
    const csv = await runCli('code', notes, '--codebook', codebook, '--format', 'csv');
    expect(csv.out.split('\n')[0]).toBe('document,segment,start,end,speaker,respondent,rank,code,score,evidence,text');
    expect(csv.out).toContain('trust/police');
    expect(csv.out).not.toMatch(/,=SUM/);
    const table = await runCli('code', notes, '--codebook', codebook, '--format', 'table', '--top', '1');
    expect(table.out).toContain('(no proposals)');
  });

  it('warns on stderr about codes whose ids were derived from their names, and still codes', async () => {
    const r = await runCli('code', notes, '--codebook', codebook);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^qualtag: warning: small-en\.yaml: 1 code has no id; .*categories\[1\]\.codes\[0\]\.id → "safety\/feeling-unsafe"/);
  });

  it('reports a bad file and carries on with the others', async () => {
    const r = await runCli('code', path.join(dir, 'missing.txt'), notes, '--codebook', codebook);
    expect(r.code).toBe(1);
    expect(r.err).toContain('missing.txt');
    expect(r.out.trim().split('\n')).toHaveLength(3);
  });

  it('refuses a bad codebook with the path of the entry', async () => {
    const r = await runCli('code', notes, '--codebook', path.join(projectRoot, 'tests/fixtures/codebook/bad-rule.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('categories[1].codes[0].rules[1]');
  });

  it('warns on stderr when a file reads as another language than the codebook, and still codes it', async () => {
    const dutchNotes = path.join(dir, 'notities.txt');
    writeFileSync(
      dutchNotes,
      'Ik vertrouw de politie hier niet zo, maar de wijkagent kent de mensen wel en dat is heel fijn.\n\nWe hebben het er met de buren vaak over gehad, want het is een probleem in de wijk.\n\nDaarom denk ik dat de gemeente er ook iets aan moet doen, want zo kan het niet langer.\n',
    );
    const mismatch = await runCli('code', dutchNotes, '--codebook', codebook);
    expect(mismatch.code).toBe(0);
    expect(mismatch.err).toMatch(/qualtag: warning: notities\.txt: the codebook's language is English \(en\) but the texts read as Dutch/);
    expect(mismatch.out.trim().split('\n')).toHaveLength(3);
    const english = await runCli('code', notes, '--codebook', codebook);
    expect(english.err).not.toMatch(/read as/);
  });
});
