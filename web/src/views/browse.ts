// Browse: the codebook tree with counts of coded segments, and the coded segments of the chosen
// category or code (accepted by default) with their document, respondent and coded text.
import type { QueryStatus } from '../../../lib/api/contract.js';
import { api, type CodedSegment } from '../api.js';
import { codeLabel, type Ctx, type View } from '../context.js';
import { h, replaceChildren } from '../dom.js';
import { errorBanner } from '../errors.js';
import { formatRoute, type Route } from '../route.js';
import { markedText } from '../segtext.js';

const STATUSES: QueryStatus[] = ['accepted', 'proposed', 'rejected', 'all'];

export function browseView(ctx: Ctx, route: Route): View {
  const status = (STATUSES as string[]).includes(route.query.get('status') ?? '') ? (route.query.get('status') as QueryStatus) : 'accepted';
  const code = route.query.get('code') ?? '';
  const category = route.query.get('category') ?? '';
  const tree = h('nav', { attrs: { 'aria-label': 'Codebook' } }, h('p', { class: 'muted' }, 'Loading…'));
  const results = h('div', { attrs: { 'aria-live': 'polite' } });
  const go = (q: Record<string, string>) => ctx.navigate(formatRoute('browse', null, { status, ...q }));

  const statusSelect = h(
    'select',
    { attrs: { 'aria-label': 'Status' }, on: { change: () => ctx.navigate(formatRoute('browse', null, { status: statusSelect.value, code, category })) } },
    STATUSES.map((s) => h('option', { attrs: { value: s, selected: s === status } }, s)),
  );

  async function loadTree(): Promise<void> {
    if (!ctx.codebook) {
      replaceChildren(tree, h('p', { class: 'banner info' }, 'No codebook yet.'));
      return;
    }
    try {
      const report = await api.reports(ctx.projectId, { status });
      const byCode = new Map(report.frequency.rows.map((r) => [r.code, r.codings]));
      const byCat = new Map(report.frequency.categories.map((c) => [c.categoryId, c.codings]));
      replaceChildren(
        tree,
        h(
          'ul',
          { class: 'tree' },
          h('li', null, h('button', { attrs: { type: 'button', 'aria-pressed': !code && !category ? 'true' : 'false' }, on: { click: () => go({}) } }, h('span', null, 'All codes'), h('span', { class: 'count' }, report.frequency.total))),
          ctx.codebook.book.categories.map((cat) =>
            h(
              'li',
              null,
              h(
                'button',
                { attrs: { type: 'button', 'aria-pressed': category === cat.id && !code ? 'true' : 'false', 'data-category': cat.id }, on: { click: () => go({ category: cat.id }) } },
                h('strong', null, cat.name),
                h('span', { class: 'count' }, byCat.get(cat.id) ?? 0),
              ),
              h(
                'ul',
                null,
                cat.codes.map((c) =>
                  h(
                    'li',
                    null,
                    h(
                      'button',
                      { attrs: { type: 'button', 'aria-pressed': code === c.id ? 'true' : 'false', 'data-code': c.id }, on: { click: () => go({ code: c.id }) } },
                      h('span', null, c.name),
                      h('span', { class: 'count', attrs: { 'data-testid': `count-${c.id}` } }, byCode.get(c.id) ?? 0),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      replaceChildren(tree, errorBanner(e, 'Cannot load counts'));
    }
  }

  function renderResult(r: CodedSegment): HTMLElement {
    const c = r.coding;
    const s = r.segment;
    // Highlight the coded span (or the evidence when the whole segment is coded).
    const spans = c.span ? [{ start: c.span.start, end: c.span.end, key: c.id }] : c.evidence.map((ev) => ({ start: ev.start, end: ev.end, key: c.id }));
    return h(
      'article',
      { class: 'segment', attrs: { role: 'listitem', 'data-code': c.code } },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'speaker' }, codeLabel(ctx, c.code)),
        h('span', { class: `status ${c.status}` }, c.status),
        h('span', null, r.document.name),
        s.respondent ? h('span', null, s.respondent) : null,
        h('span', null, `chars ${r.start}–${r.end}`),
        h('a', { attrs: { href: formatRoute('review', r.document.id, { segment: s.id }) } }, `open #${s.index + 1}`),
      ),
      markedText(s.text, spans, 'body quote'),
    );
  }

  /** Without a code or category the API needs a filter: gather the first page of every category. */
  async function allCategories(): Promise<{ items: CodedSegment[]; nextCursor: string | null }> {
    const cats = ctx.codebook?.book.categories ?? [];
    const pages = await Promise.all(cats.map((c) => api.codings(ctx.projectId, { status, category: c.id, limit: 100 })));
    return { items: pages.flatMap((p) => p.items), nextCursor: pages.some((p) => p.nextCursor) ? 'more' : null };
  }

  async function loadResults(cursor?: string, acc: CodedSegment[] = []): Promise<void> {
    try {
      const page =
        code || category
          ? await api.codings(ctx.projectId, { status, code: code || undefined, category: code ? undefined : category || undefined, cursor, limit: 200 })
          : await allCategories();
      const all = [...acc, ...page.items];
      const title = code ? codeLabel(ctx, code) : category ? (ctx.codebook?.categories.get(category) ?? category) : 'All codes';
      const more = !code && !category && page.nextCursor
        ? h('p', { class: 'muted small' }, 'Showing the first 100 per category: choose a category or code to see all.')
        : page.nextCursor
        ? h('button', { attrs: { type: 'button' }, on: { click: () => void loadResults(page.nextCursor ?? undefined, all) } }, 'Load more')
        : null;
      replaceChildren(
        results,
        h('h2', null, title, ' ', h('span', { class: 'count', attrs: { 'data-testid': 'result-count' } }, `${all.length}${page.nextCursor ? '+' : ''} coded segment(s)`)),
        all.length ? h('div', { class: 'segments', attrs: { role: 'list' } }, all.map(renderResult)) : h('p', { class: 'muted' }, 'No coded segments here yet.'),
        more,
      );
    } catch (e) {
      replaceChildren(results, errorBanner(e, 'Cannot load coded segments'));
    }
  }

  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'browse-h' } },
    h('div', { class: 'toolbar' }, h('h1', { attrs: { id: 'browse-h' } }, 'Browse coded segments'), h('label', { class: 'muted' }, 'Status ', statusSelect)),
    h('div', { class: 'cols' }, tree, results),
  );
  void loadTree();
  void loadResults();
  return { el };
}
