// Queue: proposals across documents, filtered by code, category, respondent, document and status;
// decide them here with the same keys as in Review, or jump to the segment in its document. A decided
// item that no longer matches the status filter leaves the list; u brings the last one back (undo).
// Accepted/rejected codings without a filter are listed category by category (the codings API needs
// one), 100 at a time.
import type { DecisionBody } from '../../../lib/api/contract.js';
import { pageAcross } from '../across.js';
import { api, type CodingView, type DocumentSummary, type QueueItem } from '../api.js';
import { codeLabel, type Ctx, type View } from '../context.js';
import { conflictBanner, sendDecision } from '../decisions.js';
import { h, kbd, replaceChildren, toast } from '../dom.js';
import { errorBanner } from '../errors.js';
import { dispatch, keyBar, keyOf, type KeyHandlers } from '../keys.js';
import { QUEUE_KEY_BAR, QUEUE_KEYS, type QueueAction } from '../queue/keys.js';
import * as st from '../queue/state.js';
import { formatRoute, type Route } from '../route.js';
import { classifierNote, contextSupport, exampleNote, highlightEvidence, isLearnedEvidence, learnedWords } from '../evidence.js';
import { evidenceLegend, scoreLabel } from '../proposal.js';
import { bulkAcceptControl } from '../bulk.js';
import { markedText } from '../segtext.js';
import type { Span } from '../highlight.js';

const PAGE = 100;

