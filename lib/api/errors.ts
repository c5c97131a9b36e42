// Maps errors to HTTP answers: QualtagError kinds to 4xx with `{ message, hint?, where? }`, a stale
// decision to 409 with the coding's current state, zod issues to 400 naming the field, anything else
// to a 500 that leaks nothing.
import type * as z from 'zod';
import { QualtagError, type ErrorKind } from '../errors.js';
import { ConflictError } from '../coding/index.js';
import type { ErrorBody } from './contract.js';
import { json, type ApiResult } from './http.js';
import { toCodingView } from './mappers.js';

const statusOf: Record<ErrorKind, number> = {
  BAD_REQUEST: 400,
  BAD_CODEBOOK: 400,
  BAD_RULE: 400,
  BAD_PROJECT: 400,
  BAD_ROWS: 400,
  EMPTY_FILE: 400,
  UNSUPPORTED_TYPE: 415,
  CORRUPT_FILE: 400,
  ENCRYPTED_FILE: 400,
  NO_TEXT_LAYER: 400,
  BINARY_AS_TEXT: 400,
  TOO_LARGE: 413,
  TIMEOUT: 504,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
};

/** Thrown for a missing or wrong token: 401. */
export class UnauthorizedError extends Error {
  constructor(readonly hint: string) {
    super('authentication required');
  }
}

/** A zod failure as the first issue's path and message, e.g. `query.limit: Too big`. */
export function fromZod(err: z.ZodError, part: 'body' | 'query' | 'path'): QualtagError {
  const issue = err.issues[0];
  const where = [part, ...(issue?.path ?? []).map(String)].join('.');
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem${err.issues.length > 2 ? 's' : ''})` : '';
  return new QualtagError('BAD_REQUEST', `${issue?.message ?? 'invalid input'}${more}`, hintFor(part), where);
}

function hintFor(part: 'body' | 'query' | 'path'): string {
  if (part === 'body') return 'Send a JSON body as described in lib/api/contract.ts';
  if (part === 'query') return 'Fix the query parameter; see lib/api/contract.ts for the allowed values';
  return 'Use an id returned by the API';
}

export function errorResult(e: unknown, log: (msg: string, err: unknown) => void = defaultLog): ApiResult {
  if (e instanceof ConflictError) {
    return json(409, { message: e.message, hint: e.hint, current: e.current ? toCodingView(e.current) : null });
  }
  if (e instanceof QualtagError) {
    // The QualtagError message is prefixed with `where`; the body carries it separately.
    const message = e.where && e.message.startsWith(`${e.where}: `) ? e.message.slice(e.where.length + 2) : e.message;
    const body: ErrorBody = { message, hint: e.hint, ...(e.where ? { where: e.where } : {}) };
    return json(statusOf[e.kind] ?? 400, body);
  }
  if (e instanceof UnauthorizedError) {
    return json(401, { message: e.message, hint: e.hint } satisfies ErrorBody, { 'www-authenticate': 'Bearer' });
  }
  log('unhandled error in the API', e);
  return json(500, { message: 'internal error', hint: 'Try again; if it keeps failing, check the server log' } satisfies ErrorBody);
}

function defaultLog(msg: string, err: unknown): void {
  console.error(
    JSON.stringify({ level: 'ERROR', message: msg, error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) }),
  );
}
