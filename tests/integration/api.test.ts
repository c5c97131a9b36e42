// The HTTP API end to end on the local server, against the real DynamoDB Local and s3rver.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventView, CodedSegment, CodingView, DecisionResultView, DocumentDetail, QueueItem, ReportBundle } from '../../lib/api/contract.js';
import { sliceCodePoints } from '../../lib/export/offsets.js';
import { startHttpServer, type RunningHttpServer } from '../../lib/local/http.js';
import { createAdapters } from '../../lib/store/index.js';
import type { TagRequest } from '../../lib/coding/index.js';
import { sharedDir, sharedPath } from '../helpers/shared.js';
import { freshServices } from './helpers/services.js';
import { seedProject, type SeedDocument } from './helpers/api-seed.js';

const tokens = { ann: 'ann-token-0123456789abcdef0123456789', bob: 'bob-token-0123456789abcdef0123456789', eve: 'eve-token-0123456789abcdef0123456789' };
type User = keyof typeof tokens;

const docs: SeedDocument[] = [
  {
    id: 'doc-a',
    name: 'interview-a.txt',
    text: 'Interviewer: Hoe verliep het?\nR1: Het vertrouwen 😀 groeide, maar tijd bleef krap.\nR1: Samenwerking met de gemeente ging goed.\nInterviewer: Dank u.\n',
  },
  {
    id: 'doc-b',
    name: 'interview-b.txt',
    text: 'R2: =HYPERLINK("http://x") vertrouwen is er niet.\nR2: Geen tijd en geen samenwerking.\n',
  },
];

let server: RunningHttpServer;
let base: string;
const tagged: TagRequest[] = [];

async function call<T = unknown>(
  user: User | null,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; json: T; headers: Headers; bytes: Uint8Array }> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const isJson = (res.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: res.status, json: (isJson ? JSON.parse(strFromU8(bytes)) : null) as T, headers: res.headers, bytes };
}

const P = '/projects/proj-1';

beforeAll(async () => {
  const services = await freshServices('api');
  const adapters = createAdapters({ tableName: services.tableName, bucketName: services.bucketName }, services.clientOptions);
  await seedProject(adapters.store, adapters.blobs, 'proj-1', ['ann', 'bob'], docs);
  server = await startHttpServer({
    port: 0,
    token: tokens.ann,
    userId: 'ann',
    extraTokens: [
      { token: tokens.bob, userId: 'bob' },
      { token: tokens.eve, userId: 'eve' },
    ],
    deps: { store: adapters.store, blobs: adapters.blobs, tagQueue: { send: async (r) => void tagged.push(...r) } },
  });
  base = `${server.url}/api`;
});
afterAll(async () => server?.close());

async function queue(query = ''): Promise<QueueItem[]> {
  const r = await call<{ items: QueueItem[]; nextCursor: string | null }>('ann', 'GET', `${P}/review-queue?limit=500${query}`);
  expect(r.status).toBe(200);
  return r.json.items;
}

describe('membership', () => {
  it('shows a project only to its members', async () => {
    expect((await call<{ items: Array<{ id: string }> }>('ann', 'GET', '/projects')).json.items.map((p) => p.id)).toEqual(['proj-1']);
    expect((await call<{ items: unknown[] }>('eve', 'GET', '/projects')).json.items).toEqual([]);
    for (const [method, p, body] of [
      ['GET', P, undefined],
      ['GET', `${P}/documents`, undefined],
      ['GET', `${P}/documents/doc-a`, undefined],
      ['GET', `${P}/review-queue`, undefined],
      ['POST', `${P}/decisions`, { action: 'accept', documentId: 'doc-a', codingId: 'doc-a~1~x', version: 1 }],
      ['GET', `${P}/codings?code=voorwaarden/tijd`, undefined],
      ['GET', `${P}/reports`, undefined],
      ['GET', `${P}/exports/qdpx`, undefined],
      ['POST', `${P}/uploads`, { fileName: 'x.txt' }],
      ['POST', `${P}/codebook`, { fileName: 'cb.yaml', content: 'x' }],
      ['POST', `${P}/members`, { userId: 'eve' }],
    ] as const) {
      const r = await call<{ message: string }>('eve', method, p, body);
      expect(r.status, `${method} ${p}`).toBe(403);
      expect(r.json.message).toMatch(/not a member/);
    }
    expect((await call('ann', 'GET', '/projects/nope')).status).toBe(404);
    expect((await call(null, 'GET', P)).status).toBe(401);
  });
});

