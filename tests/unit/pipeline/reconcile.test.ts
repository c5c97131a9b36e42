import { describe, expect, it } from 'vitest';
import type { Proposal, Segment } from '../../../lib/model.js';
import { reconcile } from '../../../lib/pipeline/reconcile.js';
import type { Coding } from '../../../lib/coding/index.js';

const seg = (index: number): Segment => ({
  id: `d:${index}`,
  index,
  start: index * 10,
  end: index * 10 + 5,
  text: `tekst ${index}`,
  speaker: 'R1',
  respondent: 'Respondent 1',
  page: null,
});
const prop = (code: string, score = 1): Proposal => ({ code, score, evidence: [{ start: 0, end: 5, rule: code }] });

function coding(index: number, code: string, over: Partial<Coding> = {}): Coding {
  const s = seg(index);
  return {
    projectId: 'p',
    documentId: 'd',
    segmentIndex: index,
    segmentId: s.id,
    segmentStart: s.start,
    segmentEnd: s.end,
    segmentText: s.text,
    code,
    categoryId: 'c',
    respondent: 'Respondent 1',
    speaker: 'R1',
    page: null,
    origin: 'rule',
    status: 'proposed',
    score: 1,
    evidence: [{ start: 0, end: 5, rule: code }],
    codebookVersion: 'v1',
    version: 1,
    createdAt: 't0',
    ...over,
  };
}

const base = {
  projectId: 'p',
  documentId: 'd',
  categoryOf: new Map([
    ['a', 'c'],
    ['b', 'c'],
    ['n', 'c'],
  ]),
  now: 't1',
};

describe('reconcile', () => {
  it('adds new proposals, drops undecided ones no longer proposed, and leaves identical ones alone', () => {
    const changes = reconcile({
      ...base,
      codebookVersion: 'v1',
      tagged: [{ segment: seg(0), proposals: [prop('a'), prop('n')] }],
      existing: [coding(0, 'a'), coding(0, 'b')],
    });
    expect(changes).toEqual([
      { kind: 'put', coding: expect.objectContaining({ code: 'n', status: 'proposed', version: 1, codebookVersion: 'v1' }), expectedVersion: null },
      { kind: 'delete', ref: { documentId: 'd', segmentIndex: 0, code: 'b' }, expectedVersion: 1 },
    ]);
  });

  it("copies the segment's speaker and page, and fills them in on proposals stored without them", () => {
    const { speaker: _s, page: _p, ...old } = coding(0, 'a');
    const [change] = reconcile({ ...base, codebookVersion: 'v1', tagged: [{ segment: { ...seg(0), page: 3 }, proposals: [prop('a')] }], existing: [old] });
    expect(change).toEqual({ kind: 'put', coding: expect.objectContaining({ speaker: 'R1', page: 3, version: 2 }), expectedVersion: 1 });
  });

  it('updates an undecided proposal under a new codebook version with a version bump and a condition on the old one', () => {
    const [change] = reconcile({
      ...base,
      codebookVersion: 'v2',
      tagged: [{ segment: seg(0), proposals: [prop('a', 2)] }],
      existing: [coding(0, 'a', { version: 3 })],
    });
    expect(change).toEqual({
      kind: 'put',
      coding: expect.objectContaining({ score: 2, codebookVersion: 'v2', version: 4, createdAt: 't0' }),
      expectedVersion: 3,
    });
  });

  it('never touches accepted, rejected or human codings, whether or not the new rules propose them', () => {
    const existing = [
      coding(0, 'a', { status: 'accepted', decidedBy: 'u', version: 2 }),
      coding(0, 'b', { status: 'rejected', decidedBy: 'u', version: 2 }),
      coding(1, 'h', { origin: 'human', status: 'accepted', version: 1 }),
    ];
    expect(
      reconcile({
        ...base,
        codebookVersion: 'v2',
        tagged: [
          { segment: seg(0), proposals: [prop('a', 5)] },
          { segment: seg(1), proposals: [] },
        ],
        existing,
      }),
    ).toEqual([]);
    expect(
      reconcile({
        ...base,
        codebookVersion: 'v2',
        tagged: [
          { segment: seg(0), proposals: [] },
          { segment: seg(1), proposals: [prop('h')] },
        ],
        existing,
      }),
    ).toEqual([]);
  });

  it('does not treat evidence with another key order as a change', () => {
    const stored = coding(0, 'a', { evidence: [{ rule: 'a', end: 5, start: 0 } as never] });
    expect(reconcile({ ...base, codebookVersion: 'v1', tagged: [{ segment: seg(0), proposals: [prop('a')] }], existing: [stored] })).toEqual([]);
  });
});
