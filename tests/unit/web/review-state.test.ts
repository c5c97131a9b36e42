// The review view's state transitions (web/src/review/state.ts), without a browser: where the cursor goes
// on open, on j / k / h / l, after a decision and on n; how the server's answer lands; the undo list.
import { describe, expect, it } from 'vitest';
import type { CodingView, DocumentDetail, DocumentSummary } from '../../../web/src/api.js';
import * as st from '../../../web/src/review/state.js';
import type { UndoEntry } from '../../../web/src/review/undo-trail.js';

const coding = (seg: number, code: string, status: CodingView['status'] = 'proposed', score = 0.5): CodingView => ({
  id: `d~${seg}~${code}`,
  projectId: 'p',
  documentId: 'd',
  segmentId: `d:${seg}`,
  code,
  categoryId: 'cat',
  origin: 'rule',
  status,
  score,
  evidence: [],
  span: null,
  codebookVersion: 'v1',
  version: 1,
  decidedBy: null,
  decidedAt: null,
  createdAt: '2026-01-01T00:00:00Z',
});

const summary = (id: string, proposed: number): DocumentSummary => ({
  id,
  projectId: 'p',
  name: `${id}.txt`,
  format: 'txt',
  status: 'TAGGED',
  reason: null,
  respondent: null,
  pages: null,
  segmentCount: 1,
  codebookVersion: null,
  createdAt: '',
  updatedAt: '',
  counts: { proposed, accepted: 0, rejected: 0 },
});

/** One segment per entry, with the given codings. */
const detail = (...segments: CodingView[][]): DocumentDetail => ({
  document: summary('d', 0),
  segments: segments.map((codings, i) => ({
    id: `d:${i}`,
    documentId: 'd',
    index: i,
    start: 0,
    end: 4,
    text: 'tekst',
    speaker: null,
    respondent: null,
    page: null,
    codings,
  })),
});

function opened(d: DocumentDetail, wanted: string | null = null): st.ReviewState {
  const s = st.initialState('d');
  st.opened(s, d, [], wanted);
  return s;
}

describe('review state: opening and moving', () => {
  it('opens on the segment in the URL, else on the first with an undecided proposal, else on the first', () => {
    const d = detail([coding(0, 'a', 'accepted')], [], [coding(2, 'b')]);
    expect(opened(d).cur).toBe(2);
    expect(opened(d, 'd:1').cur).toBe(1);
    expect(opened(d, 'd:99').cur).toBe(2);
    expect(opened(detail([coding(0, 'a', 'rejected')], [])).cur).toBe(0);
  });

  it('a reload keeps the current segment within the new document', () => {
    const s = opened(detail([], [], [coding(2, 'b')]));
    st.reloaded(s, detail([coding(0, 'a')]));
    expect(s.cur).toBe(0);
  });

  it('selecting a segment forgets the chosen proposal; out of range changes nothing', () => {
    const s = opened(detail([coding(0, 'a'), coding(0, 'b')], [coding(1, 'c')]));
    s.activeCodingId = 'd~0~b';
    expect(st.selectSegment(s, 5)).toBe(false);
    expect([s.cur, s.activeCodingId]).toEqual([0, 'd~0~b']);
    expect(st.selectSegment(s, 1)).toBe(true);
    expect([s.cur, s.activeCodingId]).toEqual([1, null]);
    expect(st.selectSegment(s, -1)).toBe(false);
  });

  it('the active proposal is the strongest undecided one until h / l choose another; h / l wrap around', () => {
    const s = opened(detail([coding(0, 'done', 'accepted', 0.9), coding(0, 'weak', 'proposed', 0.2), coding(0, 'strong', 'proposed', 0.8)]));
    expect(st.ordered(st.currentSegment(s)!.codings).map((c) => c.code)).toEqual(['strong', 'weak', 'done']);
    expect(st.activeCoding(s)?.code).toBe('strong');
    st.moveProposal(s, 1);
    expect(st.activeCoding(s)?.code).toBe('weak');
    st.moveProposal(s, 1);
    expect(st.activeCoding(s)?.code).toBe('done');
    st.moveProposal(s, 1);
    expect(st.activeCoding(s)?.code).toBe('strong');
    st.moveProposal(s, -1);
    expect(st.activeCoding(s)?.code).toBe('done');
  });

  it('h / l on a segment without codings do nothing', () => {
    const s = opened(detail([]));
    expect(st.moveProposal(s, 1)).toBe(false);
    expect(s.activeCodingId).toBeNull();
    expect(st.activeCoding(s)).toBeUndefined();
  });
});

