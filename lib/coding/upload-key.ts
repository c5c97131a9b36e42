// Where uploads live in the bucket and how a document gets its id: `uploads/<projectId>/<file name>`.
// The same file name in a project is the same document: uploading it again replaces its text and
// rule proposals, while human decisions stay (see reconcile.ts).
import { createHash } from 'node:crypto';
import { TEXT_PREFIX, UPLOAD_PREFIX } from '../config.js';
import { QualtagError } from '../errors.js';

const PROJECT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isProjectId(id: string): boolean {
  return PROJECT_ID.test(id);
}

export function assertProjectId(id: string): string {
  if (!isProjectId(id)) {
    throw new QualtagError(
      'BAD_REQUEST',
      `"${id}" is not a valid project id`,
      'Use lower-case letters, digits and dashes (at most 63), e.g. "zoetermeer-2021"',
      'project',
    );
  }
  return id;
}

export function uploadKey(projectId: string, fileName: string): string {
  return `${UPLOAD_PREFIX}${assertProjectId(projectId)}/${fileName}`;
}

/** The project and file of an upload key, or null for keys outside `uploads/<projectId>/`. */
export function parseUploadKey(key: string): { projectId: string; fileName: string } | null {
  if (!key.startsWith(UPLOAD_PREFIX)) return null;
  const rest = key.slice(UPLOAD_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  const projectId = rest.slice(0, slash);
  if (!isProjectId(projectId)) return null;
  return { projectId, fileName: rest.slice(slash + 1) };
}

/** Deterministic document id: a redelivered or re-uploaded file maps to the same items. */
export function documentIdFor(projectId: string, fileName: string): string {
  return createHash('sha256').update(`${projectId}\0${fileName}`).digest('hex').slice(0, 24);
}

export function textKey(projectId: string, documentId: string): string {
  return `${TEXT_PREFIX}${projectId}/${documentId}.txt`;
}
