// What the pipeline steps need: the storage ports, the tag hand-over, and a logger.
import type { BlobStore, Store, TagQueue } from '../coding/index.js';

/** The slice of Powertools' Logger the pipeline uses, so a Lambda passes its Logger as is. */
export interface PipelineLog {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

export const silentLog: PipelineLog = { info() {}, warn() {}, error() {} };

export interface PipelineDeps {
  store: Store;
  blobs: BlobStore;
  tagQueue: TagQueue;
  log?: PipelineLog;
}
