// Uploads on the UI's own origin: on a real local stack, the API hands out presigned URLs under its own
// /s3 path (for whichever loopback origin the request named), the server forwards them to the S3 guard with
// the signature intact, and the guard itself answers no CORS to anyone, the UI's origin included.
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSummary, ExportJobView, UploadUrl } from '../../../lib/api/contract.js';
import { startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';
import { MAX_PROXIED_BYTES } from '../../../lib/local/s3-proxy.js';
import { startLocalStack, type LocalStack } from '../../../lib/local/stack.js';

const token = randomBytes(24).toString('hex');
let stack: LocalStack;
let server: RunningHttpServer;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
/** A request with exactly these headers (fetch would not let a test set Host or Origin). */
function raw(url: string, method: string, headers: Record<string, string>, body = ''): Promise<Raw> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = request(
      {
        hostname: u.hostname,
        port: u.port,
        method,
        path: `${u.pathname}${u.search}`,
        headers: { 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

async function uploadUrl(host: string, fileName: string): Promise<UploadUrl> {
  const r = await raw(
    `${server.url}/api/projects/px/uploads`,
    'POST',
    { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    JSON.stringify({ fileName, contentType: 'text/plain' }),
  );
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as UploadUrl;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startLocalStack();
  await stack.store.createProject({ id: 'px', name: 'Proxy', members: ['local'], createdBy: 'local' });
  server = await startHttpServer({
    port: 0,
    token,
    deps: { store: stack.store, blobs: stack.blobs, tagQueue: stack.tagQueue, exportQueue: stack.exportQueue },
    s3Endpoint: stack.s3Endpoint,
  });
});

afterAll(async () => {
  await server?.close();
  await stack?.stop();
});

describe('presigned URLs on the UI origin', () => {
  it('points upload URLs at the origin the request named, and the upload through it is ingested', async () => {
    const port = new URL(server.url).port;
    const viaLocalhost = await uploadUrl(`localhost:${port}`, 'x.txt');
    expect(viaLocalhost.url.startsWith(`http://localhost:${port}/s3/${stack.bucketName}/uploads/px/x.txt?`)).toBe(true);
    const up = await uploadUrl(`127.0.0.1:${port}`, 'interview.txt');
    expect(up.url.startsWith(`${server.url}/s3/${stack.bucketName}/uploads/px/interview.txt?`)).toBe(true);
    expect(up.url).not.toContain(stack.s3Endpoint);

    // The browser's same-origin PUT carries its own Origin: forwarded (without it), stored, ingested.
    const text = 'Interviewer: Hoe gaat het?\nRespondent: Wij vertrouwen elkaar.\n';
    const put = await raw(up.url, 'PUT', { host: `127.0.0.1:${port}`, origin: server.url, ...up.headers }, text);
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBeDefined();
    expect(put.headers['access-control-allow-origin']).toBeUndefined();
    const doc = await until('interview.txt TAGGED', async () => {
      const r = await fetch(`${server.url}/api/projects/px/documents`, { headers: { authorization: `Bearer ${token}` } });
      return ((await r.json()) as { items: DocumentSummary[] }).items.find((d) => d.name === 'interview.txt' && d.status === 'TAGGED');
    });
    expect(await stack.blobs.getText(`uploads/px/interview.txt`)).toBe(text);
    expect(doc.segmentCount).toBeGreaterThan(0);
  });

  it('hands out export downloads on the same origin', async () => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const job = (await (
      await fetch(`${server.url}/api/projects/px/export-jobs`, { method: 'POST', headers, body: JSON.stringify({ format: 'csv' }) })
    ).json()) as ExportJobView;
    const done = await until('the export job', async () => {
      const j = (await (await fetch(`${server.url}/api/projects/px/export-jobs/${job.id}`, { headers })).json()) as ExportJobView;
      return j.state === 'done' ? j : undefined;
    });
    expect(done.downloadUrl!.startsWith(`${server.url}/s3/`)).toBe(true);
    const file = await raw(done.downloadUrl!, 'GET', { host: new URL(server.url).host, origin: server.url });
    expect(file.status).toBe(200);
    expect(Buffer.byteLength(file.body)).toBe(done.bytes);
  });

  it('refuses other origins, other methods, tampered signatures and oversized bodies on /s3', async () => {
    const host = new URL(server.url).host;
    const up = await uploadUrl(host, 'y.txt');
    expect((await raw(up.url, 'PUT', { host, origin: 'http://evil.example', ...up.headers }, 'x')).status).toBe(403);
    expect((await raw(up.url, 'PUT', { host, origin: `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`, ...up.headers }, 'x')).status).toBe(403);
    const preflight = await raw(up.url, 'OPTIONS', { host, origin: server.url, 'access-control-request-method': 'PUT' });
    expect(preflight.status).toBe(405);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw(up.url, 'DELETE', { host })).status).toBe(405);
    expect((await raw(up.url.replace('y.txt', 'z.txt'), 'PUT', { host, ...up.headers }, 'x')).status).toBe(403);
    expect((await raw(`${server.url}/s3/${stack.bucketName}?list-type=2`, 'GET', { host })).status).toBe(403);
    expect((await raw(up.url, 'PUT', { host, ...up.headers, 'content-length': String(MAX_PROXIED_BYTES + 1) })).status).toBe(413);
    expect(await stack.blobs.getTextIfExists('uploads/px/y.txt')).toBeNull();
    expect(await stack.blobs.getTextIfExists('uploads/px/z.txt')).toBeNull();
  });

  it('the S3 guard answers no CORS at all, not even to the UI origin', async () => {
    const s3Host = new URL(stack.s3Endpoint).host;
    const path = `${stack.s3Endpoint}/${stack.bucketName}/uploads/px/interview.txt`;
    for (const origin of [server.url, server.url.replace('127.0.0.1', 'localhost'), 'http://evil.example']) {
      const preflight = await raw(path, 'OPTIONS', { host: s3Host, origin, 'access-control-request-method': 'PUT' });
      expect(preflight.status, origin).toBe(403);
      expect(preflight.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    // A presigned URL of the guard itself, used from a page (Origin set): refused even with a valid signature.
    const direct = await stack.blobs.presignDownload('uploads/px/interview.txt');
    const fromPage = await raw(direct, 'GET', { host: s3Host, origin: server.url });
    expect(fromPage.status).toBe(403);
    expect(fromPage.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw(direct, 'GET', { host: s3Host })).status).toBe(200);
  });
});
