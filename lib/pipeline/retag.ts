// A codebook change re-tags every document of the project: one tag request per document.
import { pages } from '../paging.js';
import type { PipelineDeps } from './deps.js';

/** Enqueues a re-tag of every extracted or tagged document of the project; returns how many. */
export async function requestRetag(deps: Pick<PipelineDeps, 'store' | 'tagQueue'>, projectId: string): Promise<number> {
  let sent = 0;
  for await (const page of pages((p) => deps.store.listDocuments(projectId, p))) {
    const docs = page.items.filter((d) => d.status === 'EXTRACTED' || d.status === 'TAGGED');
    if (docs.length) await deps.tagQueue.send(docs.map((d) => ({ projectId, documentId: d.id, reason: 'retag' as const })));
    sent += docs.length;
  }
  return sent;
}

/**
 * After a review decision the project's other tagged documents are re-tagged, so their undecided
 * proposals reflect what the reviewer just taught the ranker (the decided document itself is left
 * alone: its proposals would change under the reviewer's eyes). Throttled per project in this process:
 * at once, then at most once per LEARN_RETAG_INTERVAL_MS, with one trailing re-tag for the decisions in
 * between. Re-tagging never changes a human decision; unchanged proposals are not rewritten.
 */
export const LEARN_RETAG_INTERVAL_MS = 10_000;
const learning = new Map<string, { last: number; timer?: ReturnType<typeof setTimeout>; except: Set<string> }>();

export function requestLearningRetag(
  deps: Pick<PipelineDeps, 'store' | 'tagQueue'>,
  projectId: string,
  decidedDocumentId: string,
  onError: (e: unknown) => void,
  now = Date.now(),
): void {
  let state = learning.get(projectId);
  if (!state) learning.set(projectId, (state = { last: 0, except: new Set() }));
  state.except.add(decidedDocumentId);
  const fire = () => {
    const s = learning.get(projectId)!;
    const except = new Set(s.except);
    s.except.clear();
    s.last = Date.now();
    s.timer = undefined;
    void retagOthers(deps, projectId, except).catch(onError);
  };
  if (now - state.last >= LEARN_RETAG_INTERVAL_MS && !state.timer) fire();
  else if (!state.timer) {
    state.timer = setTimeout(fire, Math.max(0, LEARN_RETAG_INTERVAL_MS - (now - state.last)));
    state.timer.unref?.();
  }
}

async function retagOthers(deps: Pick<PipelineDeps, 'store' | 'tagQueue'>, projectId: string, except: ReadonlySet<string>): Promise<number> {
  let sent = 0;
  for await (const page of pages((p) => deps.store.listDocuments(projectId, p))) {
    const docs = page.items.filter((d) => d.status === 'TAGGED' && !except.has(d.id));
    if (docs.length) await deps.tagQueue.send(docs.map((d) => ({ projectId, documentId: d.id, reason: 'retag' as const })));
    sent += docs.length;
  }
  return sent;
}
