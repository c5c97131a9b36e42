// Serves the HTTP API (the same route code as the api Lambda) and the review UI on 127.0.0.1.
// Owned by the API work (issue 5); the local stack (issue 4) calls startHttpServer from `qualtag up`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpServerOptions {
  host?: string; // always a loopback address
  port: number; // 0 picks a free port
  /** Bearer token every route but /health requires. */
  token: string;
  /** Built review UI to serve at / (web/dist), when present. */
  webDir?: string;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

// Placeholder until the API lands: answers /health only.
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const server = createServer((req, res) => {
    const ok = req.url === '/health';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { ok: true } : { message: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
