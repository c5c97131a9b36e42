// The upload view's "Stuck in the pipeline" panel: the project's dead letters (messages the queues gave
// up on) with the reason and time of the last failure, a Retry per item and Retry all, which do what
// `qualtag status --retry` does. Only the project's owner sees it; empty (or on AWS, where the SQS
// dead-letter queues are the operator's) it shows nothing. Every value reaches the page as text.
import { api, type DeadLetterView } from './api.js';
import { h, replaceChildren } from './dom.js';
import { errorBanner } from './errors.js';

const STEP: Record<DeadLetterView['queue'], string> = { ingest: 'reading the file', tag: 'tagging', export: 'export' };

export interface DeadLettersPanel {
  el: HTMLElement;
  /** Reads the list again (the upload view calls it on each of its refreshes). */
  refresh(): Promise<void>;
}

/** `onRetried` runs after a retry so the documents table follows the retried files. */
export function deadLettersPanel(projectId: string, isOwner: () => boolean, onRetried: () => void): DeadLettersPanel {
  const body = h('tbody');
  const msg = h('div', { attrs: { 'aria-live': 'polite' } });
  const retryAll = h('button', { attrs: { type: 'button', 'data-testid': 'dead-letters-retry-all' } }, 'Retry all');
  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'dead-letters-h', 'data-testid': 'dead-letters' } },
    h('h2', { attrs: { id: 'dead-letters-h' } }, 'Stuck in the pipeline'),
    h(
      'p',
      { class: 'muted small' },
      'These steps failed several times in a row and were set aside. The stack retries them by itself a few times; retry them now once the cause is fixed.',
    ),
    h('div', { class: 'actions' }, retryAll),
    msg,
    h(
      'table',
      { attrs: { 'aria-label': 'Stuck in the pipeline' } },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'What'),
          h('th', null, 'Step'),
          h('th', null, 'Why it failed'),
          h('th', null, 'Failed at'),
          h('th', null, h('span', { class: 'visually-hidden' }, 'Retry')),
        ),
      ),
      body,
    ),
  );
  el.hidden = true;
  let busy = false;

  async function retry(ids: string[] | undefined, button: HTMLButtonElement): Promise<void> {
    if (busy) return;
    busy = true;
    button.disabled = true;
    try {
      const r = await api.retryDeadLetters({ projectId, body: ids ? { ids } : {} });
      replaceChildren(msg, h('p', { class: 'banner info' }, `${r.retried} step${r.retried === 1 ? '' : 's'} put back in the pipeline.`));
      onRetried();
    } catch (e) {
      replaceChildren(msg, errorBanner(e, 'Cannot retry'));
    } finally {
      busy = false;
      button.disabled = false;
    }
    await refresh();
  }
  retryAll.addEventListener('click', () => void retry(undefined, retryAll));

  function row(d: DeadLetterView): HTMLElement {
    const button = h('button', { attrs: { type: 'button', 'aria-label': `Retry ${d.subject}` } }, 'Retry');
    button.addEventListener('click', () => void retry([d.id], button));
    const failedAt = new Date(d.failedAt);
    const next = d.nextRetryAt ? `retried by itself at ${new Date(d.nextRetryAt).toLocaleTimeString()}` : 'no more automatic retries';
    return h(
      'tr',
      { dataset: { deadLetter: d.subject } },
      h('td', null, d.subject),
      h('td', { class: 'small' }, STEP[d.queue] ?? d.queue),
      h(
        'td',
        null,
        h('div', { class: 'small', attrs: { 'data-testid': 'dead-letter-reason' } }, d.reason),
        h('div', { class: 'muted small' }, `${d.receiveCount} tries, ${d.redrives} retries so far; ${next}`),
      ),
      h('td', { class: 'small' }, h('time', { attrs: { datetime: d.failedAt } }, Number.isNaN(failedAt.getTime()) ? d.failedAt : failedAt.toLocaleString())),
      h('td', null, button),
    );
  }

  async function refresh(): Promise<void> {
    if (!isOwner()) {
      el.hidden = true;
      return;
    }
    try {
      const list = await api.deadLetters({ projectId });
      replaceChildren(body, list.items.map(row));
      // Nothing stuck: the panel goes (with the note of the last retry); an error stays until it is read.
      if (list.items.length === 0 && !msg.querySelector('.error')) replaceChildren(msg);
      el.hidden = list.items.length === 0 && !msg.hasChildNodes();
    } catch (e) {
      replaceChildren(msg, errorBanner(e, 'Cannot list the failed pipeline steps'));
      el.hidden = false;
    }
  }

  return { el, refresh };
}
