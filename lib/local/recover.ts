// What the stack does at start so that nothing acknowledged is lost when a process died: the queues
// live in memory, so their work is rebuilt from what is durable (S3 objects and document records).
//  - an object under uploads/ with no document, or a document of an older version of it, is
//    re-delivered to ingest (the upload was acknowledged, its event was lost);
//  - an UPLOADED document is ingested again, an EXTRACTED one tagged;
//  - a TAGGED document tagged with another codebook version than the project's current one was left
//    by an interrupted re-tag: it is re-tagged.
// Every step is idempotent (the pipeline claims each object version once).
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { UPLOAD_PREFIX } from '../config.js';
import { all } from '../paging.js';
import { documentIdFor, parseUploadKey } from '../coding/upload-key.js';
import type { DynamoStore } from '../store/index.js';
import type { TagQueue } from '../coding/index.js';
import { s3Record } from './s3-events.js';

export interface RecoveryReport {
  /** Objects under uploads/ found at start. */
  objects: number;
  /** Objects whose ingest never recorded them (no document or an older version): re-delivered. */
  redelivered: number;
  /** Documents left UPLOADED / EXTRACTED: ingest / tag resumed. */
  resumedIngest: number;
  resumedTag: number;
  /** Documents an interrupted re-tag left on an older codebook version. */
  resumedRetag: number;
}

export interface RecoveryDeps {
  store: DynamoStore;
  s3: S3Client;
  bucket: string;
  region: string;
  sendIngest(bodies: string[]): void;
  tagQueue: TagQueue;
  /** The local user whose projects are scanned. */
  userId?: string;
}

export async function recoverOnStart(deps: RecoveryDeps): Promise<RecoveryReport> {
  const report: RecoveryReport = { objects: 0, redelivered: 0, resumedIngest: 0, resumedTag: 0, resumedRetag: 0 };
  const ingestEvent = (key: string, eTag: string): string => JSON.stringify({ Records: [s3Record({ bucket: deps.bucket, key, eTag, region: deps.region })] });
  const sentIngest = new Set<string>();

  // 1. S3 is the record of acknowledged uploads.
  let token: string | undefined;
  do {
    const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: UPLOAD_PREFIX, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) {
      if (!o.Key || !o.ETag) continue;
      // Listings quote ETags ("abc"); S3 events, and so the stored sourceVersion, do not.
      const eTag = o.ETag.replace(/"/g, '');
      report.objects++;
      const where = parseUploadKey(o.Key);
      if (!where) continue; // not a document key: ingest would skip it too
      const doc = await deps.store.getDocument(documentIdFor(where.projectId, where.fileName));
      if (doc && doc.sourceVersion === eTag) continue;
      if (doc && doc.status === 'UPLOADED' && doc.s3Key === o.Key) continue; // resumed below
      deps.sendIngest([ingestEvent(o.Key, eTag)]);
      sentIngest.add(o.Key);
      report.redelivered++;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  // 2. Documents the pipeline left half-way.
  const projects = await all((p) => deps.store.listProjectsForUser(deps.userId ?? 'local', p));
  for (const project of projects) {
    const current = await deps.store.getCurrentCodebook(project.id);
    const docs = await all((p) => deps.store.listDocuments(project.id, p));
    const tag: Array<{ projectId: string; documentId: string; reason: 'ingest' | 'retag' }> = [];
    for (const d of docs) {
      if (d.status === 'UPLOADED' && !sentIngest.has(d.s3Key)) {
        deps.sendIngest([ingestEvent(d.s3Key, d.sourceVersion)]);
        report.resumedIngest++;
      } else if (d.status === 'EXTRACTED') {
        tag.push({ projectId: project.id, documentId: d.id, reason: 'ingest' });
        report.resumedTag++;
      } else if (d.status === 'TAGGED' && current && d.codebookVersion !== current.version) {
        tag.push({ projectId: project.id, documentId: d.id, reason: 'retag' });
        report.resumedRetag++;
      }
    }
    if (tag.length) await deps.tagQueue.send(tag);
  }
  return report;
}
