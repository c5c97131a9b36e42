import { describe, expect, it } from 'vitest';
import type { Segment } from '../../../lib/model.js';
import { DETACHED_BASE, FUZZY_THRESHOLD, orderChanges, placeCodings, planReanchor, similarity, type AnchorChange } from '../../../lib/pipeline/reanchor.js';
import type { Coding } from '../../../lib/coding/index.js';

/** Segments laid out as a document would be: each text after the previous one and a blank line. */
function segmentsOf(texts: readonly string[]): Segment[] {
  let at = 0;
  return texts.map((text, index) => {
    const s: Segment = {
      id: `d:t${String(index + 1).padStart(4, '0')}`,
      index,
      start: at,
      end: at + text.length,
      text,
      speaker: 'R1',
      respondent: 'Respondent 1',
      page: null,
    };
    at += text.length + 2;
    return s;
  });
}

/** A coding as the store holds it: a snapshot of the segment it was decided on. */
function codingOn(s: Segment, code: string, over: Partial<Coding> = {}): Coding {
  return {
    projectId: 'p',
    documentId: 'd',
    segmentIndex: s.index,
    segmentId: s.id,
    segmentStart: s.start,
    segmentEnd: s.end,
    segmentText: s.text,
    code,
    categoryId: 'c',
    respondent: s.respondent,
    speaker: s.speaker,
    page: s.page,
    origin: 'rule',
    status: 'accepted',
    score: 2,
    evidence: [],
    codebookVersion: 'v1',
    version: 2,
    createdAt: 't0',
    decidedBy: 'ann',
    decidedAt: 't1',
    ...over,
  };
}

const v1 = [
  'R1: Ik werk hier nu zes jaar als beleidsmedewerker bij de gemeente.',
  'R1: De werkdruk is de laatste tijd erg hoog, we draaien veel overuren.',
  'R1: Ja, dat klopt.',
  'R1: Met de politie werken we goed samen, er is veel vertrouwen.',
  'R1: Informatie-uitwisseling met de zorgpartners loopt nog stroef.',
  'R1: Ja, dat klopt.',
  'R1: Ik hoop dat de financiering volgend jaar structureel wordt.',
];

const plan = (codings: Coding[], segments: Segment[]): AnchorChange[] => planReanchor({ codings, segments, sourceVersion: 'v2', now: 't9' });

/** Applies batches the way the store's transactions do, failing where a real write would be refused. */
function applyBatches(stored: Coding[], batches: AnchorChange[][]): Coding[] {
  const key = (c: Pick<Coding, 'segmentIndex' | 'code'>): string => `${c.segmentIndex}|${c.code}`;
  const state = new Map(stored.map((c) => [key(c), c]));
  for (const batch of batches) {
    const leaving = new Set(batch.map((c) => key(c.from)));
    for (const c of batch) {
      expect(state.get(key(c.from))?.version, `coding ${key(c.from)} as planned`).toBe(c.from.version);
      const there = state.get(key(c.to));
      if (there && !leaving.has(key(c.to))) expect(c.replacesVersion, `target ${key(c.to)} is taken`).toBe(there.version);
    }
    for (const c of batch) state.delete(key(c.from));
    for (const c of batch) state.set(key(c.to), c.to);
  }
  return [...state.values()];
}

describe('similarity', () => {
  it('scores a typo fix high and an unrelated passage low', () => {
    expect(similarity('De werkdruk is erg hoog, we draaien veel overuren.', 'De werkdruk is erg hoog, we draaien veel overuren!')).toBe(1);
    expect(similarity('De werkdurk is erg hoog, we draaien veel overuren.', 'De werkdruk is erg hoog, we draaien veel overuren.')).toBeGreaterThanOrEqual(
      FUZZY_THRESHOLD,
    );
    expect(similarity('De werkdruk is erg hoog.', 'Met de politie werken we goed samen.')).toBeLessThan(FUZZY_THRESHOLD);
  });
});

