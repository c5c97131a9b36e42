// One key map per view (web/src/keys.ts): the help panel, the key bar and the keydown handler read the same
// list, so every key in the help is handled and every handled key is in the help.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionFor, dispatch, helpLines, keyLabel, keyOf, type KeyBarItem, type KeyHandlers, type KeyMap } from '../../../web/src/keys.js';
import { PICKER_HINTS, PICKER_KEYS } from '../../../web/src/picker.js';
import { QUEUE_KEY_BAR, QUEUE_KEYS } from '../../../web/src/queue/keys.js';
import { REVIEW_KEY_BAR, REVIEW_KEYS } from '../../../web/src/review/keys.js';

/** Every key a keyboard sends that could be meant as a shortcut: printable ASCII and the named keys. */
const ANY_KEY = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
  ...['Enter', 'Escape', 'Tab', 'Backspace', 'Delete', 'Home', 'End', 'PageUp', 'PageDown', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'F1'],
];

/** Handlers that record which action ran (the views' tables are typed Record<Action, …>, so none is missing). */
function recording<A extends string>(map: KeyMap<A>): { handlers: KeyHandlers<A>; ran: A[] } {
  const ran: A[] = [];
  const handlers = Object.fromEntries(map.map((b) => [b.action, () => void ran.push(b.action)])) as KeyHandlers<A>;
  return { handlers, ran };
}

const views: [string, KeyMap<string>, readonly KeyBarItem<string>[]][] = [
  ['review', REVIEW_KEYS, REVIEW_KEY_BAR],
  ['queue', QUEUE_KEYS, QUEUE_KEY_BAR],
  ['code picker', PICKER_KEYS, PICKER_HINTS],
];

describe.each(views)('%s key map', (_name, map, bar) => {
  it('every key in the help runs its action, and every key that runs an action is in the help', () => {
    const { handlers, ran } = recording(map);
    const handled = ANY_KEY.filter((k) => dispatch(map, handlers, k));
    const helped = helpLines(map).flatMap((l) => l.keys);
    expect(handled.map(keyLabel).sort()).toEqual([...helped].sort());
    expect(ran).toHaveLength(handled.length);
    for (const b of map) for (const k of b.keys) expect(actionFor(map, k)).toBe(b.action);
  });

  it('no key is bound twice, each action once, each with words in the help', () => {
    const keys = map.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(map.map((b) => b.action)).size).toBe(map.length);
    for (const line of helpLines(map)) expect(line.text.trim()).not.toBe('');
  });

  it('the key bar shows only keys of the map', () => {
    for (const item of bar) for (const a of item.actions) expect(map.some((b) => b.action === a)).toBe(true);
  });

  it('a key that is not in the map is left to the browser', () => {
    const { handlers, ran } = recording(map);
    expect(dispatch(map, handlers, 'F1')).toBe(false);
    expect(ran).toEqual([]);
  });
});

describe('key map dispatch', () => {
  it('a handler that returns false leaves the key to the browser (Enter outside placing)', () => {
    const map = [{ action: 'place', keys: ['Enter'], help: 'place' }] as const;
    let placing = false;
    const handlers = { place: () => (placing ? undefined : false) };
    expect(dispatch(map, handlers, 'Enter')).toBe(false);
    placing = true;
    expect(dispatch(map, handlers, 'Enter')).toBe(true);
  });

  it('keys are shown as on the keyboard; buttons show the first key of their action', () => {
    expect(helpLines(REVIEW_KEYS).slice(0, 2)).toEqual([
      { keys: ['j', '↓'], text: 'next segment' },
      { keys: ['k', '↑'], text: 'previous segment' },
    ]);
    expect(keyOf(REVIEW_KEYS, 'cancelPlacing')).toBe('Esc');
    expect(keyOf(QUEUE_KEYS, 'open')).toBe('o');
  });

  it('the views read keys only through their map (no second list of keys in a switch or an if)', () => {
    for (const file of ['web/src/views/review.ts', 'web/src/views/queue.ts', 'web/src/picker.ts']) {
      const src = readFileSync(file, 'utf8');
      expect(src, file).not.toMatch(/case '[^']+':|e\.key\s*===/);
      expect(src, file).not.toMatch(/kbd\('/);
    }
  });
});
