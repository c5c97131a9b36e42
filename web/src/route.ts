// Hash routes (`#/review/<documentId>?segment=...`) so the static bundle needs no server rewrites.

// The views, in the order of the navigation bar: a new view is its module (web/src/views/) and one entry
// here; main.ts's factory table is typed by these names, so the compiler asks for its factory.
export const VIEWS = [
  { name: 'projects', title: 'Projects' },
  { name: 'upload', title: 'Upload' },
  { name: 'review', title: 'Review' },
  { name: 'queue', title: 'Queue' },
  { name: 'browse', title: 'Browse' },
  { name: 'report', title: 'Report' },
  { name: 'rules', title: 'Rules' },
] as const;
export type ViewName = (typeof VIEWS)[number]['name'];
const viewNames: readonly string[] = VIEWS.map((v) => v.name);

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
  const view = viewNames.includes(first) ? (first as ViewName) : 'upload';
  const id = rest.length > 0 && rest[0] ? decodeURIComponent(rest.join('/')) : null;
  return { view, id, query: new URLSearchParams(search) };
}

export function formatRoute(view: ViewName, id?: string | null, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) params.set(k, v);
  const qs = params.toString();
  return `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}${qs ? `?${qs}` : ''}`;
}
