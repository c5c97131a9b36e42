// The hard limits of extracting one upload, shared by the extractor, its worker pool and the AWS stack
// (the ingest Lambda's timeout and memory must stay above them, so a file over a limit ends FAILED with
// its reason instead of the invocation dying and the message being retried into the dead-letter queue).
import { QualtagError } from '../errors.js';

export interface ExtractLimits {
  /** Largest upload read, in bytes. */
  maxBytes: number;
  /** Wall time for one file, in milliseconds; the worker is killed when it is used up. */
  timeoutMs: number;
  /** Most memory (resident set) a worker may use, in MiB; it is killed above it. */
  maxMemoryMb: number;
  /** Most bytes a PDF's compressed streams may inflate to together. */
  maxInflatedBytes: number;
}

export const DEFAULT_LIMITS: ExtractLimits = {
  maxBytes: 50 * 1024 * 1024,
  timeoutMs: 30_000,
  maxMemoryMb: 512,
  maxInflatedBytes: 256 * 1024 * 1024,
};

/** The error of a file whose reading was stopped at the memory limit (the pool's worker, or pdftotext run in the caller). */
export function memoryError(mb: number, fileName: string): QualtagError {
  return new QualtagError(
    'TOO_LARGE',
    `reading the file needed more than ${mb} MB of memory and was stopped`,
    'The file may be damaged or built to overload readers: print or save it to a new file, or split it, and upload that',
    fileName,
  );
}
