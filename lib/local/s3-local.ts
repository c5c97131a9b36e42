// The local S3: s3rver's request handling, in-process, behind the signature-checking guard (s3rver
// itself never listens, and it checks no V4 signatures), with its filesystem store made safe:
// keys cannot leave the bucket's directory, an object is written to a temp file, synced, checked
// against the hash the client signed, then renamed into place under a per-key lock, so concurrent
// uploads of one key never interleave and a reader never sees half an object. Files are 0600 in 0700
// directories.
import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';
import { guardContext, startGuard } from './guard.js';
import type { Credentials } from './sigv4.js';

export interface S3LocalOptions {
  /** Where objects are stored (persisted across restarts when it is not a temp dir). */
  directory: string;
  /** The only key pair the server accepts (random per start). */
  credentials: Credentials;
  buckets?: string[];
  /** Default: a free port. */
  port?: number;
}

export interface RunningS3Local {
  endpoint: string;
  port: number;
  /** Requests refused by the guard (side-door probes). */
  stats: { passed: number; refused: number; lastRefusal?: string };
  /** s3rver's raw events (not the real S3 shape: convert with toS3Event). */
  onEvent(listener: (event: unknown) => void): void;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

interface S3ObjectLike {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, unknown>;
}
interface FilesystemStoreBase {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
  getMetadata(bucket: string, key: string): Promise<unknown>;
  getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<void>;
  copyObject(...args: unknown[]): Promise<unknown>;
}
const FilesystemStore = require('s3rver/lib/stores/filesystem') as new (root: string) => FilesystemStoreBase;
const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;
const S3Object = require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] };
const AWSAccount = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why a key would be unsafe on the filesystem store, or null. `key` is decoded. */
export function s3KeyProblem(key: string): string | null {
  if (Buffer.byteLength(key) > 1024) return 'the key is longer than 1024 bytes';
  if (CONTROL.test(key)) return 'the key contains a control character';
  if (key.includes('\\')) return 'the key contains a backslash';
  if (key.includes('._S3rver_')) return 'the key contains a reserved name';
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return 'the key has an empty, "." or ".." path segment';
  }
  return null;
}

/** The guard's check for the S3 path (`/bucket/key`) and copy source; null when safe. */
export function s3RequestProblem(_method: string, rawPath: string, _rawQuery: string, headers: Record<string, string>): string | null {
  if (headers['x-amz-copy-source'] !== undefined) return 'CopyObject is not supported by the local S3';
  if (rawPath === '/') return null;
  let parts: string[];
  try {
    parts = rawPath.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return 'the path is not valid percent-encoding';
  }
  const [bucket, ...rest] = parts;
  if (!bucket || !BUCKET.test(bucket) || bucket.includes('..')) return 'not a valid bucket name';
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) return null;
  return s3KeyProblem(rest.join('/'));
}

async function atomicWrite(file: string, data: string): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, file);
}

