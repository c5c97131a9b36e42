// Renders an error as a banner: the server's message, its hint and where it happened.
import { h } from './dom.js';
import { ApiError } from './http.js';

export function errorBanner(e: unknown, prefix?: string): HTMLElement {
  const message = e instanceof Error ? e.message : String(e);
  const hint = e instanceof ApiError ? e.hint : undefined;
  const where = e instanceof ApiError ? e.where : undefined;
  return h(
    'div',
    { class: 'banner error', attrs: { role: 'alert' } },
    prefix ? `${prefix}: ` : '',
    message,
    where ? h('span', { class: 'hint' }, `Where: ${where}`) : null,
    hint ? h('span', { class: 'hint' }, hint) : null,
  );
}
