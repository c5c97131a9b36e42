// The ONE module that knows the key formats of the single table (see table.ts for the indexes).
//
//   item             PK                  SK                      index keys
//   project          PROJECT#<pid>       META
//   document counts  PROJECT#<pid>       DOCSTATS                (documents per status, changed with every status change)
//   export job       PROJECT#<pid>       EXPORT#<jobId>
//   member           PROJECT#<pid>       MEMBER#<uid>            lists: USER#<uid> / PROJECT#<pid>
//   codebook version PROJECT#<pid>       CODEBOOK#<hash>         lists: P#<pid>#CODEBOOKS / <createdAt>#<hash>
//   document         DOC#<did>           META                    lists: P#<pid>#DOCS / <fileName>#<did>
//   segment          DOC#<did>           SEG#<pos>
//   report aggregate DOC#<did>           AGG                     (lib/report/aggregate.ts; its version locks the document's codings)
//   coding           DOC#<did>           CODING#<pos>#<code>     queue + queueByScore (only while proposed),
//                                                                byCode, byCategory, byRespondent
//   audit event      AUDIT#<pid>         <at>#<eventId>          lists: P#<pid>#AUDIT#<did> / <at>#<eventId>
//   bulk accept      PROJECT#<pid>       BATCH#<batchId>         (lib/review/bulk.ts: state, counts, documents)
//   its entries      DOC#<did>           BATCH#<batchId>         the codings it accepted in that document
//
// A document's items share one partition, so a document (meta, segments, codings) reads in one query.
// Positions are zero-padded so string order is segment order.
import type { CodingStatus } from '../model.js';
import type { CodingRef } from '../coding/index.js';

export type Key = {
  PK: string;
  SK: string;
};

const POS_WIDTH = 6;

export function pos(segmentIndex: number): string {
  return String(segmentIndex).padStart(POS_WIDTH, '0');
}

/** Highest score first in ascending string order (scores are clamped to 0..999.999). */
export function scoreRank(score: number): string {
  const milli = Math.round(Math.min(Math.max(score, 0), 999.999) * 1000);
  return String(999_999 - milli).padStart(6, '0');
}

export const projectKey = (projectId: string): Key => ({ PK: `PROJECT#${projectId}`, SK: 'META' });
export const projectStatsKey = (projectId: string): Key => ({ PK: `PROJECT#${projectId}`, SK: 'DOCSTATS' });
export const exportJobKey = (projectId: string, jobId: string): Key => ({ PK: `PROJECT#${projectId}`, SK: `EXPORT#${jobId}` });
export const memberKey = (projectId: string, userId: string): Key => ({ PK: `PROJECT#${projectId}`, SK: `MEMBER#${userId}` });
export const memberLists = (projectId: string, userId: string) => ({ LPK: `USER#${userId}`, LSK: `PROJECT#${projectId}` });
export const userProjectsPK = (userId: string): string => `USER#${userId}`;

export const codebookKey = (projectId: string, version: string): Key => ({ PK: `PROJECT#${projectId}`, SK: `CODEBOOK#${version}` });
export const codebookLists = (projectId: string, createdAt: string, version: string) => ({
  LPK: `P#${projectId}#CODEBOOKS`,
  LSK: `${createdAt}#${version}`,
});
export const projectCodebooksPK = (projectId: string): string => `P#${projectId}#CODEBOOKS`;

export const documentKey = (documentId: string): Key => ({ PK: `DOC#${documentId}`, SK: 'META' });
export const documentLists = (projectId: string, fileName: string, documentId: string) => ({
  LPK: `P#${projectId}#DOCS`,
  LSK: `${fileName}#${documentId}`,
});
export const projectDocumentsPK = (projectId: string): string => `P#${projectId}#DOCS`;
export const documentPK = (documentId: string): string => `DOC#${documentId}`;

