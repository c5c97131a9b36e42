// The queue view's state transitions (web/src/queue/state.ts), without a browser: filters from the URL,
// a decided item staying or leaving the list under the status filter, u putting it back, the count line.
import { describe, expect, it } from 'vitest';
import type { CodingView, QueueItem } from '../../../web/src/api.js';
import * as st from '../../../web/src/queue/state.js';

const coding = (id: string, status: CodingView['status'] = 'proposed'): CodingView => ({
  id,
  projectId: 'p',
  documentId: 'd',
  segmentId: 'd:0',
  code: 'c',
  categoryId: 'cat',
  origin: 'rule',
  status,
  score: 0.5,
  evidence: [],
  span: null,
  codebookVersion: 'v1',
  version: 1,
  decidedBy: null,
  decidedAt: null,
  createdAt: '',
});
const item = (id: string, status: CodingView['status'] = 'proposed'): QueueItem =>
  ({
    coding: coding(id, status),
    segment: { id: 'd:0', documentId: 'd', index: 0, start: 0, end: 1, text: 't', speaker: null, respondent: null, page: null },
    document: { id: 'd', name: 'd.txt' },
  }) as QueueItem;

function queue(status: st.Status, ...ids: string[]): st.QueueState {
  const s = st.initialState(st.filtersFrom(new URLSearchParams({ status })));
  s.items = ids.map((id) => item(id, status === 'all' ? 'proposed' : status));
  s.total = ids.length;
  return s;
}

describe('queue filters from the URL', () => {
  it('reads every filter; an unknown status or order falls back to "to review" in document order', () => {
    expect(st.filtersFrom(new URLSearchParams('status=accepted&code=a/b&category=a&respondent=R6&document=d1&order=uncertain'))).toEqual({
      status: 'accepted',
      code: 'a/b',
      category: 'a',
      respondent: 'R6',
      document: 'd1',
      order: 'uncertain',
    });
    expect(st.filtersFrom(new URLSearchParams('status=maybe&order=random'))).toEqual({
      status: 'proposed',
      code: '',
      category: '',
      respondent: '',
      document: '',
      order: 'position',
    });
  });

  it('decided codings without any other filter are walked category by category', () => {
    const f = st.filtersFrom(new URLSearchParams('status=accepted'));
    expect(st.walksCategories(f)).toBe(true);
    expect(st.walksCategories({ ...f, respondent: 'R6' })).toBe(false);
    expect(st.walksCategories({ ...f, status: 'proposed' })).toBe(false);
  });
});

describe('queue decisions', () => {
  it('an item that still matches the status filter stays with its new coding', () => {
    const s = queue('all', 'a', 'b');
    expect(st.decided(s, 0, coding('a', 'accepted'))).toBe('stays');
    expect(s.items.map((i) => i.coding.status)).toEqual(['accepted', 'proposed']);
    expect(s.left).toEqual([]);
  });

  it('an item that no longer matches leaves; the next becomes current; u puts it back in its place', () => {
    const s = queue('proposed', 'a', 'b', 'c');
    st.setCur(s, 1);
    expect(st.decided(s, 1, coding('b', 'accepted'))).toBe('left');
    expect(s.items.map((i) => i.coding.id)).toEqual(['a', 'c']);
    expect([s.cur, s.total]).toEqual([1, 2]);
    expect(st.countText(s)).toBe('2 item(s) of 2');

    const last = s.left.pop()!;
    expect(last.index).toBe(1);
    expect(st.restored(s, last, coding('b', 'proposed'))).toBe(true);
    expect(s.items.map((i) => i.coding.id)).toEqual(['a', 'b', 'c']);
    expect([s.cur, s.total]).toEqual([1, 3]);
  });

  it('the last item leaving moves the cursor back; an item before the cursor keeps the cursor on its item', () => {
    const s = queue('proposed', 'a', 'b', 'c');
    st.setCur(s, 2);
    st.decided(s, 2, coding('c', 'rejected'));
    expect(s.cur).toBe(1);
    st.decided(s, 0, coding('a', 'rejected'));
    expect(s.items[s.cur]!.coding.id).toBe('b');
  });

  it('a coding that is gone leaves without an undo; an undone coding that does not match stays out', () => {
    const s = queue('proposed', 'a');
    expect(st.decided(s, 0, null)).toBe('left');
    expect(s.left).toEqual([]);
    const t = queue('accepted', 'a');
    st.decided(t, 0, coding('a', 'rejected'));
    expect(st.restored(t, t.left.pop()!, coding('a', 'rejected'))).toBe(false);
    expect(t.items).toEqual([]);
  });

  it('the count line says when more can be loaded and of how many', () => {
    const s = queue('proposed', 'a', 'b');
    s.total = null;
    expect(st.countText(s)).toBe('2 item(s)');
    s.cursor = 'next';
    s.total = 40;
    expect(st.countText(s)).toBe('2+ item(s) of 40');
    st.reset(s);
    expect([s.items.length, s.cursor, s.total, s.cur]).toEqual([0, null, null, 0]);
  });

  it('no current item outside the list', () => {
    const s = queue('proposed', 'a');
    expect(st.setCur(s, 1)).toBe(false);
    expect(st.setCur(s, -1)).toBe(false);
    expect(s.cur).toBe(0);
  });
});
