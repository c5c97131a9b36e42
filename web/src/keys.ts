// A view's keyboard shortcuts written once: each binding says which keys run which action and what the
// help says about it. The keydown handler, the help panel and the key bar are all read from that list,
// so a key cannot be documented without being handled, or handled without being documented.
import { h, kbd } from './dom.js';

export interface KeyBinding<A extends string> {
  action: A;
  /** KeyboardEvent.key values; the first is the one buttons and the key bar show. */
  keys: readonly string[];
  /** The line in the help panel. */
  help: string;
}

export type KeyMap<A extends string> = readonly KeyBinding<A>[];

/** One entry of the key bar: the first key of each action joined by "/", then the label ("j/k segment"). */
export interface KeyBarItem<A extends string> {
  actions: readonly A[];
  label: string;
  /** Words before the keys ("select text + c to code a span"). */
  before?: string;
}

/** What the handler of an action returns: false when the key did nothing now (the browser keeps it). */
// biome-ignore lint/suspicious/noConfusingVoidType: most handlers return nothing
export type KeyHandlers<A extends string> = Record<A, () => boolean | void>;

const SHOWN: Readonly<Record<string, string>> = { ArrowDown: '↓', ArrowUp: '↑', ArrowLeft: '←', ArrowRight: '→', Escape: 'Esc' };

/** How a key is written on screen. */
export function keyLabel(key: string): string {
  return SHOWN[key] ?? key;
}

export function actionFor<A extends string>(map: KeyMap<A>, key: string): A | undefined {
  return map.find((b) => b.keys.includes(key))?.action;
}

/** The key a button shows for its action (the binding's first key). */
export function keyOf<A extends string>(map: KeyMap<A>, action: A): string {
  const b = map.find((x) => x.action === action);
  if (!b) throw new Error(`no key for ${action}`);
  return keyLabel(b.keys[0]!);
}

/** Runs the action bound to `key`; true when the view used the key (the caller then prevents the default). */
export function dispatch<A extends string>(map: KeyMap<A>, handlers: KeyHandlers<A>, key: string): boolean {
  const action = actionFor(map, key);
  return action !== undefined && handlers[action]() !== false;
}

/** The help panel's lines as data: every key of every binding, as written on screen. */
export function helpLines<A extends string>(map: KeyMap<A>): { keys: string[]; text: string }[] {
  return map.map((b) => ({ keys: b.keys.map(keyLabel), text: b.help }));
}

/** The help panel's grid: keys, then what they do. */
export function keysHelp<A extends string>(map: KeyMap<A>): HTMLElement {
  return h(
    'div',
    { class: 'keys' },
    helpLines(map).map((line) => [
      h(
        'span',
        null,
        line.keys.map((k, i) => [i ? ' ' : '', kbd(k)]),
      ),
      line.text,
    ]),
  );
}

/** Keys inline in a sentence: "↑ ↓ choose · Enter apply · Esc cancel" (a dialog's footer). */
export function keyHints<A extends string>(map: KeyMap<A>, items: readonly KeyBarItem<A>[]): (HTMLElement | string)[] {
  return items
    .flatMap((item, n) => [n ? ' · ' : '', ...item.actions.flatMap((a, i) => [i ? ' ' : '', kbd(keyOf(map, a))]), ` ${item.label}`])
    .filter((c) => c !== '');
}

/** The everyday keys above the text (hidden from screen readers: the help panel says it all). */
export function keyBar<A extends string>(map: KeyMap<A>, items: readonly KeyBarItem<A>[]): HTMLElement {
  return h(
    'div',
    { class: 'keybar', attrs: { 'aria-hidden': 'true' } },
    items.map((item) =>
      h(
        'span',
        null,
        item.before ?? null,
        item.actions.map((a, i) => [i ? '/' : '', kbd(keyOf(map, a))]),
        ` ${item.label}`,
      ),
    ),
  );
}
