import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { excerptAround, reviewedPassages, withAddedTerms } from '../../../lib/api/rule-suggestions.js';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { QualtagError } from '../../../lib/errors.js';
import type { Coding } from '../../../lib/coding/index.js';
import { compileTagger } from '../../../lib/tag/index.js';
import { projectRoot } from '../../helpers/shared.js';

const cb = parseCodebook(readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8'), 'codebook.yaml');
const codes = cb.categories.flatMap((c) => c.codes);
const withOwn = codes.find((c) => c.rules.length)!;
const without = codes.find((c) => !c.rules.length)!;
const inForce = compileTagger(cb).rulesByCode;

describe('withAddedTerms', () => {
  it("appends terms to a code's own rules, and to its suggested rules when it has none", () => {
    const out = withAddedTerms(
      cb,
      [
        { code: withOwn.id, rule: 'wijkagent' },
        { code: without.id, rule: '"korte lijnen"' },
        { code: without.id, rule: '"korte lijnen"' },
      ],
      inForce,
    );
    const next = parseCodebook(out.yaml, 'codebook.yaml');
    const byId = new Map(next.categories.flatMap((c) => c.codes).map((c) => [c.id, c]));
    expect(byId.get(withOwn.id)!.rules).toEqual([...withOwn.rules, 'wijkagent']);
    expect(inForce.get(without.id)!.length).toBeGreaterThan(0);
    expect(byId.get(without.id)!.rules).toEqual([...inForce.get(without.id)!, '"korte lijnen"']);
    expect(out.added).toEqual([
      { code: withOwn.id, rules: ['wijkagent'] },
      { code: without.id, rules: ['"korte lijnen"'] },
    ]);
    expect(out.unchanged).toEqual([{ code: without.id, rule: '"korte lijnen"' }]);
    // Codes that got nothing are as they were.
    for (const c of codes) if (c.id !== withOwn.id && c.id !== without.id) expect(byId.get(c.id)).toEqual(c);
  });

  it('refuses a term that does not parse, naming it and its place', () => {
    let err: unknown;
    try {
      withAddedTerms(
        cb,
        [
          { code: withOwn.id, rule: 'ok' },
          { code: withOwn.id, rule: 'a AND' },
        ],
        inForce,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QualtagError);
    expect((err as QualtagError).kind).toBe('BAD_RULE');
    expect((err as QualtagError).message).toContain('"a AND"');
    expect((err as QualtagError).where).toBe('body.terms[1].rule');
  });
});

describe('reviewedPassages', () => {
  const base = {
    projectId: 'p',
    documentId: 'd',
    segmentId: 'd:t1',
    segmentStart: 0,
    segmentEnd: 5,
    segmentText: 'tekst',
    categoryId: 'c',
    respondent: null,
    origin: 'rule' as const,
    score: 1,
    evidence: [],
    codebookVersion: 'v',
    version: 2,
    createdAt: '',
  };
  it('groups decided codings per segment and leaves out undecided and detached ones', () => {
    const codings: Coding[] = [
      { ...base, segmentIndex: 0, code: 'a', status: 'accepted' },
      { ...base, segmentIndex: 0, code: 'b', status: 'rejected' },
      { ...base, segmentIndex: 0, code: 'c', status: 'proposed' },
      { ...base, segmentIndex: 1, code: 'c', status: 'proposed' },
      { ...base, segmentIndex: 9, code: 'a', status: 'accepted', anchor: { state: 'detached', fromIndex: 2, fromText: 'x', sourceVersion: 'v0', at: '' } },
      { ...base, segmentIndex: 2, code: 'a', status: 'accepted', anchor: { state: 'moved', fromIndex: 1, fromText: 'x', sourceVersion: 'v0', at: '' } },
    ];
    const { examples, passages } = reviewedPassages(codings);
    expect(examples).toEqual([
      { id: 'd~0', text: 'tekst', accepted: ['a'], rejected: ['b'] },
      { id: 'd~2', text: 'tekst', accepted: ['a'], rejected: [] },
    ]);
    expect(passages.get('d~2')).toEqual({ documentId: 'd', segmentId: 'd:t1', segmentIndex: 2, text: 'tekst' });
  });
});

describe('excerptAround', () => {
  it('keeps a short passage whole and cuts a long one around the match at spaces', () => {
    expect(excerptAround('kort', { start: 0, end: 4 })).toEqual({ excerpt: 'kort', match: { start: 0, end: 4 }, clippedStart: false, clippedEnd: false });
    const words = Array.from({ length: 120 }, (_, i) => `woord${i}`);
    const text = words.join(' ');
    const start = text.indexOf('woord60 ');
    const e = excerptAround(text, { start, end: start + 'woord60'.length });
    expect(e.excerpt.length).toBeLessThanOrEqual(200);
    expect(e.excerpt.slice(e.match!.start, e.match!.end)).toBe('woord60');
    expect(e.clippedStart && e.clippedEnd).toBe(true);
    expect(text.includes(e.excerpt)).toBe(true);
    expect(e.excerpt.split(' ').every((w) => words.includes(w))).toBe(true);
  });
});
