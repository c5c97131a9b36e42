import { describe, expect, it } from 'vitest';
import { jwtAuthenticator, tokenAuthenticator } from '../../../lib/api/auth.js';
import { QualtagError } from '../../../lib/errors.js';
import type { ApiEvent } from '../../../lib/api/http.js';
import { createRouter, type Handlers } from '../../../lib/api/router.js';
import { ConflictError, type Coding } from '../../../lib/coding/index.js';

function event(
  method: string,
  rawPath: string,
  opts: { query?: Record<string, string>; body?: string; headers?: Record<string, string>; sub?: string } = {},
): ApiEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: opts.headers ?? {},
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'a',
      apiId: 'a',
      domainName: 'x',
      domainPrefix: 'x',
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      ...(opts.sub ? { authorizer: { jwt: { claims: { sub: opts.sub }, scopes: null } } } : {}),
    },
  };
}

const calls: Array<{ name: string; ctx: unknown }> = [];
const record = (name: string) => async (ctx: unknown) => {
  calls.push({ name, ctx });
  return { name };
};
const coding = { projectId: 'p', documentId: 'd1', segmentIndex: 2, code: 'a/b', version: 3, status: 'accepted' } as unknown as Coding;
const handlers = new Proxy({} as Handlers, {
  get: (_, name: string) => {
    if (name === 'decide')
      return async () => {
        throw new ConflictError('someone else decided on this coding first', {
          ...coding,
          segmentId: 's',
          segmentStart: 0,
          segmentEnd: 5,
          segmentText: 'hallo',
          categoryId: 'a',
          respondent: null,
          origin: 'rule',
          score: 1,
          evidence: [],
          codebookVersion: 'v',
          createdAt: 't',
        });
      };
    if (name === 'getCodebook')
      return async () => {
        throw new QualtagError('NOT_FOUND', 'project "p" has no codebook yet', 'Upload one', 'codebook');
      };
    if (name === 'retag')
      return async () => {
        throw new Error('secret internal detail');
      };
    return record(name);
  },
});
const router = createRouter({
  authenticate: tokenAuthenticator([
    { token: 'good-token-123', userId: 'ann' },
    { token: 'other-token-456', userId: 'bob' },
  ]),
  handlers,
  log: () => {},
});
const auth = { authorization: 'Bearer good-token-123' };
const parse = (r: { body?: string }) => JSON.parse(r.body ?? 'null') as Record<string, unknown>;

