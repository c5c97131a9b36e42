import { describe, expect, it } from 'vitest';
import type { Coding } from '../../../lib/coding/index.js';
import { labelledPassages } from '../../../lib/pipeline/tag.js';

const coding = (segmentIndex: number, code: string, status: Coding['status'], version: number, text = `passage ${segmentIndex}`): Coding =>
  ({ projectId: 'p', documentId: 'd', segmentIndex, code, status, version, segmentText: text, origin: 'tagger' }) as unknown as Coding;

describe('labelledPassages', () => {
  const base = [coding(1, 'a', 'accepted', 2), coding(1, 'b', 'rejected', 2), coding(2, 'c', 'accepted', 3), coding(3, 'd', 'proposed', 1)];

  it('learns from decided codings only, one passage per segment', () => {
    const { labelled } = labelledPassages(base);
    expect(labelled).toEqual([
      { text: 'passage 1', accepted: ['a'], rejected: ['b'] },
      { text: 'passage 2', accepted: ['c'], rejected: [] },
    ]);
  });

  it('keeps its fingerprint when only versions or the order change (an undo and a redo teach nothing new)', () => {
    const redone = [...base].reverse().map((c) => ({ ...c, version: c.version + 2 }));
    expect(labelledPassages(redone).fingerprint).toBe(labelledPassages(base).fingerprint);
  });

  it('changes its fingerprint when a decision or a passage text changes', () => {
    const fp = labelledPassages(base).fingerprint;
    expect(labelledPassages([...base.slice(0, 3), coding(3, 'd', 'accepted', 2)]).fingerprint).not.toBe(fp);
    expect(labelledPassages([coding(1, 'a', 'accepted', 2, 'moved text'), ...base.slice(1)]).fingerprint).not.toBe(fp);
    expect(labelledPassages([coding(1, 'a', 'rejected', 3), ...base.slice(1)]).fingerprint).not.toBe(fp);
  });
});
