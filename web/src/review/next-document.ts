// After the last decision of a document: which document to offer next.
import type { DocumentSummary } from '../../../lib/api/contract.js';

/** The next TAGGED document after `currentId` (in list order, wrapping around) that still has undecided proposals. */
export function nextDocumentToReview(docs: readonly DocumentSummary[], currentId: string): DocumentSummary | null {
  const at = docs.findIndex((d) => d.id === currentId);
  for (let k = 1; k <= docs.length; k++) {
    const d = docs[(at + k + docs.length) % docs.length]!;
    if (d.id !== currentId && d.status === 'TAGGED' && (d.counts?.proposed ?? 0) > 0) return d;
  }
  return null;
}