describe('documents and upload URLs', () => {
  it('lists documents with their state and returns one with its segments and codings', async () => {
    const list = await call<{ items: Array<{ id: string; status: string; respondents: string[] }> }>('ann', 'GET', `${P}/documents`);
    expect(list.json.items.map((d) => [d.id, d.status])).toEqual([
      ['doc-a', 'TAGGED'],
      ['doc-b', 'TAGGED'],
    ]);
    const first = await call<{ items: Array<{ id: string }>; nextCursor: string | null }>('ann', 'GET', `${P}/documents?status=TAGGED&limit=1`);
    expect(first.json.items.map((d) => d.id)).toEqual(['doc-a']);
    const second = await call<{ items: Array<{ id: string }>; nextCursor: string | null }>(
      'ann',
      'GET',
      `${P}/documents?status=TAGGED&limit=1&cursor=${encodeURIComponent(first.json.nextCursor!)}`,
    );
    expect(second.json.items.map((d) => d.id)).toEqual(['doc-b']);
    expect((await call<{ items: unknown[] }>('ann', 'GET', `${P}/documents?status=FAILED`)).json.items).toEqual([]);
    const one = await call<DocumentDetail>('ann', 'GET', `${P}/documents/doc-a`);
    expect(one.json.segments.map((s) => s.speaker)).toEqual(['Interviewer', 'R1', 'R1', 'Interviewer']);
    for (const s of one.json.segments) expect(docs[0]!.text.slice(s.start, s.end)).toBe(s.text);
    expect(one.json.segments[1]!.codings.map((c) => c.code).sort()).toEqual(['voorwaarden/tijd', 'voorwaarden/vertrouwen']);
    expect((await call<{ status: string }>('ann', 'GET', `${P}/documents/doc-b/status`)).json.status).toBe('TAGGED');
    expect((await call('ann', 'GET', `${P}/documents/missing`)).status).toBe(404);
  });

  it('hands out a presigned PUT under uploads/<project>/ that s3rver accepts', async () => {
    const r = await call<{ url: string; key: string; headers: Record<string, string> }>('ann', 'POST', `${P}/uploads`, {
      fileName: 'nieuw interview.txt',
      contentType: 'text/plain',
    });
    expect(r.status).toBe(200);
    expect(r.json.key).toBe('uploads/proj-1/nieuw interview.txt');
    const put = await fetch(r.json.url, { method: 'PUT', headers: r.json.headers, body: 'R3: hallo' });
    expect(put.status).toBe(200);
  });
});

