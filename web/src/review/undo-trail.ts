// Undo that survives a reload or a restart: the server keeps an undo stack per coding (each decision's
// previous state), and the audit trail says in which order this reviewer decided. From the trail we rebuild
// the reviewer's own undo list for a document, so `u` after a reload undoes their last decision there.
import type { AuditEventView } from '../../../lib/api/contract.js';

export type UndoAction = 'accept' | 'reject' | 'add' | 'place';

export interface UndoItem {
  codingId: string;
  code: string;
  action: UndoAction;
}

/** One press of `u`: usually one decision; "reject all and add" is several, undone together. */
export interface UndoEntry {
  items: UndoItem[];
  /** For the toast: "accept of Vertrouwen", "reject of 3 proposals and add of Overleg". */
  label?: string;
}

const UNDOABLE = new Set<string>(['accept', 'reject', 'add', 'place']);

/**
 * The reviewer's decisions in a document that `undo` would revert now, oldest first (so the last is undone
 * first). A coding's decisions are stacked in time order; an `undo` event pops one; a re-anchoring, drop or
 * deletion ends its history. A decision counts only while every later decision still standing on the same
 * coding is also the reviewer's own (the server undoes a coding's latest decision, whoever made it).
 */
export function undoableFromTrail(eventsNewestFirst: readonly AuditEventView[], userId: string): UndoEntry[] {
  const events = [...eventsNewestFirst].sort((a, b) => a.at.localeCompare(b.at) || 0);
  const stacks = new Map<string, AuditEventView[]>();
  for (const e of events) {
    if (!e.codingId) continue;
    const stack = stacks.get(e.codingId) ?? [];
    if (UNDOABLE.has(e.action)) stack.push(e);
    else if (e.action === 'undo') stack.pop();
    else stack.length = 0;
    stacks.set(e.codingId, stack);
  }
  const standing: AuditEventView[] = [];
  for (const stack of stacks.values()) {
    for (let i = stack.length - 1; i >= 0 && stack[i]!.by === userId; i--) standing.push(stack[i]!);
  }
  return standing.sort((a, b) => a.at.localeCompare(b.at)).map((e) => ({ items: [{ codingId: e.codingId, code: e.code, action: e.action as UndoAction }] }));
}
