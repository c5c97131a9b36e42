// Browse: the codebook tree with counts of coded segments, and the coded segments of the chosen
// category or code (accepted by default) with their document, respondent and coded text.
import type { QueryStatus } from '../../../lib/api/contract.js';
import { pageAcross, type AcrossCursor } from '../across.js';
import { api, type CodedSegment, type FrequencyReport } from '../api.js';
import { codeLabel, type Ctx, type View } from '../context.js';
import { h, replaceChildren } from '../dom.js';
import { errorBanner } from '../errors.js';
import { formatRoute, type Route } from '../route.js';
import { highlightEvidence } from '../evidence.js';
import { markedText } from '../segtext.js';

const STATUSES: QueryStatus[] = ['accepted', 'proposed', 'rejected', 'all'];
/** Coded segments shown per page. */
const PAGE = 50;

export function browseView(ctx: Ctx, route: Route): View {
  const status = (STATUSES as string[]).includes(route.query.get('status') ?? '') ? (route.query.get('status') as QueryStatus) : 'accepted';
  const code = route.query.get('code') ?? '';
  const category = route.query.get('category') ?? '';
  // As people write it: `R6`, `respondent 6`, `Respondent 6` (the API reads them all as `Respondent 6`).
  const respondent = route.query.get('respondent') ?? '';
  const tree = h('nav', { attrs: { 'aria-label': 'Codebook' } }, h('p', { class: 'muted' }, 'Loading…'));
  const results = h('div', { attrs: { 'aria-live': 'polite' } });
  const go = (q: Record<string, string>) => ctx.navigate(formatRoute('browse', null, { status, respondent, ...q }));

  const statusSelect = h(
    'select',
    {
      attrs: { 'aria-label': 'Status' },
      on: { change: () => ctx.navigate(formatRoute('browse', null, { status: statusSelect.value, code, category, respondent })) },
    },
    STATUSES.map((s) => h('option', { attrs: { value: s, selected: s === status } }, s)),
  );
  const respInput = h('input', { attrs: { type: 'search', value: respondent, placeholder: 'any (e.g. R6)', 'aria-label': 'Respondent' } });
  respInput.addEventListener('change', () => ctx.navigate(formatRoute('browse', null, { status, code, category, respondent: respInput.value.trim() })));

  async function loadTree(): Promise<void> {
    if (!ctx.codebook) {
      replaceChildren(tree, h('p', { class: 'banner info' }, 'No codebook yet.'));
      return;
    }
    try {
      const freq = await frequency;
      const byCode = new Map(freq.rows.map((r) => [r.code, r.codings]));
      const byCat = new Map(freq.categories.map((c) => [c.categoryId, c.codings]));
      replaceChildren(
        tree,
        h(
          'ul',
          { class: 'tree' },
          h(
            'li',
            null,
            h(
              'button',
              { attrs: { type: 'button', 'aria-pressed': !code && !category ? 'true' : 'false' }, on: { click: () => go({}) } },
              h('span', null, 'All codes'),
              h('span', { class: 'count' }, freq.total),
            ),
          ),
          ctx.codebook.book.categories.map((cat) =>
            h(
              'li',
              null,
              h(
                'button',
                {
                  attrs: { type: 'button', 'aria-pressed': category === cat.id && !code ? 'true' : 'false', 'data-category': cat.id },
                  on: { click: () => go({ category: cat.id }) },
                },
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
                      {
                        attrs: { type: 'button', 'aria-pressed': code === c.id ? 'true' : 'false', 'data-code': c.id },
                        on: { click: () => go({ code: c.id }) },
                      },
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
    const spans = c.span
      ? [{ start: c.span.start, end: c.span.end, key: c.id }]
      : highlightEvidence(c, s.text).shown.map((ev) => ({ start: ev.start, end: ev.end, key: c.id }));
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

  /**
   * "All codes": the codings API needs a filter, so walk the categories in codebook order (those the
   * counts show empty are skipped) and show PAGE segments at a time under a heading per category.
   */
  async function loadAll(from: AcrossCursor, shown: number, counts: Map<string, number>): Promise<void> {
    const cats = ctx.codebook?.book.categories ?? [];
    const buckets = cats.map((c) => ({ id: c.id, count: counts.get(c.id) ?? 0 }));
    const total = buckets.reduce((n, b) => n + b.count, 0);
    const page = await pageAcross(buckets, from, PAGE, (id, cursor, limit) =>
      api.codings({ projectId: ctx.projectId, query: { status, category: id, cursor, limit } }),
    );
    const now = shown + page.groups.reduce((n, g) => n + g.items.length, 0);
    if (from.i === 0 && from.cursor === undefined) {
      replaceChildren(
        results,
        h('h2', null, 'All codes ', h('span', { class: 'count', attrs: { 'data-testid': 'result-count' } }, `${total} coded segment(s)`)),
        h('p', { class: 'muted small' }, 'By category in codebook order, ', PAGE, ' at a time. Choose a category or code on the left to narrow down.'),
      );
      if (total === 0) results.append(h('p', { class: 'muted' }, 'No coded segments here yet.'));
    }
    results.querySelector('[data-testid=load-more]')?.remove();
    for (const g of page.groups) {
      // A category continued from the previous page keeps its heading.
      const last = results.querySelector<HTMLElement>(`.segments[data-category="${CSS.escape(g.id)}"]`);
      const list = last ?? h('div', { class: 'segments', attrs: { role: 'list', 'data-category': g.id } });
      if (!last)
        results.append(
          h('h3', { class: 'group' }, ctx.codebook?.categories.get(g.id) ?? g.id, ' ', h('span', { class: 'count' }, counts.get(g.id) ?? 0)),
          list,
        );
      list.append(...g.items.map(renderResult));
    }
    if (page.next) {
      const next = page.next;
      results.append(
        h(
          'button',
          {
            attrs: { type: 'button', 'data-testid': 'load-more' },
            on: { click: () => void loadAll(next, now, counts).catch((e: unknown) => results.append(errorBanner(e, 'Cannot load more'))) },
          },
          `Load ${Math.min(PAGE, total - now)} more (${now} of ${total} shown)`,
        ),
      );
    }
  }

  async function loadResults(cursor?: string, acc: CodedSegment[] = []): Promise<void> {
    try {
      if (!code && !category && !respondent) {
        const freq = await frequency;
        await loadAll({ i: 0 }, 0, new Map(freq.categories.map((c) => [c.categoryId, c.codings])));
        return;
      }
      const page = await api.codings({
        projectId: ctx.projectId,
        query: {
          status,
          code: code || undefined,
          category: code ? undefined : category || undefined,
          respondent: respondent || undefined,
          cursor,
          limit: PAGE,
        },
      });
      const all = [...acc, ...page.items];
      const what = code ? codeLabel(ctx, code) : category ? (ctx.codebook?.categories.get(category) ?? category) : 'All codes';
      const title = respondent ? `${what} · ${all[0]?.segment.respondent ?? respondent}` : what;
      replaceChildren(
        results,
        h(
          'h2',
          null,
          title,
          ' ',
          h('span', { class: 'count', attrs: { 'data-testid': 'result-count' } }, `${all.length}${page.nextCursor ? '+' : ''} coded segment(s)`),
        ),
        all.length
          ? h('div', { class: 'segments', attrs: { role: 'list' } }, all.map(renderResult))
          : h('p', { class: 'muted' }, 'No coded segments here yet.'),
        page.nextCursor
          ? h(
              'button',
              { attrs: { type: 'button', 'data-testid': 'load-more' }, on: { click: () => void loadResults(page.nextCursor ?? undefined, all) } },
              'Load more',
            )
          : null,
      );
    } catch (e) {
      replaceChildren(results, errorBanner(e, 'Cannot load coded segments'));
    }
  }

  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'browse-h' } },
    h(
      'div',
      { class: 'toolbar' },
      h('h1', { attrs: { id: 'browse-h' } }, 'Browse coded segments'),
      h('label', { class: 'muted' }, 'Status ', statusSelect),
      h('label', { class: 'muted' }, 'Respondent ', respInput),
    ),
    h('div', { class: 'cols' }, tree, results),
  );
  // One count request feeds both the tree and the "All codes" paging.
  const frequency: Promise<FrequencyReport> = ctx.codebook
    ? api.report({ projectId: ctx.projectId, kind: 'frequency', query: { status } })
    : Promise.resolve({ rows: [], categories: [], total: 0 });
  frequency.catch(() => undefined);
  void loadTree();
  void loadResults();
  return { el };
}
