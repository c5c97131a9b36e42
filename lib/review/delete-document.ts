// Deleting a document: the use case decides whether it may go (only once the pipeline is done with it)
// and writes the audit trail of what went — one event per decided or human-added coding, each with what
// it was, and one for the document; the store then removes segments, codings and the record.
import { randomUUID } from 'node:crypto';
import { QualtagError } from '../errors.js';
import type { CodingStatus } from '../model.js';
import { all } from '../paging.js';
import { isHumanCoding, snapshot, type AuditEvent, type DocumentDeletion, type Store } from '../coding/index.js';

export type DeletionStore = Pick<Store, 'getDocument' | 'listDocumentCodings' | 'listSegments' | 'removeDocument'>;

export async function deleteDocument(store: DeletionStore, projectId: string, documentId: string, userId: string): Promise<DocumentDeletion> {
  const document = await store.getDocument(documentId);
  if (!document || document.projectId !== projectId)
    throw new QualtagError('NOT_FOUND', `document "${documentId}" of project "${projectId}" does not exist`, 'List the documents of the project');
  if (document.status !== 'TAGGED' && document.status !== 'FAILED') {
    throw new QualtagError(
      'CONFLICT',
      `"${document.fileName}" is still being processed (${document.status})`,
      'Wait until it is TAGGED or FAILED, then delete it',
    );
  }
  const [codings, segments] = await Promise.all([store.listDocumentCodings(documentId), all((p) => store.listSegments(documentId, p))]);
  const counts: Record<CodingStatus, number> = { proposed: 0, accepted: 0, rejected: 0 };
  for (const c of codings) counts[c.status]++;
  const at = new Date().toISOString();
  const base = { projectId, documentId, action: 'delete' as const, userId, at, after: null };
  const reason = document.status === 'FAILED' && document.reason ? `: ${document.reason}` : '';
  const event: AuditEvent = {
    ...base,
    segmentIndex: 0,
    code: '',
    id: randomUUID(),
    before: null,
    note: `deleted "${document.fileName}" (${document.status}${reason}) with ${segments.length} segments and ${codings.length} codings (${counts.accepted} accepted, ${counts.rejected} rejected, ${counts.proposed} proposed)`,
  };
  // A person's work on the codings stays in the trail, each with what it was.
  const codingEvents: AuditEvent[] = codings.filter(isHumanCoding).map((c) => ({
    ...base,
    segmentIndex: c.segmentIndex,
    segmentId: c.segmentId,
    code: c.code,
    id: randomUUID(),
    before: snapshot(c),
    note: `document "${document.fileName}" deleted`,
  }));
  await store.removeDocument(document, [...codingEvents, event]);
  return { document, segments: segments.length, codings: counts, event };
}
