// Opaque page cursors: base64url JSON of DynamoDB's key for the last item, tagged with the index it
// belongs to. Cursors come back from clients, so they are validated before use.
import * as z from 'zod';
import { QualtagError } from '../../errors.js';

const CursorShape = z.object({
  i: z.string().max(40),
  k: z.record(z.string().max(200), z.union([z.string().max(2048), z.number()])),
});

export type StartKey = Record<string, string | number>;

export function encodeCursor(index: string, key: StartKey): string {
  return Buffer.from(JSON.stringify({ i: index, k: key })).toString('base64url');
}

export function decodeCursor(index: string, cursor: string | undefined): StartKey | undefined {
  if (cursor === undefined) return undefined;
  const bad = () => new QualtagError('BAD_REQUEST', 'the page cursor is not valid for this list', 'Pass the cursor of the previous page unchanged, or omit it to start again', 'cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
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