describe('planReanchor', () => {
  const old = segmentsOf(v1);
  const decisions = [
    codingOn(old[1]!, 'werkdruk'),
    codingOn(old[3]!, 'vertrouwen', { status: 'rejected' }),
    codingOn(old[4]!, 'eigen/stroef', { origin: 'human', score: 0, span: { start: 4, end: 28 } }),
    codingOn(old[6]!, 'financiering', { evidence: [{ start: v1[6]!.indexOf('financiering'), end: v1[6]!.indexOf('financiering') + 12, rule: 'financier*' }] }),
  ];
  const undecided = codingOn(old[0]!, 'werk', { status: 'proposed', decidedBy: undefined, decidedAt: undefined });

  it('plans nothing for an identical re-upload (and ignores undecided rule proposals)', () => {
    expect(plan([...decisions, undecided], segmentsOf(v1))).toEqual([]);
  });

  it('moves every decision with its passage when passages are inserted at the top, keeping its decision', () => {
    const now = segmentsOf(['I: Welkom, fijn dat u er bent.', 'R1: Graag gedaan.', ...v1]);
    const changes = plan([...decisions, undecided], now);
    expect(changes.map((c) => [c.kind, c.from.segmentIndex, c.to.segmentIndex])).toEqual([
      ['move', 1, 3],
      ['move', 3, 5],
      ['move', 4, 6],
      ['move', 6, 8],
    ]);
    for (const c of changes) {
      const target = now[c.to.segmentIndex]!;
      expect(c.to).toMatchObject({ segmentText: c.from.segmentText, segmentId: target.id, segmentStart: target.start, segmentEnd: target.end });
      expect(c.to).toMatchObject({ status: c.from.status, origin: c.from.origin, decidedBy: 'ann', decidedAt: 't1', version: c.from.version + 1 });
      expect(c.to.anchor).toEqual({ state: 'moved', fromIndex: c.from.segmentIndex, fromText: c.from.segmentText, sourceVersion: 'v2', at: 't9' });
      expect(c.note).toBe(`moved from segment ${c.from.segmentIndex + 1} to ${c.to.segmentIndex + 1} after re-upload of version v2`);
    }
    // Same text: span and evidence offsets are relative to the segment and stay.
    expect(changes[2]!.to.span).toEqual({ start: 4, end: 28 });
    expect(changes[3]!.to.evidence).toEqual(decisions[3]!.evidence);
  });

  it('only refreshes offsets (no audit note, no badge) when an earlier passage got longer', () => {
    const now = segmentsOf([v1[0]!.replace('zes', 'ruim zes'), ...v1.slice(1)]);
    const changes = plan(decisions, now);
    expect(changes.map((c) => c.kind)).toEqual(['refresh', 'refresh', 'refresh', 'refresh']);
    expect(changes.every((c) => c.note === undefined && c.to.anchor === undefined && c.to.segmentStart === c.from.segmentStart + 5)).toBe(true);
  });

  it('follows a typo fix by similarity, relocating evidence inside the changed text', () => {
    const fixed = v1.map((t) => t.replace('volgend jaar', 'het volgende jaar').replace('zes jaar', 'zes jaren'));
    const changes = plan(decisions, segmentsOf(fixed));
    // The fix in segment 1 shifts the offsets of the later ones (refresh); segment 7's text changed (move).
    expect(changes.map((x) => x.kind)).toEqual(['refresh', 'refresh', 'refresh', 'move']);
    const c = changes[3];
    expect(c!.kind).toBe('move');
    expect(c!.to.segmentIndex).toBe(6);
    expect(c!.to.segmentText).toBe(fixed[6]);
    expect(c!.to.anchor?.similarity).toBeGreaterThanOrEqual(FUZZY_THRESHOLD);
    expect(c!.to.anchor?.similarity).toBeLessThan(1);
    const ev = c!.to.evidence[0]!;
    expect(fixed[6]!.slice(ev.start, ev.end)).toBe('financiering');
    expect(c!.note).toMatch(/^stays on segment 7 after re-upload of version v2; its text changed \(similarity 0\.\d+\)$/);
  });

  it('carries span-less evidence (the question, the nearest example) as it is when the text changed', () => {
    const question = { start: 0, end: 8, rule: 'question: Hoe gaat het?', source: 'context' as const };
    const example = { start: 0, end: 0, rule: 'example: Er is geld tekort.', source: 'example' as const };
    const withNotes = decisions.map((d, i) => (i === 3 ? { ...d, evidence: [...d.evidence, question, example] } : d));
    const fixed = v1.map((t) => t.replace('volgend jaar', 'het volgende jaar').replace('zes jaar', 'zes jaren'));
    const c = plan(withNotes, segmentsOf(fixed)).find((x) => x.kind === 'move')!;
    expect(c.to.evidence).toContainEqual(question);
    expect(c.to.evidence).toContainEqual(example);
  });

  it('detaches a decision whose passage was deleted: kept with its old text, past every segment', () => {
    const now = segmentsOf(v1.filter((_, i) => i !== 3));
    const changes = plan(decisions, now);
    const detached = changes.filter((c) => c.kind === 'detach');
    expect(detached).toHaveLength(1);
    expect(detached[0]!.to).toMatchObject({
      code: 'vertrouwen',
      status: 'rejected',
      decidedBy: 'ann',
      segmentIndex: DETACHED_BASE + 3,
      segmentText: v1[3],
      version: 3,
      anchor: { state: 'detached', fromIndex: 3, fromText: v1[3], sourceVersion: 'v2', at: 't9' },
    });
    expect(detached[0]!.note).toMatch(/^detached: its passage \(segment 4\) is no longer in the file/);
    // The later ones moved up by one.
    expect(changes.filter((c) => c.kind === 'move').map((c) => [c.from.segmentIndex, c.to.segmentIndex])).toEqual([
      [4, 3],
      [6, 5],
    ]);
    // Once applied, planning again changes nothing, and the detached coding is not moved again.
    expect(plan(applyBatches(decisions, orderChanges(changes, 33)), now)).toEqual([]);
  });

  it('takes a free detached slot when the same code was detached there before', () => {
    const now = segmentsOf(v1.filter((_, i) => i !== 3));
    const earlier = codingOn(old[3]!, 'vertrouwen', {
      segmentIndex: DETACHED_BASE + 3,
      anchor: { state: 'detached', fromIndex: 3, fromText: 'x', sourceVersion: 'v1', at: 't' },
    });
    const [c] = plan([earlier, codingOn(old[3]!, 'vertrouwen')], now);
    expect(c!.to.segmentIndex).toBe(DETACHED_BASE + 4);
  });

  it('keeps duplicate passages apart: nearest copy first, never two of one code on one segment', () => {
    const yes = [codingOn(old[2]!, 'instemming'), codingOn(old[5]!, 'instemming')];
    // Both copies still there after an insertion: each decision follows its own copy.
    const shifted = plan(yes, segmentsOf(['I: Nieuwe vraag.', ...v1]));
    expect(shifted.map((c) => [c.from.segmentIndex, c.to.segmentIndex])).toEqual([
      [2, 3],
      [5, 6],
    ]);
    // One copy removed: the first keeps the remaining copy, the later one is detached, not merged onto it.
    const oneLeft = plan(yes, segmentsOf(v1.filter((_, i) => i !== 2)));
    expect(oneLeft.map((c) => [c.kind, c.from.segmentIndex, c.to.segmentIndex])).toEqual([
      ['move', 2, 4],
      ['detach', 5, DETACHED_BASE + 5],
    ]);
    // Other codes on the same text are independent.
    expect(placeCodings([codingOn(old[2]!, 'a'), codingOn(old[2]!, 'b')], segmentsOf(v1)).map((p) => p.kind)).toEqual(['found', 'found']);
  });

  it('carries a span over when its text is found in the new segment, else marks it lost', () => {
    const span = decisions[2]!; // "Informatie-uitwisseling m" .. within segment 4
    const coded = span.segmentText.slice(span.span!.start, span.span!.end);
    const moved = v1.map((t, i) => (i === 4 ? t.replace('R1: ', 'R1: Eerlijk gezegd, ') : t));
    const [kept] = plan([span], segmentsOf(moved));
    expect(kept!.to.segmentText.slice(kept!.to.span!.start, kept!.to.span!.end)).toBe(coded);
    expect(kept!.to.anchor?.lostSpan).toBeUndefined();

    const rewritten = v1.map((t, i) => (i === 4 ? 'R1: De informatie uitwisseling met de zorgpartners loopt nog stroef.' : t));
    const [lost] = plan([span], segmentsOf(rewritten));
    expect(lost!.kind).toBe('move');
    expect(lost!.to.span).toBeUndefined();
    expect(lost!.to.anchor?.lostSpan).toEqual({ ...span.span, text: coded });
    expect(lost!.note).toContain(`the coded part "${coded}" was not found again`);
  });

  it('finds a changed passage far down after a long insertion (shift measured at unchanged passages)', () => {
    const intro = Array.from({ length: 40 }, (_, i) => `I: Inleidende vraag nummer ${i + 1} over het onderwerp.`);
    const fixed = v1.map((t) => t.replace('structureel', 'eindelijk structureel'));
    const changes = plan(decisions, segmentsOf([...intro, ...fixed]));
    expect(changes.map((c) => [c.kind, c.to.segmentIndex])).toEqual([
      ['move', 41],
      ['move', 43],
      ['move', 44],
      ['move', 46],
    ]);
  });
});

