// Re-anchoring of human decisions after a document's segments changed (a corrected file re-uploaded
// under the same name). Ingest replaces segments by position, so a passage inserted near the top shifts
// every later passage; a coding keyed by position would silently sit on other text. Every coding keeps a
// snapshot of the passage it was decided on (segmentText, offsets, index); this module finds that
// passage again among the new segments and plans the moves. Plain logic, no storage.
//
// Matching, per coding (deterministic; codings in (segmentIndex, code) order):
//  1. Exact: a new segment with the same text after whitespace normalisation. Several: the one nearest
//     the expected position (old index + the shift measured at the nearest passage found exactly once).
//  2. Fuzzy: else the most similar segment within FUZZY_WINDOW of the expected position, by word-token
//     Jaccard similarity, if at least FUZZY_THRESHOLD (ties: nearest, then lowest index).
//  3. Else detached: kept (never deleted) at a slot past every real segment, flagged with its old text.
// Exact matches claim first; no two codings of one code land on the same new segment (the later one is
// detached, never merged). A span or segment evidence is carried over when its text is found again in
// the new segment (nearest to where it was); a span not found is dropped and recorded as lost.
import type { Evidence, Segment } from '../model.js';
import { isDetached, isHumanCoding, onSegment, relocateRange, type Coding, type CodingAnchor } from '../coding/index.js';
import { QualtagError } from '../errors.js';

/** Minimum word-token Jaccard similarity for a changed passage to count as the same passage. */
export const FUZZY_THRESHOLD = 0.6;
/** How many segments either side of the expected position a changed passage is looked for. */
export const FUZZY_WINDOW = 25;
/** Detached codings live at segment positions from here on (past any real document; keys stay sortable). */
export const DETACHED_BASE = 900_000;

export const normalizeText = (t: string): string => t.normalize('NFC').replace(/\s+/g, ' ').trim();

function tokens(t: string): Set<string> {
  return new Set(
    t
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [],
  );
}

/** Word-token Jaccard similarity (0..1) of two texts; two texts without words are equal when their text is. */
export function similarity(a: string, b: string): number {
  return jaccard(tokens(a), tokens(b), normalizeText(a) === normalizeText(b));
}