export function queueView(ctx: Ctx, route: Route): View {
  const state = st.initialState(st.filtersFrom(route.query));
  const filters = state.filters;
  const list = h('div', { class: 'segments', attrs: { role: 'list', 'aria-label': 'Queue' } });
  const msg = h('div', { attrs: { 'aria-live': 'polite' } });
  const more = h('button', { attrs: { type: 'button' }, on: { click: () => void load(true) } }, 'Load more');
  const respondents = h('datalist', { attrs: { id: 'respondents' } });

  const apply = (patch: Partial<st.QueueFilters>) => {
    Object.assign(filters, patch);
    ctx.navigate(formatRoute('queue', null, filters));
  };

  const codeSelect = h(
    'select',
    { attrs: { 'aria-label': 'Code' }, on: { change: () => apply({ code: codeSelect.value }) } },
    h('option', { attrs: { value: '' } }, 'All codes'),
    ctx.codebook?.book.categories.map((cat) =>
      h(
        'optgroup',
        { attrs: { label: cat.name } },
        cat.codes.map((c) => h('option', { attrs: { value: c.id, selected: c.id === filters.code } }, c.name)),
      ),
    ),
  );
  const catSelect = h(
    'select',
    { attrs: { 'aria-label': 'Category' }, on: { change: () => apply({ category: catSelect.value, code: '' }) } },
    h('option', { attrs: { value: '' } }, 'All categories'),
    ctx.codebook?.book.categories.map((cat) => h('option', { attrs: { value: cat.id, selected: cat.id === filters.category } }, cat.name)),
  );
  const statusSelect = h(
    'select',
    { attrs: { 'aria-label': 'Status' }, on: { change: () => apply({ status: statusSelect.value as st.Status }) } },
    st.STATUSES.map((s) => h('option', { attrs: { value: s, selected: s === filters.status } }, s === 'proposed' ? 'to review (proposed)' : s)),
  );
  const respInput = h('input', { attrs: { type: 'search', list: 'respondents', value: filters.respondent, placeholder: 'any', 'aria-label': 'Respondent' } });
  respInput.addEventListener('change', () => apply({ respondent: respInput.value.trim() }));
  const docSelect = h(
    'select',
    { attrs: { 'aria-label': 'Document' }, on: { change: () => apply({ document: docSelect.value }) } },
    h('option', { attrs: { value: '' } }, 'All documents'),
  );
  const orderSelect = h(
    'select',
    { attrs: { 'aria-label': 'Order' }, on: { change: () => apply({ order: orderSelect.value as st.Order }) } },
    h('option', { attrs: { value: 'position', selected: filters.order === 'position' } }, 'document order'),
    h('option', { attrs: { value: 'score', selected: filters.order === 'score' } }, 'highest score first'),
    h('option', { attrs: { value: 'uncertain', selected: filters.order === 'uncertain' } }, 'teaches the model most first'),
  );

  function renderItem(item: QueueItem, i: number, notice?: HTMLElement): HTMLElement {
    const c = item.coding;
    const s = item.segment;
    // Each matched word once, inside the coding's span when it has one (lib/review/evidence-view.ts).
    const spans: Span[] = highlightEvidence(c, s.text).shown.map((ev) => ({ start: ev.start, end: ev.end, key: c.id, learned: isLearnedEvidence(ev) }));
    const words = learnedWords(s.text, c.evidence);
    const example = exampleNote(c.evidence);
    const support = contextSupport(c.evidence);
    const learnt = classifierNote(c.evidence);
    if (c.span) spans.push({ start: c.span.start, end: c.span.end, key: c.id });
    return h(
      'article',
      {
        class: `segment${i === state.cur ? ' current' : ''}`,
        attrs: {
          role: 'listitem',
          tabindex: i === state.cur ? 0 : -1,
          'data-code': c.code,
          'data-coding': c.id,
          'data-status': c.status,
          'data-document-name': item.document.name,
        },
        on: { click: () => setCur(i, false) },
      },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'speaker' }, codeLabel(ctx, c.code)),
        h('span', null, ctx.codebook?.categories.get(c.categoryId) ?? c.categoryId),
        scoreLabel(c, true) ?? h('span', null, 'added'),
        h('span', { class: `status ${c.status}` }, c.status),
        h('span', null, item.document.name),
        s.respondent ? h('span', null, s.respondent) : null,
        h('a', { attrs: { href: formatRoute('review', item.document.id, { segment: s.id }) } }, `open #${s.index + 1}`),
      ),
      markedText(s.text, spans),
      words.length
        ? h('p', { class: 'muted small support learned', attrs: { 'data-testid': 'learned-words' } }, `Words the model learned: ${words.join(', ')}`)
        : null,
      example ? h('p', { class: 'muted small support example', attrs: { 'data-testid': 'example-note' } }, example[0]!.toUpperCase() + example.slice(1)) : null,
      support ? h('p', { class: 'muted small support' }, `Supported by ${support}`) : null,
      learnt ? h('p', { class: 'muted small support classifier' }, learnt[0]!.toUpperCase() + learnt.slice(1)) : null,
      notice ?? null,
      h(
        'div',
        { class: 'toolbar tight' },
        c.status !== 'accepted'
          ? h(
              'button',
              { class: 'accept', attrs: { type: 'button' }, on: { click: () => void decide('accept', i) } },
              'Accept',
              i === state.cur ? kbd(keyOf(QUEUE_KEYS, 'accept')) : null,
            )
          : null,
        c.status !== 'rejected'
          ? h(
              'button',
              { class: 'reject', attrs: { type: 'button' }, on: { click: () => void decide('reject', i) } },
              'Reject',
              i === state.cur ? kbd(keyOf(QUEUE_KEYS, 'reject')) : null,
            )
          : null,
        c.status !== 'proposed' ? h('button', { attrs: { type: 'button' }, on: { click: () => void decide('undo', i) } }, 'Undo') : null,
      ),
    );
  }

  function renderList(): void {
    replaceChildren(
      list,
      state.items.map((it, i) => renderItem(it, i)),
    );
    if (state.items.length === 0)
      list.append(h('p', { class: 'muted' }, filters.status === 'proposed' ? 'Nothing left to review with these filters.' : 'No codings match these filters.'));
    more.hidden = !st.hasMore(state);
    renderCount();
  }

  function renderCount(): void {
    const count = msg.querySelector('[data-testid=queue-count]');
    if (count) count.textContent = st.countText(state);
  }

  function replaceItem(i: number, notice?: HTMLElement): void {
    const it = state.items[i];
    const old = list.children[i];
    if (it && old) old.replaceWith(renderItem(it, i, notice));
  }

  function focusCurrent(): void {
    const e = list.children[state.cur] as HTMLElement | undefined;
    e?.scrollIntoView({ block: 'nearest' });
    e?.focus({ preventScroll: true });
  }

  function setCur(i: number, focus = true): void {
    const prev = state.cur;
    if (!st.setCur(state, i)) return;
    replaceItem(prev);
    replaceItem(state.cur);
    if (focus) focusCurrent();
  }

  async function decide(action: 'accept' | 'reject' | 'undo', i = state.cur, versionOverride?: number): Promise<void> {
    const item = state.items[i];
    if (!item || state.busy) return;
    state.busy = true;
    const c = item.coding;
    const body: DecisionBody = { action, documentId: item.document.id, codingId: c.id, version: versionOverride ?? c.version };
    const out = await sendDecision(ctx, body);
    state.busy = false;
    if (out.kind === 'ok') {
      const verb = action === 'undo' ? 'Undid' : action === 'accept' ? 'Accepted' : 'Rejected';
      if (st.decided(state, i, out.coding) === 'stays') {
        toast(`${verb} ${codeLabel(ctx, c.code)}`);
        replaceItem(i);
        if (action !== 'undo' && i === state.cur) setCur(Math.min(state.items.length - 1, state.cur + 1));
      } else {
        // It no longer matches the filter: it left, and u brings it back.
        toast(`${verb} ${codeLabel(ctx, c.code)}${out.coding ? ' · u undoes' : ''}`);
        renderList();
        focusCurrent();
      }
    } else if (out.kind === 'conflict') {
      if (out.current) item.coding = out.current as CodingView;
      const banner = conflictBanner(ctx, body, c.code, out.current, out.current ? () => void decide(action, i, out.current!.version) : null, () =>
        replaceItem(i),
      );
      replaceItem(i, banner);
    } else {
      replaceItem(i, errorBanner(out.error, 'The decision was not saved'));
    }
  }

  /** u: reverts the last decision that took an item out of the list and puts it back in its place. */
  async function undoLast(): Promise<void> {
    if (state.busy) return;
    const last = state.left.pop();
    if (!last) {
      toast('Nothing to undo here.');
      return;
    }
    state.busy = true;
    const c = last.item.coding;
    const out = await sendDecision(ctx, { action: 'undo', documentId: last.item.document.id, codingId: c.id, version: c.version });
    state.busy = false;
    if (out.kind === 'ok') {
      toast(`Undid ${codeLabel(ctx, c.code)}`);
      if (st.restored(state, last, out.coding)) {
        renderList();
        (list.children[state.cur] as HTMLElement | undefined)?.focus();
      }
    } else if (out.kind === 'conflict') {
      toast(`Not undone: ${codeLabel(ctx, c.code)} was changed by someone else (${out.current ? `now ${out.current.status}` : 'removed'}).`, 'error');
    } else {
      toast('The undo was not saved; try again.', 'error');
      state.left.push(last);
    }
  }

  async function load(append = false): Promise<void> {
    if (!append) st.reset(state);
    try {
      const common = {
        code: filters.code || undefined,
        category: filters.category || undefined,
        respondent: filters.respondent || undefined,
        document: filters.document || undefined,
        cursor: state.cursor ?? undefined,
        limit: 100,
      };
      const unfiltered = st.walksCategories(filters);
      let note: string | null = null;
      if (unfiltered) {
        // The codings API needs a filter: walk the categories that have codings of this status.
        const status = filters.status as 'accepted' | 'rejected' | 'all';
        if (!append) {
          const freq = await api.report({ projectId: ctx.projectId, kind: 'frequency', query: { status } });
          const counts = new Map(freq.categories.map((c) => [c.categoryId, c.codings]));
          state.buckets = (ctx.codebook?.book.categories ?? []).map((c) => ({ id: c.id, count: counts.get(c.id) ?? 0 }));
          state.total = state.buckets.reduce((n, b) => n + b.count, 0);
          state.across = { i: 0 };
        }
        const page = await pageAcross(state.buckets, state.across ?? { i: state.buckets.length }, PAGE, (id, c, limit) =>
          api.codings({ projectId: ctx.projectId, query: { status, category: id, cursor: c, limit } }),
        );
        state.items.push(...page.groups.flatMap((g) => g.items).map((x) => ({ coding: x.coding, segment: x.segment, document: x.document })));
        state.across = page.next;
        note = `No category, code, respondent or document chosen: every category in codebook order, ${PAGE} at a time.`;
      } else {
        const page =
          filters.status === 'proposed'
            ? await api.reviewQueue({ projectId: ctx.projectId, query: { ...common, order: filters.order } })
            : await api.codings({ projectId: ctx.projectId, query: { ...common, status: filters.status } });
        state.items.push(...page.items.map((x) => ({ coding: x.coding, segment: x.segment, document: x.document })));
        state.cursor = page.nextCursor;
      }
      const anyLearned = state.items.some((it) => it.coding.evidence.some(isLearnedEvidence));
      replaceChildren(
        msg,
        h(
          'p',
          { class: 'muted small' },
          h('span', { attrs: { 'data-testid': 'queue-count' } }),
          note ? ` · ${note}` : null,
          anyLearned ? [' · ', evidenceLegend()] : null,
        ),
      );
      const seen = new Set(Array.from(respondents.querySelectorAll('option')).map((o) => o.value));
      for (const it of state.items)
        if (it.segment.respondent && !seen.has(it.segment.respondent)) {
          seen.add(it.segment.respondent);
          respondents.append(h('option', { attrs: { value: it.segment.respondent } }));
        }
      renderList();
    } catch (e) {
      replaceChildren(msg, errorBanner(e, 'Cannot load the queue'));
    }
  }

  async function loadDocuments(): Promise<void> {
    try {
      const { items: docs } = await api.listDocuments({ projectId: ctx.projectId, query: { limit: 500 } });
      docSelect.append(...docs.map((d: DocumentSummary) => h('option', { attrs: { value: d.id, selected: d.id === filters.document } }, d.name)));
      const names = new Set(docs.flatMap((d) => d.respondents ?? (d.respondent ? [d.respondent] : [])));
      for (const r of names) respondents.append(h('option', { attrs: { value: r } }));
    } catch {
      /* the filter still works without the list */
    }
  }

  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'queue-h' } },
    h('h1', { attrs: { id: 'queue-h' } }, 'Review queue'),
    h(
      'div',
      { class: 'filters' },
      h('label', null, 'Status', statusSelect),
      h('label', null, 'Category', catSelect),
      h('label', null, 'Code', codeSelect),
      h('label', null, 'Respondent', respInput, respondents),
      h('label', null, 'Document', docSelect),
      h('label', null, 'Order', orderSelect),
    ),
    keyBar(QUEUE_KEYS, QUEUE_KEY_BAR),
    // The batch keeps to the filters on screen, so it never accepts what the reviewer does not see listed.
    filters.status === 'proposed'
      ? bulkAcceptControl(ctx, {
          documentId: filters.document,
          code: filters.code,
          category: filters.category,
          respondent: filters.respondent,
          onChange: () => void load(),
        })
      : null,
    msg,
    list,
    more,
  );
  void loadDocuments();
  void load();
  const handlers: KeyHandlers<QueueAction> = {
    nextItem: () => setCur(Math.min(state.items.length - 1, state.cur + 1)),
    previousItem: () => setCur(Math.max(0, state.cur - 1)),
    accept: () => void decide('accept'),
    reject: () => void decide('reject'),
    undo: () => void undoLast(),
    open: () => {
      const it = state.items[state.cur];
      if (it) ctx.navigate(formatRoute('review', it.document.id, { segment: it.segment.id }));
    },
  };
  return { el, onKey: (e) => dispatch(QUEUE_KEYS, handlers, e.key) };
}
