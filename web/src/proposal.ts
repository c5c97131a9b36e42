// How a proposal's strength and evidence kinds are shown, the same in the review and queue views.
import type { CodingView } from '../../lib/api/contract.js';
import { h } from './dom.js';
import { confidencePercent } from './evidence.js';

/**
 * A proposal's calibrated confidence ("82 %") or, on proposals from before the learned ranker, its rule
 * score; null for human codings.
 */
export function scoreLabel(c: CodingView, long = false): HTMLElement | null {
  if (c.origin !== 'rule') return null;
  const pct = confidencePercent(c.confidence);
  if (pct)
    return h(
      'span',
      { class: 'score confidence', attrs: { title: 'Estimated chance that a reviewer accepts this proposal', 'data-testid': 'confidence' } },
      long ? `confidence ${pct}` : pct,
    );
  return h('span', { class: 'score' }, long ? `score ${c.score.toFixed(2)}` : c.score.toFixed(2));
}

/** What the two kinds of highlight mean; shown where learned words are highlighted. */
export function evidenceLegend(): HTMLElement {
  return h(
    'span',
    { class: 'legend small muted', attrs: { 'data-testid': 'evidence-legend' } },
    h('mark', null, 'rule match'),
    ' ',
    h('mark', { class: 'learned' }, 'words the model learned'),
  );
}
