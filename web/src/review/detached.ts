// Codings whose passage a re-upload removed: the list under the text (place or drop each) and the banner
// that guides the reader while one is being placed.
import type { CodingView } from '../api.js';
import { codeLabel, type Ctx } from '../context.js';
import { h } from '../dom.js';
import { keyOf } from '../keys.js';
import { anchorBadge, anchorNote } from './anchor.js';
import { REVIEW_KEYS, type ReviewAction } from './keys.js';

const key = (action: ReviewAction) => keyOf(REVIEW_KEYS, action);

/** What the detached list can ask the view to do with one of its codings. */
export interface DetachedActions {
  place(c: CodingView): void;
  drop(c: CodingView): void;
}

/** Kept (uncounted, unexported) until the researcher re-places or drops them. */
export function detachedSection(ctx: Ctx, codings: readonly CodingView[], act: DetachedActions, placingId: string | null): HTMLElement {
  return h(
    'section',
    { class: 'detached-list', attrs: { 'aria-label': 'Detached codings', 'data-testid': 'detached' } },
    h('h2', null, `Detached codings (${codings.length})`),
    h(
      'p',
      { class: 'muted small' },
      'Their passage is no longer in the re-uploaded file. They are kept with the old text and left out of reports and exports: place each on the passage where it belongs now, or drop it (its history stays in the audit trail).',
    ),
    codings.map((c) => {
      // Drop asks once more on the button itself: it cannot be undone.
      const dropBtn = h('button', { class: 'reject', attrs: { type: 'button', 'data-testid': 'drop' } }, 'Drop');
      dropBtn.addEventListener('click', () => {
        if (dropBtn.dataset.confirm) return act.drop(c);
        dropBtn.dataset.confirm = 'yes';
        dropBtn.textContent = 'Drop for good? (cannot be undone)';
      });
      return h(
        'div',
        { class: `proposal${placingId === c.id ? ' active' : ''}`, attrs: { 'data-code': c.code, 'data-status': c.status, 'data-coding': c.id } },
        h('div', { class: 'row' }, h('span', { class: 'code' }, codeLabel(ctx, c.code)), h('span', { class: `status ${c.status}` }, c.status), anchorBadge(c)),
        anchorNote(c),
        h(
          'div',
          { class: 'toolbar tight' },
          h('button', { attrs: { type: 'button', 'data-testid': 'place' }, on: { click: () => act.place(c) } }, 'Place on a passage…'),
          dropBtn,
        ),
      );
    }),
  );
}

/** Above the text while `placing` is being placed; null otherwise. */
export function placingBanner(ctx: Ctx, placing: CodingView | null): HTMLElement | null {
  if (!placing) return null;
  return h(
    'div',
    { class: 'banner info', attrs: { 'data-testid': 'placing' } },
    h('strong', null, `Placing “${codeLabel(ctx, placing.code)}”. `),
    `Go to the passage where it belongs now (click it, or ${key('nextSegment')} / ${key('previousSegment')}), select text to place it on a span, then press Place here (${key('placeHere')}; ${key('cancelPlacing')} cancels). `,
    `It was on: “${placing.anchor?.fromText ?? ''}”`,
  );
}
