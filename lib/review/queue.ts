// The review queue as reviewers page through it. In reading order and by score the store's indexes page
// it; the `uncertain` order (order.ts) has no index: every matching proposal is read in reading order and
// ordered here, and its cursor is an offset into that order.
import { QualtagError } from '../errors.js';
import { all, type Page } from '../paging.js';
import type { Coding, ReviewQueueQuery, Store } from '../coding/index.js';
import { uncertainFirst } from './order.js';

export interface QueueQuery extends Omit<ReviewQueueQuery, 'order'> {
  /** `uncertain`: what a decision would teach the ranker most first (confidence closest to 0.5, every code in turn). */
  order?: NonNullable<ReviewQueueQuery['order']> | 'uncertain';
}

const OFFSET = /^u([1-9]\d{0,8})$/;

const badCursor = (): QualtagError =>
  new QualtagError(
    'BAD_REQUEST',
    'the page cursor is not valid for this list',
    'Pass the cursor of the previous page unchanged, or omit it to start again',
    'cursor',
  );

export async function reviewQueue(store: Pick<Store, 'reviewQueue'>, q: QueueQuery): Promise<Page<Coding>> {
  const { order, cursor, limit, ...filters } = q;
  if (order !== 'uncertain')
    return store.reviewQueue({
      ...filters,
      ...(order ? { order } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
  const n = limit ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new QualtagError('BAD_REQUEST', `limit ${n} is out of range`, 'Use a whole number from 1 to 500', 'limit');
  let offset = 0;
  if (cursor !== undefined) {
    const m = OFFSET.exec(cursor);
    if (!m) throw badCursor();
    offset = Number(m[1]);
  }
  const ordered = uncertainFirst(await all((page) => store.reviewQueue({ ...filters, ...page })));
  const next = offset + n;
  return { items: ordered.slice(offset, next), nextCursor: next < ordered.length ? `u${next}` : null };
}
