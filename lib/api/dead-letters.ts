// Dead letters as the API shows them: the local stack's list (lib/local/dead-letters.ts) seen per
// project. A letter belongs to the project its message names (the upload key of an ingest event, the
// projectId of a tag or export request); a body that names none is only in `qualtag status`.
// On AWS there is no source: the SQS dead-letter queues are shared by every project and can only be read
// by receiving their messages, so listing one project's would hide the others' from their retries.
import { objectsFromNotification } from '../pipeline/s3-notification.js';
import { documentIdFor, parseUploadKey } from '../coding/upload-key.js';
import type { DeadLetterView } from './contract.js';

/** One dead letter as the local queue records it. */
export interface DeadLetterRecord {
  queue: string;
  messageId: string;
  body: string;
  receiveCount: number;
  /** Why the last delivery failed (the handler's error). */
  error: string;
  at: string;
  /** Times the stack put it back on its queue (automatically with backoff, or by hand). */
  redrives?: number;
  /** When the stack will try it again by itself; absent: only by hand or at the next start. */
  nextRetryAt?: string;
}

/** Where the API finds dead letters and puts them back on their queues. */
export interface DeadLetterSource {
  list(): DeadLetterRecord[];
  /** Redrives every letter `match` accepts now; returns how many. */
  retry(match: (d: DeadLetterRecord) => boolean): number;
}

export interface LetterSubject {
  projectId: string;
  subject: string;
  documentId: string | null;
}

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The project and the thing a letter is about, or null when its body names no project. */
export function letterSubject(d: DeadLetterRecord): LetterSubject | null {
  if (d.queue === 'ingest') {
    let keys: string[];
    try {
      keys = objectsFromNotification(d.body).map((o) => o.key);
    } catch {
      return null;
    }
    const up = keys.map(parseUploadKey).find((u) => u !== null);
    return up ? { projectId: up.projectId, subject: up.fileName, documentId: documentIdFor(up.projectId, up.fileName) } : null;
  }
  const msg = parseJson(d.body);
  if (typeof msg?.projectId !== 'string') return null;
  if (d.queue === 'tag' && typeof msg.documentId === 'string')
    return { projectId: msg.projectId, subject: `document ${msg.documentId}`, documentId: msg.documentId };
  if (d.queue === 'export' && typeof msg.jobId === 'string') return { projectId: msg.projectId, subject: `export job ${msg.jobId}`, documentId: null };
  return null;
}

const QUEUES = new Set(['ingest', 'tag', 'export']);

/** The project's letters, oldest failure first; `names` turns document ids into file names. */
export function projectDeadLetters(letters: readonly DeadLetterRecord[], projectId: string, names: ReadonlyMap<string, string> = new Map()): DeadLetterView[] {
  const out: DeadLetterView[] = [];
  for (const d of letters) {
    const s = letterSubject(d);
    if (!s || s.projectId !== projectId || !QUEUES.has(d.queue)) continue;
    out.push({
      id: d.messageId,
      queue: d.queue as DeadLetterView['queue'],
      subject: (s.documentId && d.queue === 'tag' && names.get(s.documentId)) || s.subject,
      documentId: s.documentId,
      reason: d.error,
      failedAt: d.at,
      receiveCount: d.receiveCount,
      redrives: d.redrives ?? 0,
      nextRetryAt: d.nextRetryAt ?? null,
    });
  }
  return out.sort((a, b) => a.failedAt.localeCompare(b.failedAt));
}

/** A letter of this project (and one of `ids`, when given). */
export function letterMatcher(projectId: string, ids?: readonly string[]): (d: DeadLetterRecord) => boolean {
  const wanted = ids ? new Set(ids) : null;
  return (d) => (!wanted || wanted.has(d.messageId)) && letterSubject(d)?.projectId === projectId;
}

export const DEAD_LETTERS_UNAVAILABLE_HINT =
  'On AWS failed pipeline messages wait in the SQS dead-letter queues of the ingest, tag and export queues (a CloudWatch alarm mails the operator), who redrives them with "Start DLQ redrive" in the SQS console';
