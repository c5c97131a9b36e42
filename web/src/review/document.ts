// The review page around the segments: the document chooser (no document in the URL), the document
// menu, and the banner once every proposal of the document is decided.
import { api, type DocumentDetail, type DocumentSummary } from '../api.js';
import type { Ctx } from '../context.js';
import { h, kbd, replaceChildren } from '../dom.js';
import { errorBanner } from '../errors.js';
import { keyOf } from '../keys.js';
import { formatRoute } from '../route.js';
import { REVIEW_KEYS } from './keys.js';

/** Without a document id: list the tagged documents with what is left to review. */
export async function chooseDocument(ctx: Ctx, el: HTMLElement): Promise<void> {
  replaceChildren(el, h('h1', { attrs: { id: 'review-h' } }, 'Review'), h('p', { class: 'muted' }, 'Loading…'));
  try {
    const { items } = await api.listDocuments({ projectId: ctx.projectId, query: { limit: 500, counts: 'true' } });
    const tagged = items.filter((d) => d.status === 'TAGGED');
    replaceChildren(
      el,
      h('h1', { attrs: { id: 'review-h' } }, 'Review'),
      tagged.length === 0
        ? h('p', { class: 'banner info' }, 'No tagged documents yet. ', h('a', { attrs: { href: formatRoute('upload') } }, 'Upload transcripts'), ' first.')
        : h(
            'table',
            { attrs: { 'aria-label': 'Documents to review' } },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', null, 'Document'),
                h('th', { class: 'num' }, 'To review'),
                h('th', { class: 'num' }, 'Accepted'),
                h('th', { class: 'num' }, 'Rejected'),
              ),
            ),
            h(
              'tbody',
              null,
              tagged.map((d) =>
                h(
                  'tr',
                  { dataset: { doc: d.name } },
                  h('td', null, h('a', { attrs: { href: formatRoute('review', d.id) } }, d.name)),
                  h('td', { class: 'num' }, d.counts?.proposed ?? ''),
                  h('td', { class: 'num' }, d.counts?.accepted ?? ''),
                  h('td', { class: 'num' }, d.counts?.rejected ?? ''),
                ),
              ),
            ),
          ),
    );
  } catch (e) {
    replaceChildren(el, h('h1', { attrs: { id: 'review-h' } }, 'Review'), errorBanner(e));
  }
}

/** The document menu: the tagged documents, each with what is left to review; choosing one opens it. */
export function documentMenu(ctx: Ctx, docs: readonly DocumentSummary[], documentId: string): HTMLSelectElement {
  const select = h(
    'select',
    { attrs: { 'aria-label': 'Document' }, on: { change: () => ctx.navigate(formatRoute('review', select.value)) } },
    docs
      .filter((d) => d.status === 'TAGGED')
      .map((d) => h('option', { attrs: { value: d.id, selected: d.id === documentId } }, d.counts ? `${d.name} (${d.counts.proposed} to review)` : d.name)),
  );
  return select;
}

/** Every coding is decided: the next document with undecided proposals (and its button), or the report. */
export function doneBanner(detail: DocumentDetail | null, total: number, nextDoc: DocumentSummary | null, openNext: () => void): HTMLElement {
  return h(
    'div',
    { class: 'banner info done', attrs: { 'data-testid': 'document-done' } },
    h('strong', null, `All ${total} codings in ${detail?.document.name ?? 'this document'} are decided. `),
    nextDoc
      ? [
          `Next: ${nextDoc.name} (${nextDoc.counts?.proposed ?? 0} to review). `,
          h(
            'button',
            { class: 'primary', attrs: { type: 'button', 'data-testid': 'next-document' }, on: { click: () => openNext() } },
            'Open next document',
            kbd(keyOf(REVIEW_KEYS, 'nextUndecided')),
          ),
        ]
      : ['No other document has undecided proposals. ', h('a', { attrs: { href: formatRoute('report') } }, 'See the report'), '.'],
  );
}