describe('review queue', () => {
  it('filters by code, category, document and respondent, and orders by position or score', async () => {
    const all = await queue();
    expect(all).toHaveLength(6); // doc-a: 2 + 1, doc-b: 1 + 2 keyword hits
    expect(all.map((i) => [i.document.id, i.segment.index])).toEqual(
      [...all.map((i) => [i.document.id, i.segment.index])].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])),
    );
    expect((await queue('&code=voorwaarden/tijd')).every((i) => i.coding.code === 'voorwaarden/tijd')).toBe(true);
    expect((await queue('&category=effecten')).map((i) => i.coding.code)).toEqual(['effecten/samenwerking', 'effecten/samenwerking']);
    expect((await queue('&document=doc-b')).every((i) => i.document.id === 'doc-b' && i.document.name === 'interview-b.txt')).toBe(true);
    expect((await queue('&respondent=R1')).map((i) => i.coding.respondent)).toEqual(['R1', 'R1', 'R1']);
    const byScore = (await queue('&order=score')).map((i) => i.coding.score);
    expect(byScore).toEqual([...byScore].sort((a, b) => b - a));
    const item = all[0]!;
    expect(docs.find((d) => d.id === item.document.id)!.text.slice(item.segment.start, item.segment.end)).toBe(item.segment.text);
    // the segment's speaker comes with the coding (every keyword hit here is in a respondent's turn)
    expect(all.map((i) => i.segment.speaker)).toEqual(all.map((i) => i.segment.respondent));
    expect(all.every((i) => i.segment.speaker !== null && i.coding.speaker === i.segment.speaker)).toBe(true);
  });

  it('pages with a cursor without repeating or losing items', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { json: { items: QueueItem[]; nextCursor: string | null } } = await call(
        'ann',
        'GET',
        `${P}/review-queue?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(r.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.json.items.map((i) => i.coding.id));
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual((await queue()).map((i) => i.coding.id));
  });
});

describe('decisions', () => {
  it('lets exactly one of two concurrent decisions on a proposal win; the other gets 409 with the current state', async () => {
    const items = (await queue('&document=doc-b')).slice(0, 3);
    for (const item of items) {
      const body = (action: string) => ({ action, documentId: item.document.id, codingId: item.coding.id, version: item.coding.version });
      const [a, b] = await Promise.all([
        call<DecisionResultView>('ann', 'POST', `${P}/decisions`, body('accept')),
        call<DecisionResultView>('bob', 'POST', `${P}/decisions`, body('reject')),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      const current = (lost.json as unknown as { current: CodingView; message: string }).current;
      expect(current.version).toBe(item.coding.version + 1);
      expect(current.status).toBe(won.json.coding!.status);
      expect(current.decidedBy).toBe(won === a ? 'ann' : 'bob');
      // the loser retries on the current version and wins
      const retry = await call<DecisionResultView>(won === a ? 'bob' : 'ann', 'POST', `${P}/decisions`, {
        ...body(current.status === 'accepted' ? 'reject' : 'accept'),
        version: current.version,
      });
      expect(retry.status).toBe(200);
    }
    expect(await queue('&document=doc-b')).toHaveLength(0);
  });

  it('undoes a decision and an added code, and records every step in the audit trail', async () => {
    const item = (await queue('&document=doc-a&code=voorwaarden/vertrouwen'))[0]!;
    const d = (body: object, user: User = 'ann') => call<DecisionResultView>(user, 'POST', `${P}/decisions`, { documentId: 'doc-a', ...body });
    const accepted = await d({ action: 'accept', codingId: item.coding.id, version: item.coding.version });
    expect(accepted.json.coding).toMatchObject({ status: 'accepted', decidedBy: 'ann', version: 2 });
    expect((await queue('&document=doc-a')).some((i) => i.coding.id === item.coding.id)).toBe(false);
    const undone = await d({ action: 'undo', codingId: item.coding.id, version: 2 });
    expect(undone.json.coding).toMatchObject({ status: 'proposed', version: 3 });
    expect((await queue('&document=doc-a')).some((i) => i.coding.id === item.coding.id)).toBe(true);
    const stale = await d({ action: 'accept', codingId: item.coding.id, version: 2 });
    expect(stale.status).toBe(409);
    await d({ action: 'accept', codingId: item.coding.id, version: 3 }, 'bob');

    // add a code to a span of the last R1 segment, then undo it: the coding is gone
    const doc = (await call<DocumentDetail>('ann', 'GET', `${P}/documents/doc-a`)).json;
    const seg = doc.segments[2]!;
    const start = seg.text.indexOf('gemeente');
    const added = await d({ action: 'add', segmentId: seg.id, code: 'voorwaarden/vertrouwen', span: { start, end: start + 'gemeente'.length } });
    expect(added.status).toBe(200);
    expect(added.json.coding).toMatchObject({ origin: 'human', status: 'accepted', span: { start, end: start + 8 } });
    const again = await d({ action: 'add', segmentId: seg.id, code: 'voorwaarden/vertrouwen' });
    expect(again.status).toBe(409);
    const removed = await d({ action: 'undo', codingId: added.json.coding!.id, version: added.json.coding!.version });
    expect(removed.json.coding).toBeNull();
    const kept = await d({ action: 'add', segmentId: seg.id, code: 'voorwaarden/vertrouwen', span: { start, end: start + 8 } }, 'bob');
    expect(kept.status).toBe(200);

    const audit = (await call<{ items: AuditEventView[] }>('ann', 'GET', `${P}/audit?document=doc-a&limit=500`)).json.items;
    const mine = audit.filter((e) => e.codingId === item.coding.id).map((e) => [e.action, e.from, e.to, e.by]);
    expect(mine).toEqual([
      ['accept', 'proposed', 'accepted', 'ann'],
      ['undo', 'accepted', 'proposed', 'ann'],
      ['accept', 'proposed', 'accepted', 'bob'],
    ]);
    // events name the real segment id
    expect(new Set(audit.filter((e) => e.codingId === item.coding.id).map((e) => e.segmentId))).toEqual(new Set([item.coding.segmentId]));
    expect(new Set(audit.filter((e) => e.codingId === added.json.coding!.id).map((e) => e.segmentId))).toEqual(new Set([seg.id]));
    expect(added.json.coding).toMatchObject({ speaker: 'R1', page: null });
    const added2 = audit.filter((e) => e.codingId === added.json.coding!.id).map((e) => [e.action, e.from, e.to, e.by]);
    expect(added2).toEqual([
      ['add', null, 'accepted', 'ann'],
      ['undo', 'accepted', null, 'ann'],
      ['add', null, 'accepted', 'bob'],
    ]);
    // every successful decision of this test file on doc-b is there too: 3 wins + 3 retries
    const b = (await call<{ items: AuditEventView[] }>('ann', 'GET', `${P}/audit?document=doc-b&limit=500`)).json.items;
    expect(b).toHaveLength(6);
  });

  it('refuses bad decisions with a clear message', async () => {
    const cases: Array<[object, number, RegExp]> = [
      [{ action: 'accept', documentId: 'doc-a', codingId: 'not-an-id', version: 1 }, 400, /not a coding id/],
      [{ action: 'accept', documentId: 'doc-b', codingId: 'doc-a~1~voorwaarden%2Ftijd', version: 1 }, 400, /does not belong/],
      [{ action: 'accept', documentId: 'doc-x', codingId: 'doc-x~1~a', version: 1 }, 404, /does not exist/],
      [{ action: 'add', documentId: 'doc-a', segmentId: 'doc-a:t0002', code: 'no/such-code' }, 400, /not in the project's current codebook/],
      [{ action: 'add', documentId: 'doc-a', segmentId: 'doc-a:t9999', code: 'voorwaarden/tijd' }, 404, /segment/],
      [{ action: 'add', documentId: 'doc-a', segmentId: 'doc-a:t0002', code: 'voorwaarden/tijd', span: { start: 0, end: 999 } }, 400, /runs past the segment/],
      [{ action: 'undo', documentId: 'doc-a', codingId: 'doc-a~0~voorwaarden%2Ftijd', version: 1 }, 409, /does not exist/],
    ];
    for (const [body, status, message] of cases) {
      const r = await call<{ message: string; hint?: string }>('ann', 'POST', `${P}/decisions`, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.message).toMatch(message);
      expect(r.json.hint).toBeTruthy();
    }
  });
});

describe('queries', () => {
  it('returns coded segments by code, category, respondent and document with status, text, offsets and evidence', async () => {
    const get = async (q: string) => (await call<{ items: CodedSegment[] }>('ann', 'GET', `${P}/codings?${q}&limit=500`)).json.items;
    const accepted = await get('code=voorwaarden/vertrouwen');
    expect(accepted.length).toBeGreaterThan(0);
    for (const r of accepted) {
      expect(r.coding.status).toBe('accepted');
      expect(docs.find((d) => d.id === r.document.id)!.text.slice(r.start, r.end)).toBe(r.text);
    }
    const span = accepted.find((r) => r.coding.span);
    expect(span?.text).toBe('gemeente');
    const all = await get('code=voorwaarden/vertrouwen&status=all');
    expect(all.length).toBeGreaterThan(accepted.length - 1);
    const rule = all.find((r) => r.coding.origin === 'rule')!;
    const ev = rule.coding.evidence[0]!;
    expect(rule.segment.text.slice(ev.start, ev.end).toLowerCase()).toBe('vertrouwen');
    expect((await get('category=voorwaarden&status=all')).every((r) => r.coding.categoryId === 'voorwaarden')).toBe(true);
    expect((await get('respondent=R2&status=rejected')).every((r) => r.segment.respondent === 'R2' && r.coding.status === 'rejected')).toBe(true);
    expect((await get('document=doc-b&status=all')).every((r) => r.document.id === 'doc-b' && r.segment.speaker === 'R2')).toBe(true);
    const combined = await get('document=doc-a&code=voorwaarden/tijd&status=all');
    expect(combined.every((r) => r.document.id === 'doc-a' && r.coding.code === 'voorwaarden/tijd')).toBe(true);
    expect((await call('ann', 'GET', `${P}/codings`)).status).toBe(400);
  });
});

describe('codebook', () => {
  it('stores a new version, asks for a re-tag, lists versions, and explains a broken file', async () => {
    const current = await call<{ version: string; categories: unknown[] }>('ann', 'GET', `${P}/codebook`);
    expect(current.json.categories).toHaveLength(2);
    const yaml = `id: api-test\nlanguage: nl\ncategories:\n  - id: voorwaarden\n    name: Voorwaarden\n    codes:\n      - id: voorwaarden/vertrouwen\n        name: Vertrouwen\n        rules: [vertrouw*]\n`;
    const up = await call<{ version: string; created: boolean; retag: { requested: boolean; documents: number } }>('ann', 'POST', `${P}/codebook`, {
      fileName: 'v2.yaml',
      content: yaml,
    });
    expect(up.status).toBe(200);
    expect(up.json).toMatchObject({ created: true, retag: { requested: true, documents: 2 }, warnings: [] });
    expect(tagged.map((t) => [t.documentId, t.reason])).toEqual([
      ['doc-a', 'retag'],
      ['doc-b', 'retag'],
    ]);
    const versions = await call<{ items: Array<{ version: string; current: boolean }> }>('ann', 'GET', `${P}/codebook/versions`);
    expect(versions.json.items).toHaveLength(2);
    expect(versions.json.items.find((v) => v.current)?.version).toBe(up.json.version);
    const bad = await call<{ message: string; where?: string; hint?: string }>('ann', 'POST', `${P}/codebook`, {
      fileName: 'broken.yaml',
      content: 'categories: [ {',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.where).toMatch(/broken\.yaml/);
    expect(bad.json.hint).toBeTruthy();
    // a code without id: accepted with its id derived from the name, and a warning naming its path
    const noId = await call<{ created: boolean; warnings: string[] }>('ann', 'POST', `${P}/codebook`, {
      fileName: 'no-id.yaml',
      content: yaml.replace('      - id: voorwaarden/vertrouwen\n        name', '      - name'),
      retag: false,
    });
    expect(noId.status).toBe(200);
    expect(noId.json.warnings).toEqual([
      expect.stringMatching(/^no-id\.yaml: 1 code has no id; .*categories\[0\]\.codes\[0\]\.id → "voorwaarden\/vertrouwen"/),
    ]);
    // restore the first codebook so the reports and exports below see all codes
    const restore = await call<{ created: boolean }>('ann', 'POST', `${P}/codebook`, {
      fileName: 'api-test.yaml',
      content: (await import('./helpers/api-seed.js')).seedCodebookYaml,
      retag: false,
    });
    expect(restore.json.created).toBe(false);
    const qdc = await call('ann', 'GET', `${P}/exports/qdc`);
    expect(qdc.headers.get('content-type')).toContain('xml');
    expect(strFromU8(qdc.bytes)).toContain('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"');
  });
});

describe('reports', () => {
  it('counts accepted codings and labels respondent shares', async () => {
    const r = await call<ReportBundle>('ann', 'GET', `${P}/reports`);
    expect(r.status).toBe(200);
    const codings = (await call<{ items: CodedSegment[] }>('ann', 'GET', `${P}/codings?category=voorwaarden&limit=500`)).json.items;
    const vertrouwen = r.json.frequency.rows.find((x) => x.code === 'voorwaarden/vertrouwen')!;
    expect(vertrouwen.codings).toBe(codings.filter((c) => c.coding.code === 'voorwaarden/vertrouwen').length);
    expect(r.json.respondentShare.respondents).toBe(2);
    expect(r.json.codeByRespondent.columns.map((c) => c.id)).toEqual(['R1', 'R2']);
    const one = await call<{ rows: unknown[] }>('ann', 'GET', `${P}/reports/frequency?status=all`);
    expect(one.json.rows).toHaveLength(3);
    expect((await call('ann', 'GET', `${P}/reports/agreement`)).status).toBe(200);
    expect((await call('ann', 'GET', `${P}/reports/nonsense`)).status).toBe(404);
    expect((await call('ann', 'GET', `${P}/reports?high=2`)).status).toBe(400);
  });

  it('serves every report of the registry, the one added last included, also as tables', async () => {
    const progress = await call<ReportBundle['reviewProgress']>('ann', 'GET', `${P}/reports/review-progress`);
    expect(progress.status).toBe(200);
    const all = (await call<ReportBundle>('ann', 'GET', `${P}/reports`)).json;
    expect(progress.json).toEqual(all.reviewProgress);
    expect(progress.json.open).toBe(progress.json.codes.reduce((s, c) => s + c.open, 0));
    const tables = await call<{ items: Array<{ kind: string; tables: Array<{ title: string }> }> }>('ann', 'GET', `${P}/report-tables`);
    expect(tables.json.items.map((r) => r.kind)).toEqual([
      'frequency',
      'respondent-share',
      'code-document',
      'code-respondent',
      'co-occurrence',
      'agreement',
      'review-progress',
    ]);
    expect(tables.json.items.at(-1)!.tables[0]!.title).toMatch(/^Review progress \(\d+ open proposals in \d+ documents\)$/);
  });
});

describe('exports', () => {
  it('exports a .qdpx whose selections are exactly the accepted codings, and that validates', async () => {
    const r = await call('ann', 'GET', `${P}/exports/qdpx`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.qdpx"/);
    const files = unzipSync(r.bytes);
    const qde = strFromU8(files['project.qde']!);
    const sources = new Map<string, string>();
    for (const m of qde.matchAll(/<TextSource guid="([^"]+)"[^>]*plainTextPath="internal:\/\/([^"]+)"/g))
      sources.set(m[1]!, strFromU8(files[`sources/${m[2]}`]!));
    expect([...sources.values()].sort()).toEqual(docs.map((d) => d.text).sort());
    const accepted = [
      ...(await call<{ items: CodedSegment[] }>('ann', 'GET', `${P}/codings?document=doc-a&limit=500`)).json.items,
      ...(await call<{ items: CodedSegment[] }>('ann', 'GET', `${P}/codings?document=doc-b&limit=500`)).json.items,
    ];
    // each selection's code-point range selects the coded text of some accepted coding
    const selected: string[] = [];
    for (const block of qde.split('<TextSource ').slice(1)) {
      const text = sources.get(/^guid="([^"]+)"/.exec(block)![1]!)!;
      for (const m of block.matchAll(/startPosition="(\d+)" endPosition="(\d+)"[\s\S]*?<\/PlainTextSelection>/g)) {
        const codingsHere = (m[0].match(/<Coding /g) ?? []).length;
        for (let i = 0; i < codingsHere; i++) selected.push(sliceCodePoints(text, Number(m[1]), Number(m[2])));
      }
    }
    expect(selected.sort()).toEqual(accepted.map((a) => a.text).sort());
    if (sharedDir) {
      const dir = mkdtempSync(path.join(tmpdir(), 'qdpx-it-'));
      writeFileSync(path.join(dir, 'project.qde'), qde);
      execFileSync('xmllint', ['--noout', '--schema', sharedPath('refi-qda/Project.xsd'), path.join(dir, 'project.qde')], { stdio: 'pipe' });
    }
  });

  it('exports CSV and XLSX with formula cells escaped', async () => {
    // a coded span that starts with a formula
    const seg = (await call<DocumentDetail>('ann', 'GET', `${P}/documents/doc-b`)).json.segments[0]!;
    const start = seg.text.indexOf('=');
    const added = await call('ann', 'POST', `${P}/decisions`, {
      action: 'add',
      documentId: 'doc-b',
      segmentId: seg.id,
      code: 'effecten/samenwerking',
      span: { start, end: seg.text.indexOf(' vertrouwen') },
    });
    expect(added.status).toBe(200);
    const csv = await call('ann', 'GET', `${P}/exports/csv?status=all`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = strFromU8(csv.bytes);
    expect(text).toContain(`"'=HYPERLINK(""http://x"")`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const xlsx = await call('ann', 'GET', `${P}/exports/xlsx?status=all`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx.bytes) as unknown as ArrayBuffer);
    // XLSX: the formula-like span is stored as typed text (no visible quote) and no cell is a formula.
    const texts: string[] = [];
    wb.getWorksheet('Coded segments')!.eachRow((row) =>
      row.eachCell((c) => {
        expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
        if (typeof c.value === 'string') texts.push(c.value);
      }),
    );
    expect(texts.some((t) => t.startsWith('=HYPERLINK'))).toBe(true);
    expect((await call('ann', 'GET', `${P}/exports/pdf`)).status).toBe(404);
  });
});

