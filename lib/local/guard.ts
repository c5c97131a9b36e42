// The front door of a local storage service (S3 or DynamoDB): listens on 127.0.0.1 only and lets a
// request through only when it is addressed to 127.0.0.1/localhost on this port (no DNS rebinding)
// and carries a valid SigV4 signature made with the stack's per-start credentials. Nothing anonymous,
// no CORS at all (a request with an Origin header is refused: the review UI reaches S3 through the API's
// own origin, lib/local/s3-proxy.ts), and the service's own extra checks (S3 keys that would leave the
// bucket's directory) before anything is stored.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4, type Credentials } from './sigv4.js';

export interface GuardRequestContext {
  /** The sha256 (hex) the client signed for a streamed PutObject body: the store checks it before committing. */
  expectedSha256?: string;
  /** Content-MD5 (base64), when sent. */
  expectedMd5?: string;
}

/** Carries the per-request expectations from the guard to the store (same process, same async chain). */
export const guardContext = new AsyncLocalStorage<GuardRequestContext>();

export interface GuardOptions {
  service: 's3' | 'dynamodb';
  credentials: Credentials;
  /** Default: a free port. */
  port?: number;
  /** Buffer the body (at most this many bytes) so its hash is checked before anything is forwarded (DynamoDB). */
  bufferBodyLimit?: number;
  /** Service-specific refusal (S3 keys); returns the reason, or null to let the request through. */
  refuse?: (method: string, rawPath: string, rawQuery: string, headers: Record<string, string>) => string | null;
  /** Serves a request that passed every check. */
  forward(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined, ctx: GuardRequestContext): void | Promise<void>;
}

export interface GuardStats {
  passed: number;
  refused: number;
  lastRefusal?: string;
}

export interface RunningGuard {
  port: number;
  endpoint: string;
  stats: GuardStats;
  close(): Promise<void>;
}

/** An error body the service's SDK client understands (XML for S3, JSON for DynamoDB). */
export function sendRefusal(res: ServerResponse, service: 's3' | 'dynamodb', status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  const body =
    service === 's3'
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</Message></Error>`
      : JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message });
  res.writeHead(status, {
    'content-type': service === 's3' ? 'application/xml' : 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

async function readAll(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

export async function startGuard(opts: GuardOptions): Promise<RunningGuard> {
  const stats: GuardStats = { passed: 0, refused: 0 };
  let port = opts.port ?? 0;
  const refuse = (res: ServerResponse, status: number, code: string, message: string): void => {
    stats.refused++;
    stats.lastRefusal = `${status} ${code}: ${message}`;
    sendRefusal(res, opts.service, status, code, message);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const host = (req.headers.host ?? '').toLowerCase();
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
        return refuse(res, 421, 'MisdirectedRequest', `requests must be addressed to 127.0.0.1:${port}`);
      }
      // No browser page may call a storage service, whatever its origin; so no preflight is ever answered.
      if (req.headers.origin !== undefined) return refuse(res, 403, 'AccessDenied', 'cross-origin requests are not allowed');
      if (req.method === 'OPTIONS') return refuse(res, 403, 'AccessDenied', 'CORS is not enabled');
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? '' : url.slice(q + 1);
      const headers = flatHeaders(req);
      const problem = opts.refuse?.(req.method ?? 'GET', rawPath, rawQuery, headers);
      if (problem) return refuse(res, 400, 'InvalidRequest', problem);
      const declared = headers['x-amz-content-sha256'];
      if (declared?.startsWith('STREAMING-'))
        return refuse(res, 400, 'InvalidRequest', 'aws-chunked (streaming) payloads are not accepted; sign the payload or send it unsigned');
      let body: Buffer | undefined;
      if (opts.bufferBodyLimit !== undefined) {
        const b = await readAll(req, opts.bufferBodyLimit);
        if (!b) return refuse(res, 413, 'RequestEntityTooLarge', `the body is larger than ${opts.bufferBodyLimit} bytes`);
        body = b;
      }
      const verdict = await verifySigV4({ method: req.method ?? 'GET', rawPath, rawQuery, headers, ...(body ? { body } : {}) }, opts.credentials);
      if (!verdict.ok) return refuse(res, 403, opts.service === 's3' ? 'AccessDenied' : 'AccessDeniedException', `request refused: ${verdict.reason}`);
      if (verdict.service !== opts.service) return refuse(res, 403, 'AccessDenied', `signed for ${verdict.service}, not ${opts.service}`);
      stats.passed++;
      const ctx: GuardRequestContext = {};
      if (declared && /^[0-9a-f]{64}$/.test(declared)) ctx.expectedSha256 = declared;
      if (headers['content-md5']) ctx.expectedMd5 = headers['content-md5'];
      await guardContext.run(ctx, () => opts.forward(req, res, body, ctx));
    })().catch((e: unknown) => {
      stats.lastRefusal = `500: ${e instanceof Error ? e.message : String(e)}`;
      sendRefusal(res, opts.service, 500, 'InternalError', 'the local service failed');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
