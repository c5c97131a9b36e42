// The typed client derived from the route table: paths, queries and bodies built from the route's
// endpoint, responses typed by its schema, every page read through one loop.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { allOf, createRouteClient, type Send } from '../../../lib/api/client-core.js';
import { endpoints, routes, type DocumentDetail, type FrequencyReport, type MatrixReport, type ProjectView } from '../../../lib/api/contract.js';

function recorder(answer: (method: string, path: string) => unknown) {
  const sent: Array<{ method: string; path: string; body?: unknown }> = [];
  const send: Send = async (method, path, body) => {
    sent.push({ method, path, ...(body !== undefined ? { body } : {}) });
    return new Response(JSON.stringify(answer(method, path)), { headers: { 'content-type': 'application/json' } });
  };
  return { sent, api: createRouteClient(send) };
}

describe('typed API client', () => {
  it('has a method per route, and the contract has a route per endpoint', () => {
    const { api } = recorder(() => ({}));
    expect(Object.keys(api).sort()).toEqual(Object.keys(routes).sort());
    for (const [name, r] of Object.entries(routes)) expect(endpoints[name as keyof typeof endpoints]).toMatchObject({ method: r.method, path: r.path });
  });

  it('fills and encodes path parameters, writes the query, sends the body', async () => {
    const { sent, api } = recorder(() => ({ items: [], nextCursor: null }));
    await api.getDocument({ projectId: 'p', documentId: 'a/b c' });
    await api.reviewQueue({ projectId: 'p', query: { code: 'x/y', order: 'score', cursor: undefined, limit: 5 } });
    await api.decide({ projectId: 'p', body: { action: 'accept', documentId: 'd', codingId: 'c', version: 2 } });
    expect(sent).toEqual([
      { method: 'GET', path: '/projects/p/documents/a%2Fb%20c' },
      { method: 'GET', path: '/projects/p/review-queue?code=x%2Fy&order=score&limit=5' },
      { method: 'POST', path: '/projects/p/decisions', body: { action: 'accept', documentId: 'd', codingId: 'c', version: 2 } },
    ]);
  });

  it('types answers from the route schemas, a report by its kind', () => {
    const { api } = recorder(() => ({}));
    expectTypeOf(api.getDocument).returns.resolves.toEqualTypeOf<DocumentDetail>();
    expectTypeOf(api.report<{ projectId: string; kind: 'frequency' }>).returns.resolves.toEqualTypeOf<FrequencyReport>();
    expectTypeOf(api.report<{ projectId: string; kind: 'code-document' }>).returns.resolves.toEqualTypeOf<MatrixReport>();
    expectTypeOf(api.listProjects).returns.resolves.toEqualTypeOf<{ items: ProjectView[] }>();
    // @ts-expect-error a decision needs its body
    void (() => api.decide({ projectId: 'p' }));
    // @ts-expect-error the document route needs its documentId
    void (() => api.getDocument({ projectId: 'p' }));
  });

  it('reads every page of a paged route', async () => {
    const { sent, api } = recorder((_m, path) => (path.includes('cursor=2') ? { items: [3], nextCursor: null } : { items: [1, 2], nextCursor: '2' }));
    expect(await allOf(api, 'listDocuments', { projectId: 'p', query: { status: 'TAGGED' } })).toEqual([1, 2, 3]);
    expect(sent.map((s) => s.path)).toEqual(['/projects/p/documents?status=TAGGED&limit=500', '/projects/p/documents?status=TAGGED&limit=500&cursor=2']);
  });
});
