// Sends decisions and turns a stale write (409) into something the reviewer can act on: the
// coding's current state next to what they meant to do, with a button to apply it anyway.
import type { DecisionBody } from '../../lib/api/contract.js';
import { api, conflictCurrent, type CodingView } from './api.js';
import { codeLabel, type Ctx } from './context.js';
import { h } from './dom.js';
import { ApiError } from './http.js';

export type Outcome =
  | { kind: 'ok'; coding: CodingView | null }
  | { kind: 'conflict'; current: CodingView | null; message: string }
  | { kind: 'error'; error: unknown };

export async function sendDecision(ctx: Ctx, body: DecisionBody): Promise<Outcome> {
  try {
    const res = await api.decide({ projectId: ctx.projectId, body });
    return { kind: 'ok', coding: res.coding };
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      return { kind: 'conflict', current: conflictCurrent(e) ?? null, message: e.message };
    }
    return { kind: 'error', error: e };
  }
}

const verbs: Record<DecisionBody['action'], string> = {
  accept: 'accept',
  reject: 'reject',
  add: 'add',
  undo: 'undo the last decision on',
  place: 'place the detached',
  drop: 'drop the detached',
};

function describe(c: CodingView | null): string {
  if (!c) return 'it no longer exists';
  const who = c.decidedBy ? ` by ${c.decidedBy}` : '';
  const when = c.decidedAt ? ` at ${new Date(c.decidedAt).toLocaleString()}` : '';
  return `it is now ${c.status}${who}${when}`;
}

/**
 * The 409 banner. `retry` re-sends the reviewer's intent against the current version; `keep`
 * accepts the current state. The reviewer's intent stays on screen until they choose.
 */
export function conflictBanner(
  ctx: Ctx,
  intent: DecisionBody,
  codeId: string,
  current: CodingView | null,
  retry: (() => void) | null,
  keep: () => void,
): HTMLElement {
  // Re-sending is pointless when the coding already is what the reviewer wanted (the API refuses no-ops).
  const wanted = intent.action === 'accept' || intent.action === 'add' ? 'accepted' : intent.action === 'reject' ? 'rejected' : null;
  const alreadyDone = current !== null && wanted !== null && current.status === wanted;
  const retryBtn =
    retry && current && !alreadyDone
      ? h('button', { class: 'primary', attrs: { type: 'button' }, on: { click: retry } }, `${intent.action[0]!.toUpperCase()}${intent.action.slice(1)} anyway`)
      : null;
  const el = h(
    'div',
    { class: 'banner conflict', attrs: { role: 'alert', 'data-testid': 'conflict' } },
    h('strong', null, 'Someone decided this first. '),
    `You wanted to ${verbs[intent.action]} “${codeLabel(ctx, codeId)}”; ${describe(current)}${alreadyDone ? ' — as you wanted' : ''}.`,
    h('div', { class: 'toolbar tight' }, retryBtn, h('button', { attrs: { type: 'button' }, on: { click: keep } }, 'Keep the current state')),
  );
  return el;
}
