// The code picker: the codebook tree (category → codes) with search, arrow keys and Enter.
import type { CodebookIndex, CodeInfo } from './context.js';
import { h, replaceChildren } from './dom.js';
import { dispatch, keyHints, type KeyBarItem, type KeyHandlers, type KeyMap } from './keys.js';

/** The picker's keys, written once: its search field's keydown handler and its footer read them. */
export const PICKER_KEYS = [
  { action: 'down', keys: ['ArrowDown'], help: 'next code' },
  { action: 'up', keys: ['ArrowUp'], help: 'previous code' },
  { action: 'apply', keys: ['Enter'], help: 'apply the chosen code' },
  { action: 'cancel', keys: ['Escape'], help: 'close without a code' },
] as const satisfies KeyMap<string>;
type PickerAction = (typeof PICKER_KEYS)[number]['action'];
export const PICKER_HINTS: readonly KeyBarItem<PickerAction>[] = [
  { actions: ['up', 'down'], label: 'choose' },
  { actions: ['apply'], label: 'apply' },
  { actions: ['cancel'], label: 'cancel' },
];

/** Lower-case and strip diacritics so "ideeen" finds "ideeën". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Codes matching every word of the query in id, name, category or definition, in codebook order. */
export function filterCodes(index: CodebookIndex, query: string): CodeInfo[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const out: CodeInfo[] = [];
  for (const code of index.codes.values()) {
    const hay = fold(`${code.id} ${code.name} ${code.categoryName} ${code.definition ?? ''}`);
    if (words.every((w) => hay.includes(w))) out.push(code);
  }
  return out;
}

/** Opens the picker; resolves with the chosen code id, or null when cancelled. */
export function pickCode(index: CodebookIndex, title: string): Promise<string | null> {
  return new Promise((resolve) => {
    const search = h('input', {
      attrs: { type: 'search', placeholder: 'Search codes…', 'aria-label': 'Search codes', autocomplete: 'off', 'aria-controls': 'picker-list' },
    });
    const list = h('ul', { attrs: { role: 'listbox', id: 'picker-list', 'aria-label': 'Codes' } });
    let matches: CodeInfo[] = [];
    let active = 0;
    let settled = false;

    const dialog = h(
      'dialog',
      { class: 'picker', attrs: { 'aria-label': title } },
      h(
        'form',
        { attrs: { method: 'dialog' } },
        h('header', null, h('h2', null, title)),
        search,
        list,
        h(
          'footer',
          null,
          h('span', { class: 'muted small' }, keyHints(PICKER_KEYS, PICKER_HINTS)),
          h('button', { attrs: { type: 'button' }, on: { click: () => finish(null) } }, 'Cancel'),
        ),
      ),
    );

    function finish(value: string | null): void {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    }

    function render(): void {
      matches = filterCodes(index, search.value);
      active = Math.min(active, Math.max(0, matches.length - 1));
      const items: HTMLElement[] = [];
      let lastCat = '';
      matches.forEach((code, i) => {
        if (code.categoryId !== lastCat) {
          lastCat = code.categoryId;
          items.push(h('li', { class: 'cat', attrs: { role: 'presentation' } }, code.categoryName));
        }
        items.push(
          h(
            'li',
            {
              class: 'code',
              attrs: { role: 'option', id: `pick-${i}`, 'aria-selected': i === active ? 'true' : 'false', 'data-code': code.id },
              on: { click: () => finish(code.id), mousemove: () => setActive(i) },
            },
            h('span', null, code.name),
            code.definition ? h('span', { class: 'muted small' }, code.definition.length > 140 ? `${code.definition.slice(0, 140)}…` : code.definition) : null,
          ),
        );
      });
      if (matches.length === 0) items.push(h('li', { class: 'muted', attrs: { role: 'presentation' } }, 'No code matches.'));
      replaceChildren(list, items);
      search.setAttribute('aria-activedescendant', matches.length ? `pick-${active}` : '');
    }

    function setActive(i: number): void {
      if (i === active) return;
      list.querySelector(`#pick-${active}`)?.setAttribute('aria-selected', 'false');
      active = i;
      const el = list.querySelector(`#pick-${active}`);
      el?.setAttribute('aria-selected', 'true');
      el?.scrollIntoView({ block: 'nearest' });
      search.setAttribute('aria-activedescendant', `pick-${active}`);
    }

    search.addEventListener('input', () => {
      active = 0;
      render();
    });
    const handlers: KeyHandlers<PickerAction> = {
      down: () => setActive(Math.min(matches.length - 1, active + 1)),
      up: () => setActive(Math.max(0, active - 1)),
      cancel: () => finish(null), // Chrome would first just clear a search field
      apply: () => {
        const code = matches[active];
        if (code) finish(code.id);
      },
    };
    search.addEventListener('keydown', (e) => {
      if (dispatch(PICKER_KEYS, handlers, e.key)) e.preventDefault();
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    dialog.addEventListener('click', (e) => {
      if (e.target === dialog) finish(null); // click on the backdrop
    });

    document.body.append(dialog);
    render();
    dialog.showModal();
    search.focus();
  });
}