describe('orderChanges', () => {
  const old = segmentsOf(v1);

  it('writes a chain of one code from its free end, in transactions of bounded size', () => {
    const chain = [0, 1, 2, 3, 4, 5, 6].map((i) => codingOn(old[i]!, 'x'));
    const changes = plan(chain, segmentsOf(['I: Nieuw.', ...v1]));
    const batches = orderChanges(changes, 3);
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(batches.flat().map((c) => c.from.segmentIndex)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(
      applyBatches(chain, batches)
        .map((c) => c.segmentIndex)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('puts swapped passages (a cycle) in one transaction and replaces an undecided proposal at a target', () => {
    const a = codingOn(old[1]!, 'x');
    const b = codingOn(old[3]!, 'x');
    const stale = codingOn(old[1]!, 'y', { status: 'proposed', origin: 'rule', version: 5 });
    const human = codingOn(old[3]!, 'y', { origin: 'human' });
    const swapped = [v1[0]!, v1[3]!, v1[2]!, v1[1]!, v1[5]!, v1[4]!, v1[6]!];
    const changes = plan([a, b, stale, human], segmentsOf(swapped));
    expect(changes.find((c) => c.to.code === 'y')).toMatchObject({ kind: 'move', replacesVersion: 5 });
    const batches = orderChanges(changes, 33);
    const cycle = batches.find((batch) => batch.some((c) => c.from === a))!;
    expect(cycle.some((c) => c.from === b)).toBe(true);
    const after = applyBatches([a, b, stale, human], batches);
    expect(after.find((c) => c.code === 'x' && c.segmentIndex === 3)?.segmentText).toBe(v1[1]);
    expect(after.find((c) => c.code === 'x' && c.segmentIndex === 1)?.segmentText).toBe(v1[3]);
    expect(after.find((c) => c.code === 'y')).toMatchObject({ segmentIndex: 1, origin: 'human' });
  });
});
