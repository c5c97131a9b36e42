// Hash routes (`#/review/<documentId>?segment=...`) so the static bundle needs no server rewrites.

export type ViewName = 'projects' | 'upload' | 'review' | 'queue' | 'browse' | 'report' | 'rules';
export const VIEWS: readonly ViewName[] = ['projects', 'upload', 'review', 'queue', 'browse', 'report', 'rules'];

export interface Route {
  view: ViewName;
  /** Path parameter after the view, e.g. the document id for review. */
  id: string | null;
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const [first = '', ...rest] = path.split('/');
  const view = (VIEWS as readonly string[]).includes(first) ? (first as ViewName) : 'upload';
  const id = rest.length > 0 && rest[0] ? decodeURIComponent(rest.join('/')) : null;
  return { view, id, query: new URLSearchParams(search) };
}

export function formatRoute(view: ViewName, id?: string | null, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) params.set(k, v);
  const qs = params.toString();
  return `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}${qs ? `?${qs}` : ''}`;
}
