// The review view's state and its transitions, without DOM or I/O: the document's segments (the items),
// the current segment and active proposal, the detached coding being placed, the undo list and the next
// document to offer. The view calls these, then renders; unit tests call them on plain objects.
import type { CodingView, DocumentDetail, DocumentSummary } from '../api.js';
import type { UndoEntry, UndoItem } from './undo-trail.js';

export type Seg = DocumentDetail['segments'][number];

export interface ReviewState {
  readonly documentId: string;
  detail: DocumentDetail | null;
  /** Index of the current segment. */
  cur: number;
  /** The proposal the reviewer moved to with h / l; null: the current segment's first undecided one. */
  activeCodingId: string | null;
  /** Newest last; one entry per press of u. */
  undo: UndoEntry[];
  /** The detached coding being placed: the reader picks its segment (and optionally a span), then "Place here". */
  placing: CodingView | null;
  /** The project's documents with counts, for the document menu and the next document. */
  docs: DocumentSummary[];
  /** Offered once every proposal of this document is decided. */
  nextDoc: DocumentSummary | null;
  /** A decision is on its way: keys and buttons wait. */
  busy: boolean;
}

export function initialState(documentId: string): ReviewState {
  return { documentId, detail: null, cur: 0, activeCodingId: null, undo: [], placing: null, docs: [], nextDoc: null, busy: false };
}

/** The segment's codings in a stable order: undecided first (by score), then decided. */
export function ordered(codings: readonly CodingView[]): CodingView[] {
  const rank = { proposed: 0, accepted: 1, rejected: 2 } as const;
  return [...codings].sort((a, b) => rank[a.status] - rank[b.status] || b.score - a.score || a.code.localeCompare(b.code));
}

export function currentSegment(s: ReviewState): Seg | undefined {
  return s.detail?.segments[s.cur];
}

/** The proposal a / r act on: the one chosen with h / l, else the first undecided one of the current segment. */
export function activeCoding(s: ReviewState): CodingView | undefined {
  const seg = currentSegment(s);
  if (!seg) return undefined;
  return seg.codings.find((c) => c.id === s.activeCodingId) ?? ordered(seg.codings).find((c) => c.status === 'proposed');
}

/** The document as read at the start: the segment asked for in the URL, else the first with undecided proposals. */
export function opened(s: ReviewState, detail: DocumentDetail, docs: DocumentSummary[], wantedSegmentId: string | null): void {
  s.detail = detail;
  s.docs = docs;
  const at = wantedSegmentId ? detail.segments.findIndex((x) => x.id === wantedSegmentId) : -1;
  s.cur = at >= 0 ? at : Math.max(0, nextUndecided(s, 0));
}

/** The document read again (after a place, drop or its undo): the current segment stays, within bounds. */
export function reloaded(s: ReviewState, detail: DocumentDetail): void {
  s.detail = detail;
  s.cur = Math.min(s.cur, Math.max(0, detail.segments.length - 1));
}

/** Makes segment `index` current with no proposal chosen; false when there is no such segment. */
export function selectSegment(s: ReviewState, index: number): boolean {
  if (!s.detail || index < 0 || index >= s.detail.segments.length) return false;
  s.cur = index;
  s.activeCodingId = null;
  return true;
}

/** h / l: the previous or next proposal of the current segment, wrapping around; false when it has none. */
export function moveProposal(s: ReviewState, delta: number): boolean {
  const seg = currentSegment(s);
  if (!seg || seg.codings.length === 0) return false;
  const list = ordered(seg.codings);
  const i = Math.max(
    0,
    list.findIndex((c) => c.id === activeCoding(s)?.id),
  );
  s.activeCodingId = list[(i + delta + list.length) % list.length]!.id;
  return true;
}

/** The first segment from `from` on that has an undecided proposal, or -1. */
export function nextUndecided(s: ReviewState, from: number): number {
  const segs = s.detail?.segments ?? [];
  for (let i = from; i < segs.length; i++) if (segs[i]!.codings.some((c) => c.status === 'proposed')) return i;
  return -1;
}

export function undecidedCount(s: ReviewState): number {
  return s.detail?.segments.reduce((n, x) => n + x.codings.filter((c) => c.status === 'proposed').length, 0) ?? 0;
}

export function codingCount(s: ReviewState): number {
  return s.detail?.segments.reduce((n, x) => n + x.codings.length, 0) ?? 0;
}

