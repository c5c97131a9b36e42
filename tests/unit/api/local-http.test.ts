import { mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../../lib/api/index.js';
import { localToken, readLocalConnection, startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';

// No storage here: only /health, auth and the static UI, which never reach the store.
const deps = { store: {}, blobs: {}, tagQueue: {} } as unknown as ApiDeps;
const dir = mkdtempSync(path.join(tmpdir(), 'qualtag-http-'));
const web = path.join(dir, 'web');
mkdirSync(path.join(web, 'assets'), { recursive: true });
writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>qualtag</title>');
writeFileSync(path.join(web, 'assets', 'app-1234.js'), 'console.log(1)');
writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
let server: RunningHttpServer;

beforeAll(async () => {
  server = await startHttpServer({ port: 0, token: 'x'.repeat(43), webDir: web, deps, stateDir: path.join(dir, 'state') });
});
afterAll(() => server.close());

/** Raw request, so the Host header and odd paths can be set. */
function get(
  p: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: p, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local HTTP server', () => {
  it('serves the API under /api and /health, with the bearer token', async () => {
    expect(JSON.parse((await get('/health')).body)).toMatchObject({ ok: true });
    expect((await get('/api/health')).status).toBe(200);
    const noToken = await get('/api/me');
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toBe('Bearer');
    const me = await get('/api/me', { authorization: `Bearer ${'x'.repeat(43)}` });
    expect(JSON.parse(me.body)).toEqual({ userId: 'local' });
  });

  it('serves the UI with content types, caching and a strict CSP, and the app shell for client routes', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await get('/assets/app-1234.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await get('/review/doc-1')).body).toContain('<title>qualtag</title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('never serves files outside the web folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await get(p);
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const r = await get('/health', { host: 'evil.example:80' });
    expect(r.status).toBe(421);
  });

  it('writes where it listens for the CLI, and keeps one token per state folder', async () => {
    const state = path.join(dir, 'state');
    const t1 = await localToken(state);
    expect(t1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await localToken(state)).toBe(t1);
    expect(statSync(path.join(state, 'token')).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(path.join(state, 'api.json'), 'utf8')).url).toBe(`${server.url}/api`);
    expect(await readLocalConnection(state)).toEqual({ url: `${server.url}/api`, token: t1 });
  });

  it('removes api.json when it stops', async () => {
    const state = path.join(dir, 'state2');
    const s2 = await startHttpServer({ port: 0, token: 't'.repeat(40), deps, stateDir: state });
    expect(await readLocalConnection(state)).toBeNull(); // no token file yet in this folder
    await localToken(state);
    expect((await readLocalConnection(state))?.url).toBe(`${s2.url}/api`);
    await s2.close();
    expect(await readLocalConnection(state)).toBeNull();
  });

  it('listens only on loopback', async () => {
    await expect(startHttpServer({ host: '0.0.0.0', port: 0, token: 't', deps })).rejects.toThrow(/loopback/);
  });
});
