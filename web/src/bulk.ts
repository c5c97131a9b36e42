// "Accept all above [90] %": first a dry run shows how many proposals that is and the precision to
// expect (their mean confidence), then the reviewer applies it; the batch then has one Undo. Used by
// the queue (the whole project or its document filter) and the review view (one document).
import type { BulkAcceptResult, BulkUndoResultView } from '../../lib/api/contract.js';
import { api } from './api.js';
import type { Ctx } from './context.js';
import { h, replaceChildren, toast } from './dom.js';
import { errorBanner } from './errors.js';

const pct = (x: number | null): string => (x === null ? '–' : `${Math.round(x * 100)} %`);

/** Where the batch applies: one document and/or the queue's filters; none: the whole project. */
export interface BulkScope {
  documentId?: string;
  code?: string;
  category?: string;
  respondent?: string;
}

export function bulkAcceptControl(ctx: Ctx, opts: BulkScope & { onChange: () => void }): HTMLElement {
  const scope: BulkScope = {};
  for (const k of ['documentId', 'code', 'category', 'respondent'] as const) if (opts[k]) scope[k] = opts[k];
  const where = Object.keys(scope).length ? 'matching the filters' : 'in the project';
  const input = h('input', {
    attrs: { type: 'number', min: 50, max: 100, step: 1, value: 90, 'aria-label': 'Confidence threshold in percent', 'data-testid': 'bulk-threshold' },
  });
  const out = h('span', { class: 'bulk-out', attrs: { 'aria-live': 'polite', 'data-testid': 'bulk-status' } });
  let busy = false;

  const threshold = (): number | null => {
    const v = Number(input.value);
    return Number.isFinite(v) && v >= 50 && v <= 100 ? v / 100 : null;
  };

  async function guarded(fn: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      await fn();
    } catch (e) {
      replaceChildren(out, errorBanner(e, 'Bulk accept'));
    } finally {
      busy = false;
    }
  }

  const check = () =>
    guarded(async () => {
      const min = threshold();
      if (min === null) {
        replaceChildren(out, h('span', { class: 'banner warn' }, 'Give a threshold between 50 and 100 %.'));
        return;
      }
      const dry = await api.bulkAccept({ projectId: ctx.projectId, body: { minConfidence: min, dryRun: true, ...scope } });
      if (dry.count === 0) {
        replaceChildren(out, h('span', { class: 'muted' }, `No undecided proposals ${where} at or above ${pct(min)}.`));
        return;
      }
      replaceChildren(
        out,
        h(
          'span',
          { attrs: { 'data-testid': 'bulk-estimate' } },
          `${dry.count} proposal${dry.count === 1 ? '' : 's'}${dry.documents > 1 ? ` in ${dry.documents} documents` : ''}, estimated precision ${pct(dry.estimatedPrecision)}`,
        ),
        ' ',
        h('button', { class: 'primary', attrs: { type: 'button', 'data-testid': 'bulk-apply' }, on: { click: () => void apply(min) } }, `Accept ${dry.count}`),
        h('button', { attrs: { type: 'button' }, on: { click: () => replaceChildren(out) } }, 'Cancel'),
      );
    });

  const apply = (min: number) =>
    guarded(async () => {
      const done: BulkAcceptResult = await api.bulkAccept({ projectId: ctx.projectId, body: { minConfidence: min, ...scope } });
      const batchId = done.batchId!;
      replaceChildren(
        out,
        h(
          'span',
          { attrs: { 'data-testid': 'bulk-done' } },
          `Accepted ${done.count} proposal${done.count === 1 ? '' : 's'} at or above ${pct(min)} (estimated precision ${pct(done.estimatedPrecision)}).`,
        ),
        ' ',
        h('button', { attrs: { type: 'button', 'data-testid': 'bulk-undo' }, on: { click: () => void undo(batchId) } }, 'Undo this batch'),
      );
      toast(`Accepted ${done.count} proposals`);
      opts.onChange();
    });

  const undo = (batchId: string) =>
    guarded(async () => {
      const r: BulkUndoResultView = await api.undoBulkAccept({ projectId: ctx.projectId, batchId });
      replaceChildren(
        out,
        h(
          'span',
          { attrs: { 'data-testid': 'bulk-undone' } },
          `Undone: ${r.undone} back to review.`,
          r.changed.length
            ? ` ${r.changed.length} changed since the batch and ${r.changed.length === 1 ? 'was' : 'were'} left as ${r.changed.length === 1 ? 'it is' : 'they are'}.`
            : '',
        ),
      );
      toast(`Undid the batch: ${r.undone} back to review`);
      opts.onChange();
    });

  return h(
    'div',
    { class: 'bulk toolbar', attrs: { 'data-testid': 'bulk' } },
    h('label', { attrs: { title: `Undecided proposals ${where} whose confidence is at least this` } }, 'Accept all above ', input, ' %'),
    h('button', { attrs: { type: 'button', 'data-testid': 'bulk-check' }, on: { click: () => void check() } }, 'Check…'),
    out,
  );
}