describe('review state: decisions', () => {
  it('the server answer replaces, adds or removes the coding, and the progress follows', () => {
    const s = opened(detail([coding(0, 'a'), coding(0, 'b')]));
    expect(st.progress(s)).toEqual({ decided: 0, proposed: 2 });
    st.applyCoding(s, 0, 'd~0~a', coding(0, 'a', 'accepted'));
    st.applyCoding(s, 0, 'd~0~new', coding(0, 'new', 'accepted'));
    expect(st.progress(s)).toEqual({ decided: 2, proposed: 1 });
    st.applyCoding(s, 0, 'd~0~b', null);
    expect(st.currentSegment(s)!.codings.map((c) => `${c.code} ${c.status}`)).toEqual(['a accepted', 'new accepted']);
    expect(st.isDocumentDone(s)).toBe(true);
    expect(st.locateCoding(s, 'd~0~new')?.segIndex).toBe(0);
    expect(st.locateCoding(s, 'd~0~b')).toBeNull();
  });

  it('a document without codings is not "done"', () => {
    expect(st.isDocumentDone(opened(detail([], [])))).toBe(false);
  });

  it('after a decision: stay while the segment has undecided proposals, then the next that has, wrapping; then done', () => {
    const s = opened(detail([coding(0, 'a')], [coding(1, 'b'), coding(1, 'c')], [], [coding(3, 'd')]));
    st.selectSegment(s, 1);
    s.activeCodingId = 'd~1~c';
    st.applyCoding(s, 1, 'd~1~b', coding(1, 'b', 'accepted'));
    expect(st.afterDecision(s, 1)).toEqual({ kind: 'stay' });
    expect(s.activeCodingId).toBeNull();
    st.applyCoding(s, 1, 'd~1~c', coding(1, 'c', 'rejected'));
    expect(st.afterDecision(s, 1)).toEqual({ kind: 'select', index: 3 });
    st.applyCoding(s, 3, 'd~3~d', coding(3, 'd', 'accepted'));
    expect(st.afterDecision(s, 3)).toEqual({ kind: 'select', index: 0 });
    st.applyCoding(s, 0, 'd~0~a', coding(0, 'a', 'accepted'));
    expect(st.afterDecision(s, 0)).toEqual({ kind: 'done' });
  });

  it('n: the next undecided segment, then the offered next document, then back to an earlier one, else nothing', () => {
    const s = opened(detail([coding(0, 'a')], [], [coding(2, 'b')]));
    expect(s.cur).toBe(0);
    expect(st.nextStep(s)).toEqual({ kind: 'select', index: 2 });
    st.selectSegment(s, 2);
    expect(st.nextStep(s)).toEqual({ kind: 'select', index: 0 });
    s.nextDoc = summary('e', 3);
    expect(st.nextStep(s)).toEqual({ kind: 'open', doc: s.nextDoc });
    s.nextDoc = null;
    st.applyCoding(s, 0, 'd~0~a', coding(0, 'a', 'accepted'));
    st.applyCoding(s, 2, 'd~2~b', coding(2, 'b', 'accepted'));
    expect(st.nextStep(s)).toEqual({ kind: 'none' });
  });
});

describe('review state: the undo list', () => {
  const codeName = (id: string) => id.toUpperCase();

  it('each decision is one entry; the toast names it', () => {
    const s = opened(detail([coding(0, 'a')]));
    st.recordDecision(s, { codingId: 'd~0~a', code: 'a', action: 'accept' });
    expect(s.undo).toHaveLength(1);
    expect(st.undoLabel(s.undo[0]!, codeName)).toBe('accept of A');
    expect(
      st.undoLabel(
        {
          items: [
            { codingId: '1', code: 'a', action: 'accept' },
            { codingId: '2', code: 'b', action: 'reject' },
          ],
        },
        codeName,
      ),
    ).toBe('2 decisions');
  });

  it('"reject all and add" is one entry, named for both; without rejections the add is its own entry', () => {
    const s = opened(detail([coding(0, 'a'), coding(0, 'b')]));
    const entry = {
      items: [
        { codingId: 'd~0~a', code: 'a', action: 'reject' as const },
        { codingId: 'd~0~b', code: 'b', action: 'reject' as const },
      ],
    };
    st.recordRejectAll(s, entry);
    st.recordAdd(s, { codingId: 'd~0~c', code: 'c', action: 'add' }, 'C', entry);
    expect(s.undo).toHaveLength(1);
    expect(s.undo[0]!.items.map((i) => i.action)).toEqual(['reject', 'reject', 'add']);
    expect(st.undoLabel(s.undo[0]!, codeName)).toBe('reject of 2 proposals and add of C');

    const empty = { items: [] };
    st.recordRejectAll(s, empty);
    st.recordAdd(s, { codingId: 'd~0~e', code: 'e', action: 'add' }, 'E', empty);
    expect(s.undo).toHaveLength(2);
    expect(st.undoLabel(s.undo[1]!, codeName)).toBe('add of E');
  });

  it('one rejection is named in the singular', () => {
    const s = opened(detail([coding(0, 'a')]));
    const entry: UndoEntry = { items: [{ codingId: 'd~0~a', code: 'a', action: 'reject' }] };
    st.recordRejectAll(s, entry);
    expect(entry.label).toBe('reject of 1 proposal');
  });

  it('the audit trail fills the list only when this visit has not decided yet', () => {
    const s = opened(detail([coding(0, 'a')]));
    const fromTrail = [{ items: [{ codingId: 'old', code: 'a', action: 'accept' as const }] }];
    st.adoptTrail(s, fromTrail);
    expect(s.undo.map((e) => e.items[0]!.codingId)).toEqual(['old']);
    const t = opened(detail([coding(0, 'a')]));
    st.recordDecision(t, { codingId: 'new', code: 'a', action: 'reject' });
    st.adoptTrail(t, fromTrail);
    expect(t.undo.map((e) => e.items[0]!.codingId)).toEqual(['new']);
  });

  it('an undone entry leaves the list and withdraws the next-document offer', () => {
    const s = opened(detail([coding(0, 'a')]));
    st.recordDecision(s, { codingId: 'd~0~a', code: 'a', action: 'accept' });
    s.nextDoc = summary('e', 1);
    st.undone(s);
    expect(s.undo).toEqual([]);
    expect(s.nextDoc).toBeNull();
  });
});
