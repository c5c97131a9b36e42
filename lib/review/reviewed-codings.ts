// A project's reviewed codings, read through the store and grouped per passage: what the rule-term
// learner (API rule suggestions) and the learned ranker (pipeline tagging) learn from.
import { type Coding, type DocumentRecord, isDetached, type Store } from '../coding/index.js';
import { all } from '../paging.js';
import type { ReviewedExample } from '../tag/learn.js';

/** Runs `fn` over items with at most `n` in flight (keeps DynamoDB Local and S3 calls bounded). */
export async function mapLimit<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** The project's documents and their codings, detached ones left out (their passage is no longer in the file). */
export async function projectCodings(store: Store, projectId: string): Promise<{ docs: DocumentRecord[]; codings: Coding[] }> {
  const docs = await all((p) => store.listDocuments(projectId, p));
  const perDoc = await mapLimit(docs, 8, (d) => store.listDocumentCodings(d.id));
  return { docs, codings: perDoc.flat().filter((c) => !isDetached(c)) };
}

/** A reviewed passage as the API names it (the learner only sees its id and text). */
export interface ReviewedPassage {
  documentId: string;
  segmentId: string;
  segmentIndex: number;
  text: string;
}

/**
 * Groups decided codings per segment: accepted ones (rule proposals a reviewer accepted and codes they
 * added) and rejected ones. Proposed codings are undecided and detached ones have lost their passage;
 * both are left out. Example ids are `<documentId>~<segmentIndex>` (segment ids need not be unique
 * across documents).
 */
export function reviewedPassages(codings: readonly Coding[]): { examples: ReviewedExample[]; passages: Map<string, ReviewedPassage> } {
  const bySegment = new Map<string, ReviewedExample & ReviewedPassage>();
  for (const c of codings) {
    if (c.status === 'proposed' || c.anchor?.state === 'detached') continue;
    const id = `${c.documentId}~${c.segmentIndex}`;
    let e = bySegment.get(id);
    if (!e)
      bySegment.set(
        id,
        (e = { id, text: c.segmentText, accepted: [], rejected: [], documentId: c.documentId, segmentId: c.segmentId, segmentIndex: c.segmentIndex }),
      );
    (c.status === 'accepted' ? e.accepted : e.rejected).push(c.code);
  }
  const examples = [...bySegment.values()].map(({ id, text, accepted, rejected }) => ({ id, text, accepted, rejected }));
  return {
    examples,
    passages: new Map([...bySegment].map(([id, e]) => [id, { documentId: e.documentId, segmentId: e.segmentId, segmentIndex: e.segmentIndex, text: e.text }])),
  };
}
