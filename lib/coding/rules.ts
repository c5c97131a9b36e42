// Rules on codings that review, re-anchoring, import, export and reports all apply: which codings are a
// person's, which are detached, where a passage went in changed text, and one coding's audit history.
// No value imports: the web UI reads RETAG_REOPEN_MIN_CONFIDENCE from here.
import type { Coding, CodingSnapshot, Span } from './model.js';

/**
 * Minimum confidence (0..1) of a new proposal on a fully decided document (lib/pipeline/reopen.ts): more
 * likely right than wrong, so reopening the document is worth the reviewer's time.
 */
export const RETAG_REOPEN_MIN_CONFIDENCE = 0.5;

/** Codings the tagger does not own: decided proposals and codes a human added. */
export function isHumanCoding(c: Pick<Coding, 'status' | 'origin'>): boolean {
  return c.status !== 'proposed' || c.origin === 'human';
}

export const isDetached = (c: Pick<Coding, 'anchor'>): boolean => c.anchor?.state === 'detached';

/** Where an old passage (of `oldText`) is in `newText`: the occurrence nearest its old start, or null. */
export function relocateRange(oldText: string, newText: string, start: number, end: number): Span | null {
  if (oldText === newText) return { start, end };
  const piece = oldText.slice(start, end);
  if (piece.trim() === '') return null;
  let best: number | null = null;
  for (let i = newText.indexOf(piece); i !== -1; i = newText.indexOf(piece, i + 1)) {
    if (best === null || Math.abs(i - start) < Math.abs(best - start)) best = i;
  }
  return best === null ? null : { start: best, end: best + piece.length };
}

/** What following a coding through its audit trail needs of an event. */
export type HistoryEvent = { segmentIndex: number; code: string; action: string; fromSegmentIndex?: number };

/**
 * The events of one coding (oldest first), following it back through re-anchoring moves: events before a
 * move are keyed by the position it left. Events of another coding that sat on a position before or after
 * ours are not picked up.
 */
export function codingHistory<E extends HistoryEvent>(events: readonly E[], ref: { segmentIndex: number; code: string }): E[] {
  const out: E[] = [];
  let at = ref.segmentIndex;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.code !== ref.code || e.segmentIndex !== at) continue;
    out.push(e);
    // move, detach, place and the undo of a place name the position the coding came from.
    if (e.fromSegmentIndex !== undefined) at = e.fromSegmentIndex;
  }
  return out.reverse();
}

/**
 * The undo stack of a coding whose segment text changed (re-upload move): spans in the snapshots are
 * offsets into the old text, so each is moved to where its text is in the new one, or dropped (the undo
 * then restores the whole segment, as the move itself does with a lost span). Place entries restore a
 * whole stored coding and are left as they are.
 */
export function undoStackOnNewText(stack: readonly CodingSnapshot[], oldText: string, newText: string): CodingSnapshot[] {
  if (oldText === newText) return [...stack];
  return stack.map((s) => {
    if (!s?.span || s.placedFrom) return s;
    const { span, ...rest } = s;
    const moved = relocateRange(oldText, newText, span.start, span.end);
    return moved ? { ...rest, span: moved } : rest;
  });
}
