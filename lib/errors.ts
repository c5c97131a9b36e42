// Errors a researcher can act on: what is wrong, where, and what to do.
// Every stage throws these for bad input; handlers and the CLI print `message` + `hint` and carry on.

export type ErrorKind =
  | 'EMPTY_FILE'
  | 'UNSUPPORTED_TYPE'
  | 'CORRUPT_FILE'
  | 'ENCRYPTED_FILE'
  | 'NO_TEXT_LAYER'
  | 'BINARY_AS_TEXT'
  | 'TOO_LARGE'
  | 'TIMEOUT'
  | 'BAD_ROWS'
  | 'BAD_CODEBOOK'
  | 'BAD_RULE'
  /** A REFI-QDA project (.qdpx) that is not safe or not valid to import. */
  | 'BAD_PROJECT'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN';

export class QualtagError extends Error {
  override readonly name = 'QualtagError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** What the researcher can do about it. */
    readonly hint: string,
    /** File name, line, or path of the offending entry (e.g. `categories[2].codes[0].rules[1]`). */
    readonly where?: string,
  ) {
    super(where ? `${where}: ${message}` : message);
  }

  /** One line for logs, CLI stderr and the FAILED document's reason. */
  describe(): string {
    return `${this.message}. ${this.hint}`;
  }
}

export function isQualtagError(e: unknown): e is QualtagError {
  return e instanceof QualtagError;
}