function jaccard(a: Set<string>, b: Set<string>, sameText: boolean): number {
  if (a.size === 0 && b.size === 0) return sameText ? 1 : 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export type Placement = { kind: 'found'; segment: Segment; similarity: number } | { kind: 'detached' };

/** What matching needs of a coding: its code and the snapshot of the passage it was decided on. */
export type Anchored = Pick<Coding, 'segmentIndex' | 'segmentText' | 'code'>;

/** Finds each coding's passage among the new segments (see the header); result i belongs to codings[i]. */
export function placeCodings(codings: readonly Anchored[], segments: readonly Segment[]): Placement[] {
  const byText = new Map<string, number[]>();
  segments.forEach((s, i) => {
    const k = normalizeText(s.text);
    (byText.get(k) ?? byText.set(k, []).get(k)!).push(i);
  });
  const norm = codings.map((c) => normalizeText(c.segmentText));

  // The shift at passages found exactly once tells where the others should be.
  const shifts = codings
    .flatMap((c, i) => {
      const at = byText.get(norm[i]!);
      return at && at.length === 1 ? [{ old: c.segmentIndex, shift: segments[at[0]!]!.index - c.segmentIndex }] : [];
    })
    .sort((a, b) => a.old - b.old || a.shift - b.shift);
  const expected = (old: number): number => {
    let best: { old: number; shift: number } | undefined;
    for (const s of shifts) if (!best || Math.abs(s.old - old) < Math.abs(best.old - old)) best = s;
    return old + (best?.shift ?? 0);
  };

  const order = codings
    .map((_, i) => i)
    .sort((a, b) => codings[a]!.segmentIndex - codings[b]!.segmentIndex || cmp(codings[a]!.code, codings[b]!.code) || a - b);
  const claimed = new Set<string>();
  const claim = (pos: number, code: string): boolean => {
    const k = `${pos}\u0000${code}`;
    if (claimed.has(k)) return false;
    claimed.add(k);
    return true;
  };
  const out: Placement[] = codings.map(() => ({ kind: 'detached' }));
  const fuzzy: number[] = [];

  for (const i of order) {
    const c = codings[i]!;
    const at = byText.get(norm[i]!);
    if (!at) {
      fuzzy.push(i);
      continue;
    }
    const want = expected(c.segmentIndex);
    const ranked = [...at].sort((a, b) => Math.abs(segments[a]!.index - want) - Math.abs(segments[b]!.index - want) || a - b);
    const pos = ranked.find((p) => claim(p, c.code));
    // Every copy of the text already carries this code: a duplicate decision, detached rather than merged.
    if (pos !== undefined) out[i] = { kind: 'found', segment: segments[pos]!, similarity: 1 };
  }

  const segTokens = new Map<number, Set<string>>();
  const tokensAt = (p: number): Set<string> => segTokens.get(p) ?? segTokens.set(p, tokens(segments[p]!.text)).get(p)!;
  const posOfIndex = new Map(segments.map((s, p) => [s.index, p]));
  for (const i of fuzzy) {
    const c = codings[i]!;
    const want = expected(c.segmentIndex);
    const mine = tokens(c.segmentText);
    let best: { pos: number; sim: number } | undefined;
    for (let idx = want - FUZZY_WINDOW; idx <= want + FUZZY_WINDOW; idx++) {
      const p = posOfIndex.get(idx);
      if (p === undefined || claimed.has(`${p}\u0000${c.code}`)) continue;
      const sim = jaccard(mine, tokensAt(p), false);
      if (sim < FUZZY_THRESHOLD) continue;
      const better = !best || sim > best.sim || (sim === best.sim && Math.abs(idx - want) < Math.abs(segments[best.pos]!.index - want));
      if (better) best = { pos: p, sim };
    }
    if (best && claim(best.pos, c.code)) out[i] = { kind: 'found', segment: segments[best.pos]!, similarity: round(best.sim) };
  }
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round = (x: number): number => Math.round(x * 1000) / 1000;

// ------------------------------------------------------------------------------------------ the plan

/** One coding's way to its new place: `from` as read, `to` as it will be stored (version + 1). */
export interface AnchorChange {
  /**
   * refresh: same position and text, only offsets / raw whitespace / speaker changed (no audit event);
   * move: another position or changed text; detach: its passage is no longer in the file.
   */
  kind: 'refresh' | 'move' | 'detach';
  from: Coding;
  to: Coding;
  /** Version of an undecided rule proposal at the target that the move replaces (the tagger re-proposes). */
  replacesVersion?: number;
  /** Human-readable line for the audit trail (absent for a refresh). */
  note?: string;
}

export interface ReanchorInput {
  /** Every coding of the document as stored now. */
  codings: readonly Coding[];
  /** The document's current segments. */
  segments: readonly Segment[];
  /** The document version whose segments these are (named in the audit note). */
  sourceVersion: string;
  now: string;
}

function sameSegment(c: Coding, s: Segment): boolean {
  return (
    c.segmentIndex === s.index &&
    c.segmentId === s.id &&
    c.segmentStart === s.start &&
    c.segmentEnd === s.end &&
    c.segmentText === s.text &&
    (c.respondent ?? null) === s.respondent &&
    (c.speaker === undefined || c.speaker === s.speaker) &&
    (c.page === undefined || c.page === s.page)
  );
}

function carryEvidence(evidence: readonly Evidence[], oldText: string, newText: string): Evidence[] {
  return evidence.flatMap((e) => {
    // Span-less evidence (the question, an example, an old classifier note) moves with the coding as is.
    if (e.source === 'context' || e.source === 'classifier' || e.source === 'example') return [e];
    const r = relocateRange(oldText, newText, e.start, e.end);
    return r ? [{ ...e, start: r.start, end: r.end }] : [];
  });
}

/** Where each human coding must go now; codings already in place give no change (idempotent). */
export function planReanchor(input: ReanchorInput): AnchorChange[] {
  const movable = input.codings.filter((c) => isHumanCoding(c) && !isDetached(c));
  const placements = placeCodings(movable, input.segments);
  const occupied = new Map(input.codings.map((c) => [`${c.segmentIndex}\u0000${c.code}`, c]));
  const changes: AnchorChange[] = [];
  const sources = new Set(movable.map((c) => `${c.segmentIndex}\u0000${c.code}`));

  movable.forEach((c, i) => {
    const p = placements[i]!;
    const version = c.version + 1;
    if (p.kind === 'detached') {
      const slot = freeDetachedIndex(c, occupied);
      const anchor: CodingAnchor = { state: 'detached', fromIndex: c.segmentIndex, fromText: c.segmentText, sourceVersion: input.sourceVersion, at: input.now };
      const to: Coding = { ...c, segmentIndex: slot, version, anchor };
      occupied.set(`${slot}\u0000${c.code}`, to);
      changes.push({
        kind: 'detach',
        from: c,
        to,
        note: `detached: its passage (segment ${c.segmentIndex + 1}) is no longer in the file after re-upload of version ${input.sourceVersion}`,
      });
      return;
    }
    const s = p.segment;
    if (sameSegment(c, s)) return;
    const textChanged = normalizeText(c.segmentText) !== normalizeText(s.text);
    const moved = s.index !== c.segmentIndex || textChanged;
    const to: Coding = {
      ...c,
      ...onSegment(s),
      evidence: carryEvidence(c.evidence ?? [], c.segmentText, s.text),
      version,
    };
    delete to.span;
    let lost = '';
    if (c.span) {
      const span = relocateRange(c.segmentText, s.text, c.span.start, c.span.end);
      if (span) to.span = span;
      else lost = c.segmentText.slice(c.span.start, c.span.end);
    }
    if (moved || lost) {
      to.anchor = {
        state: 'moved',
        fromIndex: c.segmentIndex,
        fromText: c.segmentText,
        sourceVersion: input.sourceVersion,
        at: input.now,
        ...(p.similarity < 1 ? { similarity: p.similarity } : {}),
        ...(lost ? { lostSpan: { ...c.span!, text: lost } } : {}),
      };
    }
    const targetKey = `${s.index}\u0000${c.code}`;
    const there = s.index !== c.segmentIndex ? occupied.get(targetKey) : undefined;
    // Only an undecided rule proposal (or a coding moving away itself) can be at the target: human ones claimed it.
    const replacesVersion = there && !sources.has(targetKey) ? there.version : undefined;
    const where = s.index === c.segmentIndex ? `stays on segment ${s.index + 1}` : `moved from segment ${c.segmentIndex + 1} to ${s.index + 1}`;
    const why = [textChanged ? `its text changed (similarity ${p.similarity})` : '', lost ? `the coded part "${clip(lost)}" was not found again` : '']
      .filter(Boolean)
      .join('; ');
    changes.push({
      kind: moved || lost ? 'move' : 'refresh',
      from: c,
      to,
      ...(replacesVersion !== undefined ? { replacesVersion } : {}),
      ...(moved || lost ? { note: `${where} after re-upload of version ${input.sourceVersion}${why ? `; ${why}` : ''}` } : {}),
    });
  });
  return changes;
}

const clip = (t: string): string => (t.length > 60 ? `${t.slice(0, 57)}...` : t);

function freeDetachedIndex(c: Coding, occupied: ReadonlyMap<string, Coding>): number {
  for (let i = DETACHED_BASE + Math.min(c.segmentIndex, 99_999); i <= 999_999; i++) {
    if (!occupied.has(`${i}\u0000${c.code}`)) return i;
  }
  throw new QualtagError(
    'CONFLICT',
    `no room left to keep detached codings of ${c.code}`,
    'Drop detached codings of this code you no longer need',
    c.documentId,
  );
}

// ------------------------------------------------------------------------------------ write ordering

const keyOf = (c: Pick<Coding, 'segmentIndex' | 'code'>): string => `${c.segmentIndex}\u0000${c.code}`;

/**
 * Groups the changes into transactions of at most `perTx` changes (the store's movesPerTransaction) that
 * can be written one after another. A move must wait for the coding that sits on its target to move away
 * first; chains (every passage shifted by an insertion) are written from their free end, and cycles
 * (passages swapped) go in one transaction.
 */
export function orderChanges(changes: readonly AnchorChange[], movesPerTransaction: number): AnchorChange[][] {
  const perTx = Math.max(1, movesPerTransaction);
  const bySource = new Map(changes.map((c) => [keyOf(c.from), c]));
  // A change depends on the change that moves the coding off its target (if any, and not itself).
  const dep = (c: AnchorChange): AnchorChange | undefined => {
    const d = bySource.get(keyOf(c.to));
    return d && d !== c ? d : undefined;
  };
  const done = new Set<AnchorChange>();
  const units: AnchorChange[][] = [];
  const visit = (start: AnchorChange): void => {
    // Walk to the free end of the chain, or around a cycle.
    const path: AnchorChange[] = [];
    const onPath = new Set<AnchorChange>();
    let c: AnchorChange | undefined = start;
    while (c && !done.has(c) && !onPath.has(c)) {
      path.push(c);
      onPath.add(c);
      c = dep(c);
    }
    let cycle: AnchorChange[] = [];
    if (c && onPath.has(c)) cycle = path.slice(path.indexOf(c));
    const rest = cycle.length ? path.slice(0, path.indexOf(c!)) : path;
    if (cycle.length) {
      if (cycle.length > perTx) {
        throw new QualtagError(
          'CONFLICT',
          `${cycle.length} codings swap places in one cycle, more than one transaction holds`,
          'Re-upload the file in smaller edits',
          cycle[0]!.from.documentId,
        );
      }
      units.push(cycle);
      for (const x of cycle) done.add(x);
    }
    for (let i = rest.length - 1; i >= 0; i--) {
      units.push([rest[i]!]);
      done.add(rest[i]!);
    }
  };
  for (const c of changes) if (!done.has(c)) visit(c);

  const batches: AnchorChange[][] = [];
  let cur: AnchorChange[] = [];
  for (const u of units) {
    if (cur.length + u.length > perTx && cur.length) {
      batches.push(cur);
      cur = [];
    }
    cur.push(...u);
  }
  if (cur.length) batches.push(cur);
  return batches;
}
