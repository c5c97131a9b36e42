import { afterEach, describe, expect, it, vi } from 'vitest';
import { LEARN_RETAG_INTERVAL_MS, requestLearningRetag } from '../../../lib/pipeline/retag.js';
import type { DocumentRecord, Store, TagQueue, TagRequest } from '../../../lib/coding/index.js';

// A fake of the two store/queue calls the re-tag request makes (the real store is in the integration test).
function fakes(docs: Array<Pick<DocumentRecord, 'id' | 'status'>>) {
  const sent: TagRequest[][] = [];
  const store = { listDocuments: async () => ({ items: docs }) } as unknown as Store;
  const tagQueue: TagQueue = { send: async (r) => void sent.push(r) };
  return { deps: { store, tagQueue }, sent };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('requestLearningRetag', () => {
  afterEach(() => vi.useRealTimers());

  it('re-tags the other tagged documents at once, then at most once per interval with one trailing re-tag', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    const { deps, sent } = fakes([
      { id: 'a', status: 'TAGGED' },
      { id: 'b', status: 'TAGGED' },
      { id: 'c', status: 'FAILED' },
      { id: 'd', status: 'TAGGED' },
    ]);
    const fail = (e: unknown) => {
      throw e;
    };
    requestLearningRetag(deps, 'p-throttle', 'a', fail);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.map((r) => r.documentId)).toEqual(['b', 'd']);
    // Two more decisions (on b and d) within the interval: nothing yet, then one re-tag leaving both out.
    requestLearningRetag(deps, 'p-throttle', 'b', fail);
    requestLearningRetag(deps, 'p-throttle', 'd', fail);
    await flush();
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(LEARN_RETAG_INTERVAL_MS);
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]!.map((r) => r.documentId)).toEqual(['a']);
  });
});
