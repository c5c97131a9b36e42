// Paged lists, one way everywhere: the store ports, the HTTP API (lib/api/contract.ts) and its clients
// (CLI, web) hand out `{ items, nextCursor }` and take `{ limit, cursor }`. The paging loop lives here
// only. No imports: the web bundle uses it too.

export interface PageRequest {
  /** Maximum items to return (default 50, at most 500). */
  limit?: number;
  /** The `nextCursor` of the previous page; absent for the first page. */
  cursor?: string;
}

/** One page of a list; `nextCursor` is null on the last page, else pass it back as `cursor`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Page size of the loops below: the most any list hands out at once. */
export const MAX_PAGE = 500;

/** Each page of a list in turn, from the first to the last (callers that act per page). */
export async function* pages<T>(fetchPage: (page: PageRequest) => Promise<Page<T>>, limit = MAX_PAGE): AsyncGenerator<Page<T>> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage({ limit, ...(cursor ? { cursor } : {}) });
    yield page;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Every item of a list, page after page; at most `max` (later pages are not fetched). */
export async function all<T>(fetchPage: (page: PageRequest) => Promise<Page<T>>, opts: { max?: number; limit?: number } = {}): Promise<T[]> {
  const max = opts.max ?? Infinity;
  const out: T[] = [];
  for await (const page of pages(fetchPage, opts.limit)) {
    out.push(...page.items);
    if (out.length >= max) return out.slice(0, max);
  }
  return out;
}
