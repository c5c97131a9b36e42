// Backoff for the writes DynamoDB may refuse under load (throttling, UnprocessedItems, transaction conflicts).

const THROTTLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
]);

export function isRetryable(e: unknown): boolean {
  return e instanceof Error && THROTTLE_NAMES.has(e.name);
}

/** Full-jitter exponential backoff: attempt 0 → up to 25 ms, capped at 2 s. */
export function backoffMs(attempt: number): number {
  return Math.random() * Math.min(2000, 25 * 2 ** attempt);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const MAX_ATTEMPTS = 10;