describe('API router', () => {
  it('answers /health without a token and everything else only with one', async () => {
    expect((await router(event('GET', '/health'))).statusCode).toBe(200);
    const r = await router(event('GET', '/projects'));
    expect(r.statusCode).toBe(401);
    expect(parse(r)).toMatchObject({ message: 'authentication required', hint: expect.stringContaining('Bearer') });
    expect((await router(event('GET', '/projects', { headers: { Authorization: 'Bearer wrong' } }))).statusCode).toBe(401);
    expect((await router(event('GET', '/projects', { headers: { authorization: 'Bearer other-token-456' } }))).statusCode).toBe(200);
    expect((calls.at(-1)!.ctx as { userId: string }).userId).toBe('bob');
  });

  it('matches path parameters (decoded) and validates the query with defaults', async () => {
    const r = await router(event('GET', '/projects/p%2D1/review-queue', { headers: auth, query: { limit: '20', order: 'score' } }));
    expect(r.statusCode).toBe(200);
    const ctx = calls.at(-1)!.ctx as { params: Record<string, string>; query: Record<string, unknown>; userId: string };
    expect(calls.at(-1)!.name).toBe('reviewQueue');
    expect(ctx.params).toEqual({ projectId: 'p-1' });
    expect(ctx.query).toMatchObject({ limit: 20, order: 'score' });
    expect(ctx.userId).toBe('ann');
  });

  it('distinguishes GET and POST on the same path, 405 for a wrong method, 404 for no route', async () => {
    await router(event('GET', '/projects/p/codebook', { headers: auth }));
    expect(
      (await router(event('POST', '/projects/p/codebook', { headers: auth, body: JSON.stringify({ fileName: 'cb.yaml', content: 'x: 1' }) }))).statusCode,
    ).toBe(200);
    expect(calls.at(-1)!.name).toBe('uploadCodebook');
    expect((calls.at(-1)!.ctx as { body: { retag: boolean } }).body.retag).toBe(true);
    expect((await router(event('DELETE', '/projects/p', { headers: auth }))).statusCode).toBe(405);
    expect((await router(event('GET', '/nope', { headers: auth }))).statusCode).toBe(404);
  });

  it('names the offending field for bad input', async () => {
    const cases: Array<[ApiEvent, string]> = [
      [event('GET', '/projects/p/review-queue', { headers: auth, query: { limit: '0' } }), 'query.limit'],
      [event('GET', '/projects/p/review-queue', { headers: auth, query: { order: 'random' } }), 'query.order'],
      [event('GET', '/projects/p/codings', { headers: auth, query: { status: 'maybe' } }), 'query.status'],
      [event('GET', '/projects/p/reports', { headers: auth, query: { high: '0.2', moderate: '0.5' } }), 'query.moderate'],
      [event('POST', '/projects/p/decisions', { headers: auth, body: '{not json' }), 'body'],
      [event('POST', '/projects/p/decisions', { headers: auth }), 'body'],
      [event('POST', '/projects/p/decisions', { headers: auth, body: JSON.stringify({ action: 'maybe' }) }), 'body.action'],
      [event('POST', '/projects/p/decisions', { headers: auth, body: JSON.stringify({ action: 'accept', documentId: 'd', codingId: 'c' }) }), 'body.version'],
      [
        event('POST', '/projects/p/decisions', {
          headers: auth,
          body: JSON.stringify({ action: 'add', documentId: 'd', segmentId: 's', code: 'x', span: { start: 5, end: 2 } }),
        }),
        'body.span.end',
      ],
      [event('POST', '/projects/p/uploads', { headers: auth, body: JSON.stringify({ fileName: '../etc/passwd' }) }), 'body.fileName'],
      [event('POST', '/projects/p/codebook', { headers: auth, body: JSON.stringify({ fileName: 'cb.exe', content: 'x' }) }), 'body.fileName'],
      [event('GET', '/projects/p/exports/qdpx', { headers: auth, query: { status: 'x' } }), 'query.status'],
      [event('GET', '/projects/%E0%A4%A/documents', { headers: auth }), 'path.projectId'],
      [event('GET', `/projects/${'p'.repeat(3000)}/documents`, { headers: auth }), 'path.projectId'],
      [event('GET', `/projects/p/documents/${'d'.repeat(3000)}`, { headers: auth }), 'path.documentId'],
      [event('GET', '/projects/p/documents/a%00b', { headers: auth }), 'path.documentId'],
      [event('POST', '/projects/p/uploads', { headers: auth, body: JSON.stringify({ fileName: 'a\u0000b.txt' }) }), 'body.fileName'],
      [event('POST', '/projects/p/uploads', { headers: auth, body: JSON.stringify({ fileName: 'two\nlines.txt' }) }), 'body.fileName'],
      [event('POST', '/projects/p/uploads', { headers: auth, body: JSON.stringify({ fileName: 'invoice\u202Etxt.exe' }) }), 'body.fileName'],
    ];
    for (const [ev, where] of cases) {
      const r = await router(ev);
      expect(r.statusCode, `${ev.rawPath} ${where}`).toBe(400);
      const body = parse(r);
      expect(body.where).toBe(where);
      expect(typeof body.message).toBe('string');
      expect(typeof body.hint).toBe('string');
    }
  });

  it('maps a stale decision to 409 with the current coding, domain errors to their status, and hides internal errors', async () => {
    const r = await router(
      event('POST', '/projects/p/decisions', {
        headers: auth,
        body: JSON.stringify({ action: 'accept', documentId: 'd1', codingId: 'd1~2~a%2Fb', version: 1 }),
      }),
    );
    expect(r.statusCode).toBe(409);
    expect(parse(r)).toMatchObject({ message: expect.stringContaining('decided'), current: { id: 'd1~2~a%2Fb', version: 3, status: 'accepted' } });
    const nf = await router(event('GET', '/projects/p/codebook', { headers: auth }));
    expect(nf.statusCode).toBe(404);
    expect(parse(nf)).toEqual({ message: 'project "p" has no codebook yet', hint: 'Upload one', where: 'codebook' });
    const boom = await router(event('POST', '/projects/p/retag', { headers: auth }));
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
  });
});

describe('JWT authenticator', () => {
  it('takes the user from the verified sub claim and refuses without one', () => {
    expect(jwtAuthenticator()(event('GET', '/projects', { sub: 'user-123' }))).toBe('user-123');
    expect(() => jwtAuthenticator()(event('GET', '/projects'))).toThrow('authentication required');
  });
});
