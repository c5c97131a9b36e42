// Which project a dead letter belongs to, and how the API shows it.
import { describe, expect, it } from 'vitest';
import { letterMatcher, letterSubject, projectDeadLetters, type DeadLetterRecord } from '../../../lib/api/dead-letters.js';
import { s3Record } from '../../../lib/local/s3-events.js';
import { documentIdFor } from '../../../lib/coding/upload-key.js';

const letter = (queue: string, body: string, at = '2026-12-04T10:00:00.000Z', id = `${queue}-${at}`): DeadLetterRecord => ({
  queue,
  messageId: id,
  body,
  receiveCount: 3,
  error: 'Error: boom',
  at,
});
const ingestBody = (key: string) => JSON.stringify({ Records: [s3Record({ bucket: 'b', key, size: 1, eTag: 'e' })] });

describe('dead letters per project', () => {
  it('reads the project from an upload key (encoded as S3 encodes it), a tag request and an export request', () => {
    expect(letterSubject(letter('ingest', ingestBody('uploads/p1/interview 1 é.txt')))).toEqual({
      projectId: 'p1',
      subject: 'interview 1 é.txt',
      documentId: documentIdFor('p1', 'interview 1 é.txt'),
    });
    expect(letterSubject(letter('tag', JSON.stringify({ projectId: 'p1', documentId: 'd1', reason: 'retag' })))).toEqual({
      projectId: 'p1',
      subject: 'document d1',
      documentId: 'd1',
    });
    expect(letterSubject(letter('export', JSON.stringify({ projectId: 'p2', jobId: 'j1' })))).toEqual({
      projectId: 'p2',
      subject: 'export job j1',
      documentId: null,
    });
  });

  it('leaves out letters that name no project (bad JSON, keys outside uploads/, unknown queues)', () => {
    for (const d of [
      letter('ingest', '{'),
      letter('ingest', ingestBody('text/p1/x.txt')),
      letter('tag', '[1]'),
      letter('tag', JSON.stringify({ projectId: 7 })),
      letter('other', JSON.stringify({ projectId: 'p1', documentId: 'd' })),
    ]) {
      expect(projectDeadLetters([d], 'p1')).toEqual([]);
    }
  });

  it("lists one project's letters oldest first with file names, and retries match only that project", () => {
    const letters = [
      letter('tag', JSON.stringify({ projectId: 'p1', documentId: 'd1', reason: 'ingest' }), '2026-12-04T10:05:00.000Z'),
      letter('ingest', ingestBody('uploads/p1/a.txt'), '2026-12-04T10:01:00.000Z'),
      letter('ingest', ingestBody('uploads/p2/b.txt'), '2026-12-04T10:00:00.000Z'),
    ];
    const view = projectDeadLetters(letters, 'p1', new Map([['d1', 'first.txt']]));
    expect(view.map((d) => [d.subject, d.queue, d.reason, d.nextRetryAt, d.redrives])).toEqual([
      ['a.txt', 'ingest', 'Error: boom', null, 0],
      ['first.txt', 'tag', 'Error: boom', null, 0],
    ]);
    expect(letters.filter(letterMatcher('p1')).length).toBe(2);
    expect(letters.filter(letterMatcher('p1', [letters[2]!.messageId])).length).toBe(0);
    expect(letters.filter(letterMatcher('p1', [letters[1]!.messageId]))).toEqual([letters[1]]);
  });
});
