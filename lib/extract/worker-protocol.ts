// Messages between the extraction pool and its worker processes (structured clone over the IPC channel).
import type { ErrorKind } from '../errors.js';
import type { ExtractedDocument } from '../model.js';
import type { ExtractOptions } from './index.js';

export interface WorkerRequest {
  id: number;
  bytes: Uint8Array;
  fileName: string;
  options: ExtractOptions;
}

export type WorkerReply =
  | { id: number; ok: true; ready: true }
  | { id: number; ok: true; doc: ExtractedDocument; ready?: undefined }
  | { id: number; ok: false; error: { kind?: ErrorKind; message: string; hint?: string; where?: string } };
