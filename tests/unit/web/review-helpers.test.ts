// The review page's pure parts: undo rebuilt from the audit trail, the next document to offer, and which
// evidence a person sees (readable on long paragraphs, bound to a narrowed coding's span).
import { describe, expect, it } from 'vitest';
import type { AuditEventView, DocumentSummary } from '../../../lib/api/contract.js';
import { readableEvidence, READABLE_EVIDENCE_MAX, shownEvidence } from '../../../lib/review/evidence-view.js';
import { nextDocumentToReview } from '../../../web/src/review/next-document.js';
import { undoableFromTrail } from '../../../web/src/review/undo-trail.js';

let n = 0;
const ev = (codingId: string, action: AuditEventView['action'], by = 'me'): AuditEventView => ({
  id: `e${++n}`,
  projectId: 'p',
  documentId: 'd',
  segmentId: 'd:t1',
  codingId,
  code: codingId.split('~')[2] ?? '',
  action,
  from: null,
  to: null,
  version: 1,
  by,
  at: `2026-01-01T00:00:${String(n).padStart(2, '0')}Z`,
});

describe('undo from the audit trail', () => {
  it('keeps my standing decisions oldest first, drops undone ones and those another reviewer decided on later', () => {
    n = 0;
    const trail = [
      ev('d~1~a', 'accept'),
      ev('d~2~b', 'reject'),
      ev('d~2~b', 'undo'),
      ev('d~3~c', 'add'),
      ev('d~4~e', 'accept'),
      ev('d~4~e', 'reject', 'colleague'),
      ev('d~5~f', 'accept'),
      ev('d~5~f', 'detach'),
      ev('', 'delete'),
    ];
    const entries = undoableFromTrail([...trail].reverse(), 'me');
    expect(entries.map((e) => e.items.map((i) => `${i.action} ${i.codingId}`))).toEqual([['accept d~1~a'], ['add d~3~c']]);
  });

  it('two decisions of mine on one coding are both undoable, the later first', () => {
    n = 0;
    const entries = undoableFromTrail([ev('d~1~a', 'accept'), ev('d~1~a', 'reject')].reverse(), 'me');
    expect(entries.map((e) => e.items[0]!.action)).toEqual(['accept', 'reject']);
  });
});

const doc = (id: string, proposed: number, status: DocumentSummary['status'] = 'TAGGED'): DocumentSummary => ({
  id,
  projectId: 'p',
  name: `${id}.txt`,
  format: 'txt',
  status,
  reason: null,
  respondent: null,
  pages: null,
  segmentCount: 1,
  codebookVersion: null,
  createdAt: '',
  updatedAt: '',
  counts: { proposed, accepted: 0, rejected: 0 },
});

describe('next document to review', () => {
  it('the next one in the list with undecided proposals, wrapping around; none when all are done', () => {
    const docs = [doc('a', 3), doc('b', 0), doc('c', 0, 'FAILED'), doc('d', 2)];
    expect(nextDocumentToReview(docs, 'b')?.id).toBe('d');
    expect(nextDocumentToReview(docs, 'd')?.id).toBe('a');
    expect(nextDocumentToReview([doc('a', 0), doc('b', 0)], 'a')).toBeNull();
  });
});

describe('evidence a person sees', () => {
  const text = 'Vertrouwen in de wijkagent. De wijkagent en de politie: vertrouwen, vertrouwen, politie, buurt, veilig, gemeente, overleg.';
  const at = (word: string, from = 0) => ({ start: text.indexOf(word, from), end: text.indexOf(word, from) + word.length, rule: word });

  it('each distinct matched text once (first occurrence), at most a few, strongest rule first', () => {
    const spans = ['Vertrouwen', 'wijkagent', 'politie', 'buurt', 'veilig', 'gemeente', 'overleg'].map((w) => at(w));
    spans.push(at('wijkagent', 20), at('vertrouwen', 50), { ...at('overleg'), rule: '"overleg"^3' });
    const r = readableEvidence(text, spans);
    expect(r.shown).toHaveLength(READABLE_EVIDENCE_MAX);
    expect(new Set(r.shown.map((e) => text.slice(e.start, e.end).toLowerCase())).size).toBe(READABLE_EVIDENCE_MAX);
    expect(r.shown.map((e) => text.slice(e.start, e.end))).toContain('overleg');
    expect(r.counts[r.shown.findIndex((e) => e.rule === 'wijkagent')]).toBe(2);
    expect(r.counts[0]).toBe(2); // "Vertrouwen" and "vertrouwen" are one text
    expect(r.more).toBe(2);
  });

  it('a coding narrowed to a span shows only the evidence inside it; without a span all of it', () => {
    const evidence = [at('wijkagent'), at('gemeente'), { start: 0, end: 0, rule: 'question: x', source: 'context' as const }];
    const span = { start: text.indexOf('gemeente') - 2, end: text.length };
    expect(shownEvidence({ evidence, span }).map((e) => e.rule)).toEqual(['gemeente']);
    expect(shownEvidence({ evidence, span: null })).toHaveLength(3);
  });
});
