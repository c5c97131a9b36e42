// The local S3 on the API's own origin. Presigned URLs the local API hands out point at
// `<the origin the request named>/s3/<bucket>/<key>?X-Amz-…`, and the local server forwards those
// requests to the S3 guard with their signature untouched (the Host is set back to the guard's, which
// the URL was signed for). The browser so never calls another origin, and the guard answers no CORS at
// all. On AWS nothing changes: the UI PUTs to S3, whose bucket CORS names only the UI's origin.
import { AsyncLocalStorage } from 'node:async_hooks';
import { request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { BlobStore } from '../coding/index.js';

export const S3_PROXY_PREFIX = '/s3';
/** The largest upload anything reads: a .qdpx archive (lib/import/zip.ts maxArchiveBytes). */
export const MAX_PROXIED_BYTES = 200 * 1024 * 1024;

/** The origin of the API request being served (`http://<its Host>`, already checked to be loopback). */
export const requestOrigin = new AsyncLocalStorage<string>();

export function isS3ProxyPath(pathname: string): boolean {
  return pathname === S3_PROXY_PREFIX || pathname.startsWith(`${S3_PROXY_PREFIX}/`);
}

/** A URL on the S3 endpoint as the same URL under `<origin>/s3`; any other URL unchanged. */
export function sameOriginUrl(url: string, s3Endpoint: string, origin: string): string {
  const u = new URL(url);
  if (u.origin !== new URL(s3Endpoint).origin) return url;
  return `${origin}${S3_PROXY_PREFIX}${u.pathname}${u.search}`;
}

/** The blob store with its presigned URLs moved onto the origin of the request being served. */
export function sameOriginBlobs(blobs: BlobStore, s3Endpoint: string, defaultOrigin: () => string): BlobStore {
  const moved = (url: string) => sameOriginUrl(url, s3Endpoint, requestOrigin.getStore() ?? defaultOrigin());
  return {
    getBytes: (key, versionId) => blobs.getBytes(key, versionId),
    putObject: (key, body, contentType) => blobs.putObject(key, body, contentType),
    getText: (key) => blobs.getText(key),
    getTextIfExists: (key) => blobs.getTextIfExists(key),
    presignUpload: async (key, contentType, expires) => moved(await blobs.presignUpload(key, contentType, expires)),
    presignDownload: async (key, expires) => moved(await blobs.presignDownload(key, expires)),
  };
}

function answer(res: ServerResponse, status: number, message: string, hint: string): void {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ message, hint });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];

/**
 * Forwards a GET / HEAD / PUT under /s3 to the S3 guard at `s3Endpoint`. Only the page's own origins may
 * send it from a browser (`ownOrigins`); the Origin, Referer and Cookie headers never reach the guard.
 */
export function forwardToS3(req: IncomingMessage, res: ServerResponse, s3Endpoint: string, ownOrigins: readonly string[]): Promise<void> {
  const method = req.method ?? 'GET';
  if (!['GET', 'HEAD', 'PUT'].includes(method)) {
    answer(res, 405, `${method} is not allowed on ${S3_PROXY_PREFIX}/`, 'Presigned URLs are used with GET or PUT');
    return Promise.resolve();
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !ownOrigins.includes(origin)) {
    answer(res, 403, 'cross-origin requests are not allowed', 'Upload from the review UI of this stack');
    return Promise.resolve();
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_PROXIED_BYTES) {
    answer(res, 413, `the upload is larger than ${MAX_PROXIED_BYTES / 1024 / 1024} MB`, 'Split the file, or upload a smaller one');
    return Promise.resolve();
  }
  const target = new URL(s3Endpoint);
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || HOP_BY_HOP.includes(k) || k === 'origin' || k === 'referer' || k === 'cookie' || k === 'host') continue;
    headers[k] = v;
  }
  headers.host = target.host;
  const path = (req.url ?? S3_PROXY_PREFIX).slice(S3_PROXY_PREFIX.length) || '/';
  return new Promise<void>((resolve) => {
    let size = 0;
    let settled = false;
    const settle = (refusal?: () => void): void => {
      if (settled) return;
      settled = true;
      refusal?.();
      resolve();
    };
    const upstream = request({ hostname: target.hostname, port: target.port, method, path, headers }, (r) => {
      if (settled) return void r.resume();
      const back: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !HOP_BY_HOP.includes(k)) back[k] = v;
      res.writeHead(r.statusCode ?? 502, back);
      r.pipe(res);
      r.once('end', () => settle());
      r.once('error', () => settle(() => res.destroy()));
    });
    upstream.once('error', () => settle(() => answer(res, 502, 'the local S3 did not answer', 'Is `qualtag up` still running?')));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PROXIED_BYTES || settled) return;
      settle(() => answer(res, 413, `the upload is larger than ${MAX_PROXIED_BYTES / 1024 / 1024} MB`, 'Split the file, or upload a smaller one'));
      req.unpipe(upstream);
      upstream.destroy();
    });
    req.pipe(upstream);
  });
}
