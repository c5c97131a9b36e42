import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CodingView, DocumentDetail } from '../../../lib/api/contract.js';
import { reviewedFromDocuments } from '../../../lib/cli/commands/rules.js';
import { projectRoot } from '../../helpers/shared.js';
import { runCli } from './cli-capture.js';

const codebook = path.join(projectRoot, 'tests/fixtures/codebook/small-en.yaml');
const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-learn-'));

// Decisions written for this test: "patrol" marks the accepted police segments; "rain" is rejected for
// the neighbours code; the rest is reviewed text about other things.
const decisions = [
  { id: 'a', text: 'A patrol car came by twice.', code: 'trust/police', decision: 'accepted' },
  { id: 'b', text: 'The evening patrol knows us.', code: 'trust/police', decision: 'added' },
  { id: 'c', text: 'The police patrol helps, I rely on them.', code: 'trust/police' },
  { id: 'd', text: 'My neighbours water the plants.', code: 'trust/neighbours' },
  { id: 'e', text: 'Rain again and the neighbours complain.', code: 'trust/neighbours', decision: 'rejected' },
  ...[
    'The bus is late.',
    'Rents went up.',
    'The market is busy.',
    'A new cafe opened.',
    'The library closed.',
    'School starts at eight.',
    'Parking is hard.',
    'The park was full.',
  ].map((text, i) => ({ id: `o${i}`, text, code: 'safety/feeling-unsafe', decision: 'rejected' })),
];
const from = path.join(dir, 'decisions.jsonl');
writeFileSync(from, decisions.map((d) => JSON.stringify(d)).join('\n'));

describe('qualtag rules learn', () => {
  it('writes the learnt terms as codebook-shaped YAML with the figures as comments', async () => {
    const out = path.join(dir, 'learnt.yaml');
    const r = await runCli('rules', 'learn', '--codebook', codebook, '--from', from, '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote \d+ learnt rules for \d+ codes \(from 13 reviewed segments\)/);
    const yaml = readFileSync(out, 'utf8');
    const doc = parse(yaml) as { codebook: string; codes: Array<{ id: string; rules: string[] }> };
    expect(doc.codebook).toBe('small-en');
    const police = doc.codes.find((c) => c.id === 'trust/police')!;
    expect(police.rules).toContain('patrol');
    expect(yaml).toMatch(/- patrol # support 3, new 2, unproposed 2, other 0, precision 1\.00; e\.g\. a, b, c/);
    expect(yaml).toMatch(/# 3 accepted, 0 rejected; 2 not matched by the current rules/);
  });

  it('prints a table, and with --merge lists the current rules first', async () => {
    const table = await runCli('rules', 'learn', '--codebook', codebook, '--from', from, '--format', 'table');
    expect(table.out.split('\n')[0]).toMatch(/^code\s+rule\s+support\s+new\s+unproposed\s+other\s+precision\s+examples$/);
    expect(table.out).toMatch(/trust\/police\s+patrol\s+3\s+2\s+2\s+0\s+1\.00\s+a b c/);
    const merged = await runCli('rules', 'learn', '--codebook', codebook, '--from', from, '--merge');
    const doc = parse(merged.out) as { codes: Array<{ id: string; rules: string[] }> };
    expect(doc.codes.find((c) => c.id === 'trust/police')!.rules.slice(0, 3)).toEqual(['police AND (trust OR rely)', '"community officer"^2', 'patrol']);
  });

  it('refuses a bad decisions line, naming the file and line', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, [JSON.stringify(decisions[0]), '', JSON.stringify({ text: 'x', code: 'trust/police', decision: 'perhaps' })].join('\n'));
    const r = await runCli('rules', 'learn', '--codebook', codebook, '--from', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.jsonl: line 3: decision');
    const none = await runCli('rules', 'learn', '--codebook', codebook);
    expect(none.code).toBe(1);
    expect(none.err).toContain('give either --from <file> or --project <id>');
  });
});

describe('qualtag eval --learn-folds', () => {
  it('prints the cross-validated figures beside the plain ones, and as JSON', async () => {
    const gold = path.join(dir, 'gold.jsonl');
    writeFileSync(
      gold,
      decisions
        .filter((d) => d.decision !== 'rejected')
        .map((d) => JSON.stringify({ id: d.id, text: d.text, code: d.code }))
        .join('\n'),
    );
    const text = await runCli('eval', '--codebook', codebook, '--gold', gold, '--learn-folds', '2');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/2-fold cross-validated/);
    expect(text.out).toMatch(/\+ learnt rules\s+\d\.\d{3}/);
    const json = await runCli('eval', '--codebook', codebook, '--gold', gold, '--learn-folds', '2', '--json');
    const parsed = JSON.parse(json.out) as { hitAt1: number; learn: { folds: number; perFold: Array<{ items: number }>; learned: { items: number } } };
    expect(parsed.learn.folds).toBe(2);
    expect(parsed.learn.perFold.map((f) => f.items).reduce((a, b) => a + b, 0)).toBe(4);
    expect(parsed.learn.learned.items).toBe(4);
    const refused = await runCli('eval', '--codebook', codebook, '--transcripts', gold, '--learn-folds', '2');
    expect(refused.err).toContain('--learn-folds, --examples and --simulate-review work with --gold only');
  });
});

describe('reviewedFromDocuments', () => {
  const coding = (code: string, status: CodingView['status'], origin: CodingView['origin']): CodingView => ({
    id: `d1~0~${code}`,
    projectId: 'p',
    documentId: 'd1',
    segmentId: 's',
    code,
    categoryId: code.split('/')[0]!,
    origin,
    status,
    score: 1,
    evidence: [],
    span: null,
    codebookVersion: null,
    version: 1,
    decidedBy: null,
    decidedAt: null,
    createdAt: '2024-01-01T00:00:00Z',
  });
  const segment = (index: number, text: string, codings: CodingView[]): DocumentDetail['segments'][number] => ({
    id: `seg-${index}`,
    documentId: 'd1',
    index,
    start: 0,
    end: text.length,
    text,
    speaker: null,
    respondent: null,
    page: null,
    codings,
  });

  it('keeps segments with a decision: accepted and human-added codes as accepted, rejected ones as rejected', () => {
    const doc = {
      document: {
        id: 'd1',
        projectId: 'p',
        name: 'x.txt',
        format: 'txt',
        status: 'TAGGED',
        reason: null,
        respondent: null,
        pages: null,
        segmentCount: 3,
        codebookVersion: null,
        createdAt: '',
        updatedAt: '',
      },
      segments: [
        segment(0, 'only proposals', [coding('a/x', 'proposed', 'rule')]),
        segment(1, 'decided', [
          coding('a/x', 'accepted', 'rule'),
          coding('a/y', 'rejected', 'rule'),
          coding('a/z', 'accepted', 'human'),
          coding('a/w', 'proposed', 'rule'),
        ]),
      ],
    } satisfies DocumentDetail;
    expect(reviewedFromDocuments([doc])).toEqual([{ id: 'seg-1', text: 'decided', accepted: ['a/x', 'a/z'], rejected: ['a/y'] }]);
  });
});