describe('projects and members', () => {
  it('creates a project with the caller as first member, refuses a taken or bad id, and lets members add members', async () => {
    const created = await call<{ id: string; name: string; role: string; codebookVersion: string | null }>('eve', 'POST', '/projects', {
      id: 'eve-project',
      name: 'Eve’s project',
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ id: 'eve-project', name: 'Eve’s project', role: 'owner', codebookVersion: null });
    expect((await call<{ items: Array<{ id: string }> }>('eve', 'GET', '/projects')).json.items.map((p) => p.id)).toEqual(['eve-project']);
    expect((await call('bob', 'GET', '/projects/eve-project')).status).toBe(403);
    // the id is taken: 409, by anyone, and the project is unchanged
    const taken = await call<{ message: string }>('bob', 'POST', '/projects', { id: 'eve-project' });
    expect(taken.status).toBe(409);
    expect(taken.json.message).toMatch(/already exists/);
    expect((await call('ann', 'POST', '/projects', { id: 'proj-1', name: 'mine now' })).status).toBe(409);
    expect((await call<{ name: string }>('ann', 'GET', P)).json.name).toBe('Project proj-1');
    for (const body of [
      { id: 'Bad Id' },
      { id: '-dash' },
      { id: 'x'.repeat(64) },
      { id: 'ok-id', name: '   ' },
      { id: 'ok-id', name: 'a\u0007b' },
      { name: 'no id' },
    ]) {
      const r = await call<{ message: string; where: string }>('eve', 'POST', '/projects', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.where).toMatch(/^body\.(id|name)$/);
    }
    expect((await call('eve', 'GET', '/projects/ok-id')).status).toBe(404);
    // without a name the id is the name
    expect((await call<{ name: string }>('bob', 'POST', '/projects', { id: 'bob-project' })).json.name).toBe('bob-project');

    // members: only a member adds; adding twice changes nothing; the new member sees the project at once
    expect((await call('bob', 'POST', '/projects/eve-project/members', { userId: 'bob' })).status).toBe(403);
    const added = await call<{ members: string[] }>('eve', 'POST', '/projects/eve-project/members', { userId: 'bob' });
    expect(added.json).toEqual({ projectId: 'eve-project', members: ['bob', 'eve'] });
    expect((await call<{ members: string[] }>('eve', 'POST', '/projects/eve-project/members', { userId: 'bob' })).json.members).toEqual(['bob', 'eve']);
    expect((await call<{ role: string }>('bob', 'GET', '/projects/eve-project')).json.role).toBe('member');
    expect((await call<{ items: Array<{ id: string }> }>('bob', 'GET', '/projects')).json.items.map((p) => p.id).sort()).toEqual([
      'bob-project',
      'eve-project',
      'proj-1',
    ]);
    expect((await call('eve', 'POST', '/projects/eve-project/members', { userId: 'has space' })).status).toBe(400);
    expect((await call('eve', 'POST', '/projects/nope/members', { userId: 'bob' })).status).toBe(404);
  });
});

