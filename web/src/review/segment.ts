// One segment in the reading column: speaker and position, the text with the codings' evidence and spans
// marked, and a chip per coding. Data reaches the page as text only (web/src/dom.ts).
import type { CodingView } from '../api.js';
import { codeLabel, type Ctx } from '../context.js';
import { h } from '../dom.js';
import { highlightEvidence, isLearnedEvidence } from '../evidence.js';
import { hueFor, toRuns, type Span } from '../highlight.js';
import { scoreLabel } from '../proposal.js';
import { anchorBadge } from './anchor.js';
import { ordered, type Seg } from './state.js';

export function formatMs(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh ? `${hh}:` : ''}${String(mm).padStart(hh ? 2 : 1, '0')}:${String(ss).padStart(2, '0')}`;
}

/**
 * The segment's article. `active` (on the current segment) gets its evidence in focus; `onPick` runs when
 * the reader releases the mouse on it (clicking or selecting text in it).
 */
export function segmentArticle(ctx: Ctx, s: Seg, index: number, isCur: boolean, active: CodingView | undefined, onPick: (index: number) => void): HTMLElement {
  const spans: Span[] = [];
  for (const c of s.codings) {
    if (c.status === 'rejected') continue;
    // Each matched word once, inside the coding's span when it has one (lib/review/evidence-view.ts).
    for (const ev of highlightEvidence(c, s.text).shown) spans.push({ start: ev.start, end: ev.end, key: c.id, learned: isLearnedEvidence(ev) });
    if (c.span) spans.push({ start: c.span.start, end: c.span.end, key: c.id });
  }
  const body = h('div', { class: 'body', attrs: { 'data-testid': 'segment-text' } });
  for (const run of toRuns(s.text, spans)) {
    if (run.keys.length === 0) body.append(document.createTextNode(run.text));
    else {
      const codes = run.keys.map((k) => s.codings.find((c) => c.id === k)?.code ?? k);
      body.append(
        h(
          'mark',
          {
            class: [run.learned ? 'learned' : '', active && run.keys.includes(active.id) ? 'focus' : ''].filter(Boolean).join(' ') || undefined,
            attrs: {
              title: `${codes.map((c) => codeLabel(ctx, c)).join(', ')}${run.learned ? ' (a word the model learned)' : ''}`,
              'data-keys': run.keys.join(' '),
            },
          },
          run.text,
        ),
      );
    }
  }
  const chips = ordered(s.codings).map((c) =>
    h(
      'span',
      { class: `chip ${c.status}`, attrs: { 'data-code': c.code, 'data-status': c.status } },
      h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' }, style: { background: `hsl(${hueFor(c.categoryId)} 60% 45%)` } }),
      codeLabel(ctx, c.code),
      scoreLabel(c) ?? h('span', { class: 'small' }, c.span ? 'span' : 'added'),
      anchorBadge(c),
    ),
  );
  const meta = h(
    'div',
    { class: 'meta' },
    h('span', { class: 'speaker' }, s.speaker ?? (s.respondent ? '' : '—')),
    s.respondent && s.respondent !== s.speaker ? h('span', null, `respondent: ${s.respondent}`) : null,
    h('span', null, `#${s.index + 1}`),
    s.page !== null ? h('span', null, `p. ${s.page}`) : null,
    typeof s.startMs === 'number' ? h('span', null, formatMs(s.startMs)) : null,
  );
  return h(
    'article',
    {
      class: `segment${isCur ? ' current' : ''}`,
      attrs: { id: `seg-${s.id}`, role: 'listitem', tabindex: isCur ? 0 : -1, 'aria-current': isCur ? 'true' : undefined, 'data-segment': s.id },
      // The view decides whether it is another segment: the current one may have moved since this render.
      on: { mouseup: () => onPick(index) },
    },
    meta,
    body,
    chips.length ? h('div', { class: 'chips' }, chips) : null,
  );
}

/** Marks the current segment and the active proposal's evidence without re-rendering (keeps a text selection). */
export function markCurrent(segments: readonly Seg[], segEls: ReadonlyMap<string, HTMLElement>, cur: number, active: CodingView | undefined): void {
  segments.forEach((s, i) => {
    const e = segEls.get(s.id);
    if (!e) return;
    const isCur = i === cur;
    e.classList.toggle('current', isCur);
    e.tabIndex = isCur ? 0 : -1;
    if (isCur) e.setAttribute('aria-current', 'true');
    else e.removeAttribute('aria-current');
    for (const m of Array.from(e.querySelectorAll<HTMLElement>('mark'))) {
      m.classList.toggle('focus', isCur && !!active && (m.dataset.keys ?? '').split(' ').includes(active.id));
    }
  });
}
