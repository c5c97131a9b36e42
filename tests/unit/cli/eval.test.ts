import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, parseGold } from '../../../lib/tag/eval.js';
import type { Proposal } from '../../../lib/model.js';
import { projectRoot } from '../../helpers/shared.js';
import { runCli } from './cli-capture.js';

const p = (...codes: string[]): Proposal[] => codes.map((code, i) => ({ code, score: 10 - i, evidence: [] }));

describe('evaluate', () => {
  const gold = parseGold(
    [
      { id: 1, text: 'a', code: 'x' },
      { id: 2, text: 'b', code: 'y', also: ['z'] },
      { id: 3, text: 'c', code: 'x' },
      { id: 4, text: 'd', code: 'y' },
    ]
      .map((g) => JSON.stringify(g))
      .join('\n'),
    'gold.jsonl',
  );
  const answers: Record<string, Proposal[]> = { a: p('x', 'y'), b: p('q', 'z'), c: p('y', 'q', 'r', 'x'), d: [] };
  const r = evaluate(gold, (t) => answers[t]!, 3);

  it('computes hit@1, hit@k (with also), coverage and mean proposals over the top k', () => {
    expect(r.hitAt1).toBe(0.25);
    expect(r.hitAtK).toBe(0.5);
    expect(r.coverage).toBe(0.75);
    expect(r.meanProposals).toBe(1.75);
    expect(r.misses.map((m) => m.id)).toEqual(['3', '4']);
  });

  it('computes per-code precision and recall', () => {
    const x = r.perCode.find((s) => s.code === 'x')!;
    expect(x).toMatchObject({ gold: 2, proposed: 1, correct: 1, precision: 1, recall: 0.5 });
    expect(r.perCode.find((s) => s.code === 'q')).toMatchObject({ proposed: 2, correct: 0, precision: 0, recall: null });
  });

  it('refuses a gold line without a code, naming the line', () => {
    expect(() => parseGold('{"id":1,"text":"a","code":"x"}\n{"id":2,"text":"b"}', 'g.jsonl')).toThrow(/g\.jsonl: line 2/);
  });
});

describe('qualtag eval', () => {
  it('prints the measures, as text or JSON', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-eval-'));
    const gold = path.join(dir, 'gold.jsonl');
    writeFileSync(
      gold,
      [
        JSON.stringify({ id: 'a', text: 'I rely on the police.', code: 'trust/police' }),
        JSON.stringify({ id: 'b', text: 'My neighbours are kind.', code: 'trust/neighbours' }),
        JSON.stringify({ id: 'c', text: 'Nothing to see.', code: 'safety/feeling-unsafe' }),
      ].join('\n'),
    );
    const codebook = path.join(projectRoot, 'tests/fixtures/codebook/small-en.yaml');
    const text = await runCli('eval', '--codebook', codebook, '--gold', gold);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/hit@1\s+0\.667/);
    const json = await runCli('eval', '--codebook', codebook, '--gold', gold, '--json', '--k', '1', '--baseline');
    const parsed = JSON.parse(json.out) as { hitAtK: number; k: number; coverage: number; baseline: { items: number } };
    expect(parsed).toMatchObject({ k: 1, hitAtK: 0.667, coverage: 0.667 });
    expect(parsed.baseline.items).toBe(3);
  });

  it('measures answers in transcripts with and without the question as context', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-eval-tr-'));
    // Answers that name nothing of their code: only the question before them says what they are about.
    writeFileSync(path.join(dir, 'r1.txt'), 'Interviewer: Do you feel safe walking home at night?\n\nRespondent 1: Not really, no.\n');
    writeFileSync(
      path.join(dir, 'r2.txt'),
      'Interviewer: Do you feel safe walking home at night?\n\nRespondent 2: Yes, mostly.\n\nInterviewer: Thanks.\n\nRespondent 2: And one more thing.\n',
    );
    writeFileSync(
      path.join(dir, 'index.jsonl'),
      [
        JSON.stringify({ file: 'r1.txt', answers: [{ code: 'safety/feeling-unsafe' }] }),
        JSON.stringify({ file: 'r2.txt', answers: [{ code: 'safety/feeling-unsafe' }, { code: 'trust/neighbours' }] }),
        JSON.stringify({ file: 'missing.txt', answers: [{ code: 'trust/police' }] }),
      ].join('\n'),
    );
    const codebook = path.join(projectRoot, 'tests/fixtures/codebook/small-en.yaml');
    const json = await runCli('eval', '--codebook', codebook, '--transcripts', path.join(dir, 'index.jsonl'), '--json');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out) as {
      answers: number;
      skipped: Array<{ file: string }>;
      withContext: { hitAt1: number };
      withoutContext: { hitAt1: number };
    };
    expect(r.answers).toBe(3);
    expect(r.skipped.map((s) => s.file)).toEqual(['missing.txt']);
    expect(r.withoutContext.hitAt1).toBe(0);
    expect(r.withContext.hitAt1).toBe(0.667);
    expect(json.err).toMatch(/skipped missing\.txt/);
    const text = await runCli('eval', '--codebook', codebook, '--transcripts', path.join(dir, 'index.jsonl'), '--no-context');
    expect(text.out).toMatch(/without context/);
    expect(text.out).not.toMatch(/with context/i);
    const neither = await runCli('eval', '--codebook', codebook);
    expect(neither.code).not.toBe(0);
    expect(neither.err).toMatch(/either --gold or --transcripts/);
  });
});
