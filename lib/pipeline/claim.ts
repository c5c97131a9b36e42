// The ingest claim policy: the first delivery of an uploaded object version claims its document; a
// duplicate delivery learns what is left to do; an event older (by S3 sequencer) than the upload the
// document comes from is ignored. The store only writes the claimed record, on the condition that the
// record it was decided on is still the one stored.
import type { ClaimResult, DocumentRecord, Store, UploadedObject } from '../coding/index.js';
import { isOlderEvent } from './sequencer.js';

/** What a delivery of `u` finds, given the document stored now; null: it claims the document (claimedRecord). */
export function claimOutcome(current: DocumentRecord | null, u: UploadedObject): ClaimResult | null {
  if (current && current.sourceVersion === u.sourceVersion) {
    if (current.status === 'TAGGED' || current.status === 'FAILED') return { kind: 'done', document: current };
    if (current.status === 'EXTRACTED') return { kind: 'extracted', document: current };
    return { kind: 'claimed', document: current };
  }
  if (current && isOlderEvent(u.sequencer, current.sequencer)) return { kind: 'stale', document: current };
  return null;
}

/** The record of a claimed upload: UPLOADED, from this object version. */
export function claimedRecord(current: DocumentRecord | null, u: UploadedObject, at: string): DocumentRecord {
  return {
    projectId: u.projectId,
    id: u.documentId,
    fileName: u.fileName,
    status: 'UPLOADED',
    s3Key: u.s3Key,
    sourceVersion: u.sourceVersion,
    ...(u.s3VersionId ? { s3VersionId: u.s3VersionId } : {}),
    ...(u.sequencer ? { sequencer: u.sequencer } : {}),
    respondents: [],
    // Kept from the previous version so its extra segments can be deleted (see ClaimResult).
    ...(current?.segmentCount !== undefined ? { segmentCount: current.segmentCount } : {}),
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
  };
}

/** Idempotent claim of an uploaded object version (see ClaimResult). */
export async function claimUpload(store: Pick<Store, 'getDocument' | 'putClaim'>, u: UploadedObject): Promise<ClaimResult> {
  for (;;) {
    const current = await store.getDocument(u.documentId);
    const outcome = claimOutcome(current, u);
    if (outcome) return outcome;
    const document = claimedRecord(current, u, new Date().toISOString());
    if (await store.putClaim(document, current)) return { kind: 'claimed', document };
    // Another delivery claimed it between our read and write: decide again on what it wrote.
  }
}
