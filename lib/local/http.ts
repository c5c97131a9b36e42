// Serves the HTTP API (the same route code as the api Lambda) and the review UI on 127.0.0.1.
// Owned by the API work (issue 5); the local stack (issue 4) calls startHttpServer from `qualtag up`.
//
// Each Node request becomes an API Gateway HTTP API (payload 2.0) event and goes through the same
// router as on AWS. The API answers under /api/... (and /health), presigned S3 URLs under /s3/... (given
// `s3Endpoint`: forwarded to the local S3, see s3-proxy.ts); everything else is the static UI from
// `webDir`, with a strict Content-Security-Policy. Requests must name a loopback Host (no DNS
// rebinding), and every API route but /health needs `Authorization: Bearer <token>`.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApi, tokenAuthenticator, type Api, type ApiDeps, type ApiEvent, type ApiResult } from '../api/index.js';
import { settingsFromEnv } from '../config.js';
import { QualtagError } from '../errors.js';
import { createAdapters } from '../store/index.js';
import { forwardToS3, isS3ProxyPath, requestOrigin, sameOriginBlobs } from './s3-proxy.js';

export { localToken, readLocalConnection } from '../api/connection.js';

export interface HttpServerOptions {
  host?: string; // always a loopback address
  port: number; // 0 picks a free port
  /** Bearer token every route but /health requires. */
  token: string;
  /** Built review UI to serve at / (web/dist), when present. */
  webDir?: string;
  /** The API's adapters; default: built from TABLE_NAME / BUCKET_NAME and the AWS_ENDPOINT_URL_* variables. */
  deps?: ApiDeps;
  /** The local user the token stands for (default "local"). */
  userId?: string;
  /** More tokens for more local users (e.g. a second user who is not a member of a project). */
  extraTokens?: ReadonlyArray<{ token: string; userId: string }>;
  /** When set, writes `<stateDir>/api.json` ({ url }) so the CLI finds the running API. */
  stateDir?: string;
  /**
   * The local S3 (the stack's guard endpoint): presigned URLs then point at this server's /s3 path, which
   * forwards to it, so the browser uploads and downloads on the UI's own origin (lib/local/s3-proxy.ts).
   */
  s3Endpoint?: string;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 6 * 1024 * 1024; // the Lambda payload limit

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** The UI talks only to this origin (presigned uploads and downloads too: they go through /s3). */
export const uiContentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const staticHeaders = {
  'content-security-policy': uiContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  return allowed.includes(hostHeader.toLowerCase());
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new QualtagError('TOO_LARGE', 'the request body is larger than 6 MB', 'Send a smaller file');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** A Node request as the HTTP API (payload 2.0) event API Gateway would send. */
export function toApiEvent(req: IncomingMessage, body: Buffer, pathPrefix: string): ApiEvent {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const rawPath = url.pathname.slice(pathPrefix.length) || '/';
  const textual = /^(application\/json|text\/)/i.test(headers['content-type'] ?? 'application/json');
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual } : { isBase64Encoded: false }),
  };
}

function send(res: ServerResponse, result: ApiResult, head: boolean): void {
  const body = result.body === undefined ? Buffer.alloc(0) : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  res.writeHead(result.statusCode, { ...result.headers, 'content-length': String(body.length) });
  res.end(head ? undefined : body);
}

async function serveStatic(webDir: string, urlPath: string, res: ServerResponse, head: boolean): Promise<void> {
  const root = path.resolve(webDir);
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    rel = '/';
  }
  let file = path.resolve(root, `.${path.posix.normalize(rel)}`);
  if (file !== root && !file.startsWith(root + path.sep)) file = path.join(root, 'index.html');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  // Client-side routes (no file extension) get the app shell; a missing asset is a 404.
  if (!info && !path.extname(file)) {
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...staticHeaders });
    res.end(head ? undefined : 'not found');
    return;
  }
  const body = await readFile(file);
  const type = contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const immutable = /^assets[\\/]/.test(path.relative(root, file));
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(body.length),
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...staticHeaders,
  });
  res.end(head ? undefined : body);
}

function defaultDeps(): ApiDeps {
  const adapters = createAdapters(settingsFromEnv());
  return {
    store: adapters.store,
    blobs: adapters.blobs,
    tagQueue: adapters.tagQueue ?? {
      send: async () => {
        throw new QualtagError(
          'BAD_REQUEST',
          'this server has no tag queue, so it cannot re-tag',
          'Run the API inside `qualtag up`, which delivers tag requests',
        );
      },
    },
  };
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error(`the local API only listens on a loopback address, not ${host}`);
  let port = opts.port;
  const ownOrigins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  const deps = opts.deps ?? defaultDeps();
  const s3Endpoint = opts.s3Endpoint;
  const apiDeps = s3Endpoint ? { ...deps, blobs: sameOriginBlobs(deps.blobs, s3Endpoint, () => ownOrigins()[0]!) } : deps;
  const api: Api = createApi(apiDeps, tokenAuthenticator([{ token: opts.token, userId: opts.userId ?? 'local' }, ...(opts.extraTokens ?? [])]));
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const server = createServer((req, res) => {
    inFlight++;
    void (async () => {
      const head = req.method === 'HEAD';
      if (!isLoopbackHost(req.headers.host, port)) {
        res.writeHead(421, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: 'requests must be addressed to 127.0.0.1 or localhost', hint: `Open http://127.0.0.1:${port}/` }));
        return;
      }
      const pathname = (req.url ?? '/').split('?')[0]!;
      if (s3Endpoint && isS3ProxyPath(pathname)) {
        await forwardToS3(req, res, s3Endpoint, ownOrigins());
        return;
      }
      const prefix = pathname === '/api' || pathname.startsWith('/api/') ? '/api' : pathname === '/health' ? '' : null;
      if (prefix === null) {
        if (!opts.webDir || (req.method !== 'GET' && !head)) {
          send(
            res,
            {
              statusCode: 404,
              headers: { 'content-type': 'application/json; charset=utf-8' },
              body: JSON.stringify({ message: `no route ${req.method} ${pathname}`, hint: 'The API lives under /api' }),
            },
            head,
          );
          return;
        }
        await serveStatic(opts.webDir, pathname, res, head);
        return;
      }
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (e) {
        send(
          res,
          {
            statusCode: 413,
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify({ message: e instanceof Error ? e.message : 'too large' }),
          },
          head,
        );
        return;
      }
      // Presigned URLs made while answering name the origin this request was addressed to.
      send(res, await requestOrigin.run(`http://${req.headers.host!.toLowerCase()}`, () => api(toApiEvent(req, body, prefix))), head);
    })()
      .catch((e: unknown) => {
        console.error('qualtag http: request failed', e);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: 'internal error' }));
      })
      .finally(() => {
        if (--inFlight === 0) drained?.();
      });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, resolve);
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  if (opts.stateDir) {
    await mkdir(opts.stateDir, { recursive: true });
    await writeFile(path.join(opts.stateDir, 'api.json'), `${JSON.stringify({ url: `${url}/api`, ui: url, pid: process.pid }, null, 2)}\n`);
  }
  return {
    url,
    close: async () => {
      // Stop accepting, let requests in progress finish (at most 5 s), then drop idle keep-alive sockets.
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeIdleConnections();
      if (inFlight > 0) await Promise.race([new Promise<void>((r) => (drained = r)), new Promise((r) => setTimeout(r, 5000).unref())]);
      server.closeAllConnections();
      await closed;
      // The CLI must not find a server that is gone.
      if (opts.stateDir) await rm(path.join(opts.stateDir, 'api.json'), { force: true });
    },
  };
}
