// Ingest of one uploaded object: claim it (idempotent per object version), extract, segment, store the
// text in S3 and the segments in DynamoDB, then hand the document over to tagging.
// A file qualtag cannot read makes only its document FAILED, with the reason; infrastructure errors
// are thrown so the queue retries the message.
import { createHash } from 'node:crypto';
import { isQualtagError } from '../errors.js';
import { extractBounded } from '../extract/pool.js';
import type { DocumentStatus } from '../model.js';
import { defaultUnit, segmentDocument } from '../segment/index.js';
import { silentLog, type PipelineDeps } from './deps.js';
import type { UploadedObjectRef } from './s3-notification.js';
import { documentIdFor, parseUploadKey, textKey } from '../coding/upload-key.js';
import { claimUpload } from './claim.js';

export interface IngestOutcome {
  documentId?: string;
  status: DocumentStatus | 'SKIPPED';
  /** True when this object version had been processed already (a duplicate event). */
  duplicate?: boolean;
  reason?: string;
}

export async function ingestObject(deps: PipelineDeps, obj: UploadedObjectRef): Promise<IngestOutcome> {
  const log = deps.log ?? silentLog;
  const where = parseUploadKey(obj.key);
  if (!where) {
    log.warn('ignoring an object outside uploads/<project>/', { key: obj.key });
    return { status: 'SKIPPED', reason: 'not an upload key' };
  }
  const { projectId, fileName } = where;
  const documentId = documentIdFor(projectId, fileName);
  const sourceVersion = obj.versionId ?? obj.eTag ?? obj.sequencer ?? 'unversioned';
  const claim = await claimUpload(deps.store, {
    projectId,
    documentId,
    fileName,
    s3Key: obj.key,
    sourceVersion,
    ...(obj.versionId ? { s3VersionId: obj.versionId } : {}),
    ...(obj.sequencer ? { sequencer: obj.sequencer } : {}),
  });
  if (claim.kind === 'done') return { documentId, status: claim.document.status, duplicate: true };
  if (claim.kind === 'stale') {
    log.info('ignoring an event older than the upload already processed', {
      projectId,
      documentId,
      key: obj.key,
      sequencer: obj.sequencer,
      current: claim.document.sequencer,
    });
    return { documentId, status: 'SKIPPED', reason: 'a newer upload of this file was processed already' };
  }
  if (claim.kind === 'extracted') {
    // A previous attempt stopped after extraction: only the hand-over may be missing.
    await deps.tagQueue.send([{ projectId, documentId, reason: 'ingest' }]);
    return { documentId, status: 'EXTRACTED', duplicate: true };
  }

  const fail = async (reason: string): Promise<IngestOutcome> => {
    await deps.store.updateDocument(projectId, documentId, { status: 'FAILED', reason });
    log.warn('document failed', { projectId, documentId, fileName, reason });
    return { documentId, status: 'FAILED', reason };
  };

  const project = await deps.store.getProject(projectId);
  if (!project) return fail(`project "${projectId}" does not exist. Create it first (qualtag ingest --project ${projectId} creates it)`);

  const bytes = await deps.blobs.getBytes(obj.key, obj.versionId);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let doc: Awaited<ReturnType<typeof extractBounded>>;
  try {
    doc = await extractBounded(bytes, fileName);
  } catch (e) {
    if (isQualtagError(e)) return fail(e.describe());
    throw e;
  }
  const unit = project.settings.unit ?? defaultUnit(doc);
  const segments = segmentDocument(doc, { unit, documentId });
  if (segments.length === 0) return fail('the file contains no text to code. Check that it is the transcript you meant to upload');

  // A newer upload of the same file may have claimed the document while this one was extracted: then
  // this one stops here and leaves the text and segments to it.
  const latest = await deps.store.getDocument(documentId);
  if (latest && latest.sourceVersion !== sourceVersion) {
    log.info('a newer upload took over while extracting', { projectId, documentId, key: obj.key });
    return { documentId, status: 'SKIPPED', reason: 'a newer upload of this file took over' };
  }
  const key = textKey(projectId, documentId);
  await deps.blobs.putObject(key, doc.text, 'text/plain; charset=utf-8');
  await deps.store.putSegments(projectId, documentId, segments, claim.document.segmentCount ?? 0);
  const respondents = [...new Set(segments.flatMap((s) => (s.respondent ? [s.respondent] : [])))].sort();
  await deps.store.updateDocument(projectId, documentId, {
    status: 'EXTRACTED',
    sha256,
    format: doc.format,
    ...(doc.pages !== undefined ? { pages: doc.pages } : {}),
    respondents,
    unit,
    segmentCount: segments.length,
    textKey: key,
  });
  await deps.tagQueue.send([{ projectId, documentId, reason: 'ingest' }]);
  log.info('document extracted', { projectId, documentId, fileName, segments: segments.length });
  return { documentId, status: 'EXTRACTED' };
}