export const segmentPrefix = 'SEG#';
export const segmentKey = (documentId: string, segmentIndex: number): Key => ({ PK: `DOC#${documentId}`, SK: `SEG#${pos(segmentIndex)}` });

export const aggregateKey = (documentId: string): Key => ({ PK: `DOC#${documentId}`, SK: 'AGG' });

export const codingPrefix = 'CODING#';
/** Sort-key prefix of the codings at one segment position. */
export const segmentCodingsPrefix = (segmentIndex: number): string => `CODING#${pos(segmentIndex)}#`;
export const codingKey = (ref: CodingRef): Key => ({ PK: `DOC#${ref.documentId}`, SK: `CODING#${pos(ref.segmentIndex)}#${ref.code}` });

export interface CodingIndexFields {
  projectId: string;
  documentId: string;
  segmentIndex: number;
  code: string;
  categoryId: string;
  respondent: string | null;
  status: CodingStatus;
  score: number;
}

/** Index attributes of a coding; the queue attributes are present only while it is a proposal. */
export function codingIndexKeys(c: CodingIndexFields): Record<string, string> {
  const p = pos(c.segmentIndex);
  const keys: Record<string, string> = {
    CPK: byCodePK(c.projectId, c.code),
    CSK: `${c.status}#${c.documentId}#${p}`,
    KPK: byCategoryPK(c.projectId, c.categoryId),
    KSK: `${c.status}#${c.documentId}#${p}#${c.code}`,
  };
  if (c.respondent) {
    keys.RPK = byRespondentPK(c.projectId, c.respondent);
    keys.RSK = `${c.status}#${c.documentId}#${p}#${c.code}`;
  }
  if (c.status === 'proposed') {
    keys.QPK = queuePK(c.projectId);
    keys.QSK = `${c.documentId}#${p}#${c.code}`;
    keys.QSCORE = `${scoreRank(c.score)}#${c.documentId}#${p}#${c.code}`;
  }
  return keys;
}

/** Index attributes a coding may carry: removed before rewriting them (the queue ones make it sparse). */
export const codingIndexAttributes = ['CPK', 'CSK', 'KPK', 'KSK', 'RPK', 'RSK', 'QPK', 'QSK', 'QSCORE'] as const;

export const queuePK = (projectId: string): string => `P#${projectId}`;
export const byCodePK = (projectId: string, code: string): string => `P#${projectId}#CODE#${code}`;
export const byCategoryPK = (projectId: string, categoryId: string): string => `P#${projectId}#CAT#${categoryId}`;
export const byRespondentPK = (projectId: string, respondent: string): string => `P#${projectId}#RESP#${respondent}`;
/** Sort-key prefix selecting one status in the byCode/byCategory/byRespondent indexes. */
export const statusPrefix = (status: CodingStatus): string => `${status}#`;
/** Sort-key prefix selecting one document in the queue index. */
export const queueDocumentPrefix = (documentId: string): string => `${documentId}#`;

export const batchKey = (projectId: string, batchId: string): Key => ({ PK: `PROJECT#${projectId}`, SK: `BATCH#${batchId}` });
export const batchEntriesKey = (documentId: string, batchId: string): Key => ({ PK: `DOC#${documentId}`, SK: `BATCH#${batchId}` });

export const auditKey = (projectId: string, at: string, eventId: string): Key => ({ PK: `AUDIT#${projectId}`, SK: `${at}#${eventId}` });
export const auditLists = (projectId: string, documentId: string, at: string, eventId: string) => ({
  LPK: `P#${projectId}#AUDIT#${documentId}`,
  LSK: `${at}#${eventId}`,
});
export const projectAuditPK = (projectId: string): string => `AUDIT#${projectId}`;
export const documentAuditPK = (projectId: string, documentId: string): string => `P#${projectId}#AUDIT#${documentId}`;

/** Attributes that exist only for the key design; stripped before items become domain objects. */
export const keyAttributeNames = new Set(['PK', 'SK', 'LPK', 'LSK', ...codingIndexAttributes]);
