// Opaque page cursors: base64url JSON of DynamoDB's key for the last item, tagged with the index it
// belongs to. Cursors come back from clients, so they are validated before use.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { QualtagError } from '../../errors.js';

const CursorShape = z.object({
  i: z.string().max(40),
  k: z.record(z.string().max(200), z.union([z.string().max(2048), z.number()])),
});

export type StartKey = Record<string, string | number>;

// Cursors are signed so a forged or edited one is refused as a 400 before it reaches DynamoDB (where
// a key of another shape used to come back as a 500). The key: the deployment's secret (on AWS the api
// function reads it from Secrets Manager at cold start, functions/api.ts), else CURSOR_SECRET, else a
// fixed one (the local stack): then the tag is an integrity check, not a secret.
let deploymentKey: string | undefined;
const cursorKey = (): string => deploymentKey ?? process.env.CURSOR_SECRET ?? 'qualtag-page-cursor-v1';

/** Signs and checks cursors with this key from now on (at least 32 characters). */
export function useCursorSecret(secret: string): void {
  if (secret.length < 32) throw new Error('the page-cursor secret is shorter than 32 characters');
  deploymentKey = secret;
}
const tag = (payload: string): string => createHmac('sha256', cursorKey()).update(payload).digest('base64url').slice(0, 22);

export function encodeCursor(index: string, key: StartKey): string {
  const payload = Buffer.from(JSON.stringify({ i: index, k: key })).toString('base64url');
  return `${payload}.${tag(payload)}`;
}

export function decodeCursor(index: string, cursor: string | undefined): StartKey | undefined {
  if (cursor === undefined) return undefined;
  const bad = () =>
    new QualtagError(
      'BAD_REQUEST',
      'the page cursor is not valid for this list',
      'Pass the cursor of the previous page unchanged, or omit it to start again',
      'cursor',
    );
  if (cursor.length > 4096) throw bad();
  const dot = cursor.lastIndexOf('.');
  const payload = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1));
  const expected = Buffer.from(tag(payload));
  if (dot < 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const r = CursorShape.safeParse(parsed);
  if (!r.success || r.data.i !== index) throw bad();
  return r.data.k;
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new QualtagError('BAD_REQUEST', `limit ${limit} is out of range`, 'Use a whole number from 1 to 500', 'limit');
  }
  return limit;
}
