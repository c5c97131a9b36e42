// The queue view's state and its transitions, without DOM or I/O: the filters (from the URL), the items
// loaded so far and where paging goes on, the current item, and the decided items that left the list
// (for u). The view calls these, then renders; unit tests call them on plain objects.
import type { AcrossCursor, Bucket } from '../across.js';
import type { CodingView, QueueItem } from '../api.js';

export type Status = 'proposed' | 'accepted' | 'rejected' | 'all';
export const STATUSES: readonly Status[] = ['proposed', 'accepted', 'rejected', 'all'];
export type Order = 'position' | 'score' | 'uncertain';

/** A type, not an interface: it is also the route's query (formatRoute takes a string record). */
export type QueueFilters = {
  status: Status;
  code: string;
  category: string;
  respondent: string;
  document: string;
  order: Order;
};

/** A decided item that no longer matched the status filter, and where it was. */
export interface LeftItem {
  item: QueueItem;
  index: number;
}

export interface QueueState {
  filters: QueueFilters;
  items: QueueItem[];
  /** The API's cursor for the next page (null: none). */
  cursor: string | null;
  /** Unfiltered accepted/rejected/all: where the walk over categories goes on (null: done). */
  across: AcrossCursor | null;
  buckets: Bucket[];
  /** How many codings match, when known (the unfiltered walk knows it from the frequency report). */
  total: number | null;
  /** Decided items that left the list, newest last, for u (undo). */
  left: LeftItem[];
  cur: number;
  busy: boolean;
}

/** The filters in the URL; anything unknown falls back to the default (to review, in document order). */
export function filtersFrom(q: URLSearchParams): QueueFilters {
  const status = q.get('status') ?? '';
  const order = q.get('order');
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : 'proposed',
    code: q.get('code') ?? '',
    category: q.get('category') ?? '',
    respondent: q.get('respondent') ?? '',
    document: q.get('document') ?? '',
    order: order === 'score' || order === 'uncertain' ? order : 'position',
  };
}

export function initialState(filters: QueueFilters): QueueState {
  return { filters, items: [], cursor: null, across: null, buckets: [], total: null, left: [], cur: 0, busy: false };
}

/** Before the first page: nothing loaded, the first item current. */
export function reset(s: QueueState): void {
  s.items = [];
  s.cursor = null;
  s.across = null;
  s.total = null;
  s.cur = 0;
}

/** Decided codings without a category, code, respondent or document: the codings API needs one, so the view walks the categories. */
export function walksCategories(f: QueueFilters): boolean {
  return f.status !== 'proposed' && !f.code && !f.category && !f.respondent && !f.document;
}

/** A coding in this state still belongs in the list. */
export function matchesStatus(f: QueueFilters, coding: CodingView): boolean {
  return f.status === 'all' || coding.status === f.status;
}

export function hasMore(s: QueueState): boolean {
  return s.cursor !== null || s.across !== null;
}

/** "12+ item(s) of 40": loaded, more to come, of how many. */
export function countText(s: QueueState): string {
  return `${s.items.length}${hasMore(s) ? '+' : ''} item(s)${s.total !== null ? ` of ${s.total}` : ''}`;
}

/** Makes item i current; false when there is no such item. */
export function setCur(s: QueueState, i: number): boolean {
  if (i < 0 || i >= s.items.length) return false;
  s.cur = i;
  return true;
}

/**
 * The server's answer to a decision on item i: the item stays with its new coding when it still matches the
 * status filter; otherwise it leaves the list (and u can bring it back) and the next item becomes current.
 */
export function decided(s: QueueState, i: number, coding: CodingView | null): 'stays' | 'left' {
  const item = s.items[i];
  if (!item) return 'left';
  if (coding && matchesStatus(s.filters, coding)) {
    item.coding = coding;
    return 'stays';
  }
  s.items.splice(i, 1);
  if (s.total !== null) s.total--;
  if (coding) s.left.push({ item: { ...item, coding }, index: i });
  // Keep the place: the item after the one that left becomes current.
  if (i < s.cur || s.cur >= s.items.length) s.cur = Math.max(0, s.cur - 1);
  return 'left';
}

/** u undid `last`: it comes back where it was (or at the end) and is current, when it matches the filter again. */
export function restored(s: QueueState, last: LeftItem, coding: CodingView | null): boolean {
  if (!coding || !matchesStatus(s.filters, coding)) return false;
  const at = Math.min(last.index, s.items.length);
  s.items.splice(at, 0, { ...last.item, coding });
  if (s.total !== null) s.total++;
  s.cur = at;
  return true;
}
