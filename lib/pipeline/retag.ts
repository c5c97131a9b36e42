// A codebook change re-tags every document of the project: one tag request per document.
import type { PipelineDeps } from './deps.js';

/** Enqueues a re-tag of every extracted or tagged document of the project; returns how many. */
export async function requestRetag(deps: Pick<PipelineDeps, 'store' | 'tagQueue'>, projectId: string): Promise<number> {
  let cursor: string | undefined;
  let sent = 0;
  do {
    const page = await deps.store.listDocuments(projectId, { limit: 500, cursor });
    const docs = page.items.filter((d) => d.status === 'EXTRACTED' || d.status === 'TAGGED');
    if (docs.length) await deps.tagQueue.send(docs.map((d) => ({ projectId, documentId: d.id, reason: 'retag' as const })));
    sent += docs.length;
    cursor = page.cursor;
  } while (cursor);
  return sent;
}