describe('bad input on every route', () => {
  it('answers 4xx with a message and a hint, never 500', async () => {
    const { routes, pathFor } = await import('../../lib/api/contract.js');
    const params = {
      projectId: 'proj-1',
      documentId: 'no-such-doc',
      kind: 'no-such-report',
      format: 'no-such-format',
      importId: 'no-such-import',
      batchId: 'no-such-batch',
      jobId: 'no-such-job',
    };
    let checked = 0;
    for (const [name, spec] of Object.entries(routes)) {
      if (!spec.auth || !spec.path.includes('{projectId}')) continue;
      const p = pathFor(spec.path, params);
      const variants: Array<[string, unknown]> = [];
      if ('body' in spec) variants.push([p, {}], [p, '[1,2'], [p, { fileName: '', content: 42, action: 'nope' }]);
      if ('query' in spec) variants.push([`${p}?limit=abc&status=maybe&order=random&high=7`, undefined]);
      if (!('body' in spec) && !('query' in spec)) variants.push([p.replace('proj-1', 'no-such-project'), undefined]);
      for (const [url, body] of variants) {
        const r = await call<{ message?: string; hint?: string }>('ann', spec.method, url, body);
        expect(r.status, `${name} ${url}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${name} ${url}`).toBeLessThan(500);
        expect(typeof r.json?.message, name).toBe('string');
        expect(typeof r.json?.hint, name).toBe('string');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
