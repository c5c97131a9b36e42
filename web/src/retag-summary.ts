// After a codebook change the documents are re-tagged in the background. Once every tagged document has been
// tagged with the new version, this says how many new proposals came where, and how many a finished document
// (every proposal decided) did not get because they were below the re-open confidence.
import type { DocumentSummary } from './api.js';
import { h } from './dom.js';

export interface RetagTally {
  /** Documents still to be tagged with the version. */
  pending: number;
  added: Array<{ name: string; added: number; finished: boolean }>;
  /** Finished documents that stayed closed (no new proposal at all). */
  keptClosed: number;
  /** New proposals left out on finished documents for being below the re-open confidence, per document. */
  withheld: Array<{ name: string; withheld: number }>;
}

export function tallyRetag(docs: readonly DocumentSummary[], version: string): RetagTally {
  const tally: RetagTally = { pending: 0, added: [], keptClosed: 0, withheld: [] };
  for (const d of docs) {
    if (d.status !== 'TAGGED' && d.status !== 'EXTRACTED') continue;
    const t = d.lastTagging;
    if (!t || t.codebookVersion !== version) {
      tally.pending++;
      continue;
    }
    if (t.added > 0) tally.added.push({ name: d.name, added: t.added, finished: t.finished });
    if (t.finished && t.added === 0) tally.keptClosed++;
    if (t.withheld > 0) tally.withheld.push({ name: d.name, withheld: t.withheld });
  }
  return tally;
}

/** The banner: "Re-tagged: 7 new proposals in 2 documents (a.txt 5, b.txt 2) …", or progress while it runs. */
export function retagBanner(tally: RetagTally, minConfidencePercent: number): HTMLElement {
  if (tally.pending > 0)
    return h('p', { class: 'banner info', attrs: { 'data-testid': 'retag-summary' } }, `Re-tagging with the new codebook: ${tally.pending} document(s) to go…`);
  const total = tally.added.reduce((n, a) => n + a.added, 0);
  return h(
    'div',
    { class: 'banner info', attrs: { 'data-testid': 'retag-summary', 'data-done': 'true' } },
    h(
      'strong',
      null,
      `Re-tagged with the new codebook: ${total} new proposal${total === 1 ? '' : 's'}${tally.added.length ? ` in ${tally.added.length} document${tally.added.length === 1 ? '' : 's'}` : ''}. `,
    ),
    tally.added.length ? h('span', null, tally.added.map((a) => `${a.name}: ${a.added}${a.finished ? ' (was finished)' : ''}`).join(' · '), '. ') : null,
    tally.withheld.length
      ? h(
          'span',
          { class: 'hint', attrs: { 'data-testid': 'retag-withheld' } },
          `Documents whose proposals were all decided get only new proposals of at least ${minConfidencePercent} % confidence: `,
          tally.withheld.map((w) => `${w.name}: ${w.withheld} left out`).join(' · '),
          tally.keptClosed ? `; ${tally.keptClosed} finished document${tally.keptClosed === 1 ? '' : 's'} stayed closed.` : '.',
        )
      : null,
  );
}
