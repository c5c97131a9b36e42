// The review view's keys, written once: the keydown handler, the "All keys" panel and the key bar read them.
import type { KeyBarItem, KeyMap } from '../keys.js';

export const REVIEW_KEYS = [
  { action: 'nextSegment', keys: ['j', 'ArrowDown'], help: 'next segment' },
  { action: 'previousSegment', keys: ['k', 'ArrowUp'], help: 'previous segment' },
  { action: 'previousProposal', keys: ['h', 'ArrowLeft'], help: 'previous proposal' },
  { action: 'nextProposal', keys: ['l', 'ArrowRight'], help: 'next proposal' },
  { action: 'accept', keys: ['a'], help: 'accept proposal' },
  { action: 'reject', keys: ['r'], help: 'reject proposal' },
  { action: 'add', keys: ['c'], help: 'add a code (to the selected text, if any)' },
  { action: 'rejectAllAndAdd', keys: ['x'], help: 'reject all undecided proposals here, then add the right code' },
  { action: 'undo', keys: ['u'], help: 'undo last decision (also after a reload)' },
  { action: 'nextUndecided', keys: ['n'], help: 'next undecided proposal; when none is left, the next document' },
  { action: 'placeHere', keys: ['Enter'], help: 'while placing a detached coding: place it on this segment (or the selected text)' },
  { action: 'cancelPlacing', keys: ['Escape'], help: 'while placing a detached coding: cancel' },
] as const satisfies KeyMap<string>;

/** The actions are the map's: the view's handler table must name each of them, and no other. */
export type ReviewAction = (typeof REVIEW_KEYS)[number]['action'];

export const REVIEW_KEY_BAR: readonly KeyBarItem<ReviewAction>[] = [
  { actions: ['nextSegment', 'previousSegment'], label: 'segment' },
  { actions: ['accept'], label: 'accept' },
  { actions: ['reject'], label: 'reject' },
  { actions: ['add'], label: 'code' },
  { actions: ['rejectAllAndAdd'], label: 'reject all + add' },
  { actions: ['undo'], label: 'undo' },
  { actions: ['nextUndecided'], label: 'next undecided' },
  { before: 'select text + ', actions: ['add'], label: 'to code a span' },
];
