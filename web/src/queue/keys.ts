// The queue view's keys, written once: the keydown handler and the key bar read them. They match
// Review's where the action is the same (j / k, a, r, u).
import type { KeyBarItem, KeyMap } from '../keys.js';

export const QUEUE_KEYS = [
  { action: 'nextItem', keys: ['j', 'ArrowDown'], help: 'next item' },
  { action: 'previousItem', keys: ['k', 'ArrowUp'], help: 'previous item' },
  { action: 'accept', keys: ['a'], help: 'accept' },
  { action: 'reject', keys: ['r'], help: 'reject' },
  { action: 'undo', keys: ['u'], help: 'undo the last decision that took an item out of the list' },
  { action: 'open', keys: ['o'], help: 'open the item in its document' },
] as const satisfies KeyMap<string>;

/** The actions are the map's: the view's handler table must name each of them, and no other. */
export type QueueAction = (typeof QUEUE_KEYS)[number]['action'];

export const QUEUE_KEY_BAR: readonly KeyBarItem<QueueAction>[] = [
  { actions: ['nextItem', 'previousItem'], label: 'item' },
  { actions: ['accept'], label: 'accept' },
  { actions: ['reject'], label: 'reject' },
  { actions: ['undo'], label: 'undo' },
  { actions: ['open'], label: 'open in document' },
];