/** For the progress line: "12 decided · 3 to review". */
export function progress(s: ReviewState): { decided: number; proposed: number } {
  const proposed = undecidedCount(s);
  return { decided: codingCount(s) - proposed, proposed };
}

/** Every proposal is decided (and there was something to decide). */
export function isDocumentDone(s: ReviewState): boolean {
  return undecidedCount(s) === 0 && codingCount(s) > 0;
}

export function segIndexOf(s: ReviewState, segmentId: string): number {
  return s.detail?.segments.findIndex((x) => x.id === segmentId) ?? -1;
}

/** Where a coding is now: its segment's index and the coding, or null when it is gone. */
export function locateCoding(s: ReviewState, codingId: string): { segIndex: number; coding: CodingView } | null {
  const segs = s.detail?.segments ?? [];
  for (let i = 0; i < segs.length; i++) {
    const coding = segs[i]!.codings.find((c) => c.id === codingId);
    if (coding) return { segIndex: i, coding };
  }
  return null;
}

/** What the server says a coding is now: replaced, added, or (null) removed. */
export function applyCoding(s: ReviewState, segIndex: number, codingId: string, coding: CodingView | null): void {
  const seg = s.detail?.segments[segIndex];
  if (!seg) return;
  const i = seg.codings.findIndex((c) => c.id === codingId);
  if (coding === null) {
    if (i >= 0) seg.codings.splice(i, 1);
  } else if (i >= 0) seg.codings[i] = coding;
  else seg.codings.push(coding);
}

export type AfterDecision = { kind: 'stay' } | { kind: 'select'; index: number } | { kind: 'done' };

/**
 * Where the view goes after a decision on segment `segIndex`: it stays while the segment has undecided
 * proposals, then goes to the next segment that has (wrapping to the start); after the last, the document is done.
 */
export function afterDecision(s: ReviewState, segIndex: number): AfterDecision {
  s.activeCodingId = null;
  if (s.detail?.segments[segIndex]?.codings.some((c) => c.status === 'proposed')) return { kind: 'stay' };
  const next = nextUndecided(s, segIndex + 1);
  const index = next >= 0 ? next : nextUndecided(s, 0);
  return index >= 0 ? { kind: 'select', index } : { kind: 'done' };
}

export type NextStep = { kind: 'select'; index: number } | { kind: 'open'; doc: DocumentSummary } | { kind: 'none' };

/** n: the next segment with an undecided proposal; after the last, the next document if one is offered, else back to an earlier one. */
export function nextStep(s: ReviewState): NextStep {
  const next = nextUndecided(s, s.cur + 1);
  if (next >= 0) return { kind: 'select', index: next };
  if (s.nextDoc) return { kind: 'open', doc: s.nextDoc };
  const earlier = nextUndecided(s, 0);
  return earlier >= 0 ? { kind: 'select', index: earlier } : { kind: 'none' };
}

/** A decision the reviewer can undo with u. */
export function recordDecision(s: ReviewState, item: UndoItem): void {
  s.undo.push({ items: [item] });
}

/** After a reload: the reviewer's standing decisions from the audit trail, unless this visit already decided. */
export function adoptTrail(s: ReviewState, entries: readonly UndoEntry[]): void {
  if (s.undo.length === 0) s.undo.push(...entries);
}

/** "Reject all and add" rejected `entry.items`: one undo entry for them (and the code added next). */
export function recordRejectAll(s: ReviewState, entry: UndoEntry): void {
  if (entry.items.length === 0) return;
  s.undo.push(entry);
  entry.label = `reject of ${entry.items.length} proposal${entry.items.length > 1 ? 's' : ''}`;
}

/** An add: its own undo entry, or part of the "reject all and add" entry it finishes. */
export function recordAdd(s: ReviewState, item: UndoItem, codeName: string, joinTo?: UndoEntry): void {
  if (joinTo?.items.length) {
    joinTo.items.push(item);
    joinTo.label = `${joinTo.label} and add of ${codeName}`;
  } else s.undo.push({ items: [item] });
}

/** For the toast after u: "accept of Vertrouwen", "reject of 3 proposals and add of Overleg", "2 decisions". */
export function undoLabel(entry: UndoEntry, codeName: (codeId: string) => string): string {
  const first = entry.items[0];
  return entry.label ?? (entry.items.length === 1 && first ? `${first.action} of ${codeName(first.code)}` : `${entry.items.length} decisions`);
}

/** The last entry was undone in full: it leaves the list and the document is no longer done. */
export function undone(s: ReviewState): void {
  s.undo.pop();
  s.nextDoc = null;
}