/** s3rver's store with atomic, checked object writes and per-key serialisation. */
class AtomicStore extends FilesystemStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  override getResourcePath(bucket: string, key: string | undefined, resource: string): string {
    const p = super.getResourcePath(bucket, key, resource);
    // Defence in depth behind the guard's key check: nothing outside the store's directory.
    const root = path.resolve(this.rootDirectory);
    if (!path.resolve(p).startsWith(root + path.sep)) throw new S3Error('InvalidArgument', 'the key leaves the bucket');
    return p;
  }

  override async putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void> {
    // What s3rver keeps (its allowed headers and x-amz-meta-*), each file written whole or not at all.
    const json: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(metadata)) if (S3Object.ALLOWED_METADATA.includes(k) || k.startsWith('x-amz-meta-')) json[k] = v;
    if (md5) await atomicWrite(this.getResourcePath(bucket, key, 'object.md5'), md5);
    await atomicWrite(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(json, null, 2));
  }

  async putObject(object: S3ObjectLike): Promise<{ size: number; md5: string }> {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    const dir = path.dirname(objectPath);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const expected = guardContext.getStore();
    const tmp = `${objectPath}.${randomUUID()}.tmp`;
    const md5 = createHash('md5');
    const sha = createHash('sha256');
    let size = 0;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(object.content) ? [object.content] : (object.content as AsyncIterable<Buffer>);
      for await (const chunk of chunks) {
        md5.update(chunk);
        sha.update(chunk);
        size += chunk.length;
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    const md5hex = md5.digest('hex');
    if (expected?.expectedSha256 && sha.digest('hex') !== expected.expectedSha256) {
      await rm(tmp, { force: true });
      throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    if (expected?.expectedMd5 && Buffer.from(md5hex, 'hex').toString('base64') !== expected.expectedMd5) {
      await rm(tmp, { force: true });
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    await this.withLock(objectPath, async () => {
      // A missing .md5 is recomputed from the object by s3rver, so a crash between the renames can
      // never leave an ETag that does not match the bytes.
      await rm(this.getResourcePath(object.bucket, object.key, 'object.md5'), { force: true });
      await rename(tmp, objectPath);
      await this.putMetadata(object.bucket, object.key, object.metadata, md5hex);
      const d = await open(dir, 'r');
      await d.sync().finally(() => d.close());
    });
    return { size, md5: md5hex };
  }

  override getMetadata(bucket: string, key: string): Promise<unknown> {
    return this.withLock(this.getResourcePath(bucket, key, 'object'), () => super.getMetadata(bucket, key));
  }

  override getObject(bucket: string, key: string, options?: unknown): Promise<unknown> {
    // The stream is opened under the lock: a rename afterwards leaves this reader on the old file.
    // s3rver's getObject calls this.getMetadata: give it the unlocked one (the lock is not re-entrant).
    const unlocked = Object.create(this, {
      getMetadata: { value: (b: string, k: string) => FilesystemStore.prototype.getMetadata.call(this, b, k) },
    }) as FilesystemStoreBase;
    return this.withLock(this.getResourcePath(bucket, key, 'object'), () => FilesystemStore.prototype.getObject.call(unlocked, bucket, key, options));
  }

  override deleteObject(bucket: string, key: string): Promise<void> {
    return this.withLock(this.getResourcePath(bucket, key, 'object'), () => super.deleteObject(bucket, key));
  }
}

/** Temp files of writes a crash interrupted (never visible as objects): removed at start. */
async function removeInterruptedWrites(dir: string): Promise<number> {
  let removed = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const e of entries) {
    if (e.isFile() && (e.name.endsWith('.tmp') || e.name.startsWith('.tmp-'))) {
      await rm(path.join(e.parentPath, e.name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** Makes an existing data tree private to the user (0700 directories, 0600 files). */
export async function makePrivate(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    await chmod(path.join(e.parentPath, e.name), e.isDirectory() ? 0o700 : 0o600).catch(() => undefined);
  }
}

export async function startS3Local(opts: S3LocalOptions): Promise<RunningS3Local> {
  await mkdir(opts.directory, { recursive: true, mode: 0o700 });
  await makePrivate(opts.directory);
  await removeInterruptedWrites(opts.directory);
  // s3rver's own auth middleware only looks the key up (it does not check V4 signatures): the guard does.
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(opts.credentials.accessKeyId, opts.credentials.secretAccessKey);
  const server = new S3rver({ silent: true, directory: opts.directory, vhostBuckets: false, configureBuckets: (opts.buckets ?? []).map((name) => ({ name })) });
  const store = new AtomicStore(opts.directory);
  (server as unknown as { store: unknown; context: { store: unknown } }).store = store;
  (server as unknown as { context: { store: unknown } }).context.store = store;
  await (server as unknown as { configureBuckets(): Promise<void> }).configureBuckets();
  // Buckets made by earlier versions carried a CORS rule; the guard refuses every cross-origin request.
  for (const name of opts.buckets ?? []) {
    await rm(store.getResourcePath(name, undefined, 'cors.xml'), { force: true });
    await chmod(path.join(opts.directory, name), 0o700);
  }
  const handle = (server as unknown as { callback(): (req: unknown, res: unknown) => void }).callback();
  const guard = await startGuard({
    service: 's3',
    credentials: opts.credentials,
    ...(opts.port ? { port: opts.port } : {}),
    refuse: s3RequestProblem,
    forward: (req, res) => handle(req, res),
  });
  return {
    endpoint: guard.endpoint,
    port: guard.port,
    stats: guard.stats,
    onEvent: (listener) => void server.on('event', listener),
    stop: async () => {
      server.removeAllListeners('event');
      await guard.close();
      const logger = (server as unknown as { logger?: { exceptions?: { unhandle(): void }; close(): void } }).logger;
      logger?.exceptions?.unhandle();
      logger?.close();
    },
  };
}
