// Detached codings through the HTTP API on DynamoDB Local + s3rver: a corrected transcript re-uploaded
// so decisions detach; one is placed on a passage of the new text (undone, placed again), another
// dropped; the audit trail follows them; an undo after a re-upload moved a span restores it on the new text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventView, CodingView, DecisionResultView, DocumentDetail, FrequencyReport } from '../../../lib/api/contract.js';
import { startHttpServer, type RunningHttpServer } from '../../../lib/local/http.js';
import { documentIdFor, type PipelineDeps } from '../../../lib/pipeline/index.js';
import { DETACHED_BASE } from '../../../lib/pipeline/reanchor.js';
import type { Adapters } from '../../../lib/store/index.js';
import { correctedInterview, exampleProject, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import type { TestServices } from '../helpers/services.js';

const NAME = 'interview-01.txt';
const TOKEN = 'tester-token-0123456789abcdef012345';
const { v1, v2 } = correctedInterview();

const BALANS = 'werkomstandigheden/balans-werk-prive';
const WERKDRUK = 'werkomstandigheden/werkdruk';
const INFO = 'samenwerking/informatie-uitwisseling';

describe('re-placing and dropping detached codings through the API', () => {
  let svc: TestServices & Adapters;
  let server: RunningHttpServer;
  let pipeline: TestPipeline;
  let deps: PipelineDeps;
  const projectId = 'p-detached';
  const documentId = documentIdFor(projectId, NAME);
  const P = `/projects/${projectId}`;

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as T };
  }
  const decide = (body: Record<string, unknown>) =>
    call<DecisionResultView & { message?: string; current?: CodingView | null }>('POST', `${P}/decisions`, { documentId, ...body });
  const doc = async (): Promise<DocumentDetail> => (await call<DocumentDetail>('GET', `${P}/documents/${documentId}`)).json;
  const codingsOf = (d: DocumentDetail): CodingView[] => d.segments.flatMap((s) => s.codings);
  const balansCount = async (): Promise<number> =>
    (await call<FrequencyReport>('GET', `${P}/reports/frequency`)).json.rows.find((r) => r.code === BALANS)?.codings ?? 0;

  beforeAll(async () => {
    pipeline = await testPipeline('detached');
    ({ svc, deps } = pipeline);
    await exampleProject(svc.store, projectId);
    server = await startHttpServer({ port: 0, token: TOKEN, userId: 'tester', deps: { ...deps, cacheTtlMs: 0 } });
  });
  afterAll(async () => server?.close());

  it('detaches on re-upload, places (with undo), drops, keeps the audit trail, and undoes onto moved spans', async () => {
    await pipeline.ingest(projectId, NAME, v1);
    const d1 = await doc();
    const seg = (i: number) => d1.segments.find((s) => s.index === i)!;

    // Before the re-upload: balans accepted on turn 5; werkdruk added on a span of turn 5; informatie
    // coded on a span of turn 9 and then rejected (so its undo history holds a span on the old text).
    const balans = codingsOf(d1).find((c) => c.code === BALANS && c.segmentIndex === 5)!;
    expect(balans).toMatchObject({ status: 'proposed' });
    expect((await decide({ action: 'accept', codingId: balans.id, version: balans.version })).status).toBe(200);
    const partWerk = 'lopen werk en privé door elkaar';
    const s5 = seg(5).text.indexOf(partWerk);
    const werkdruk = await decide({ action: 'add', segmentId: seg(5).id, code: WERKDRUK, span: { start: s5, end: s5 + partWerk.length } });
    expect(werkdruk.status).toBe(200);
    const partInfo = 'de informele kennis van het koffieapparaat';
    const s9 = seg(9).text.indexOf(partInfo);
    const info = await decide({ action: 'add', segmentId: seg(9).id, code: INFO, span: { start: s9, end: s9 + partInfo.length } });
    expect(info.status).toBe(200);
    expect((await decide({ action: 'reject', codingId: info.json.coding!.id, version: info.json.coding!.version })).status).toBe(200);
    expect(await balansCount()).toBe(1);

    // The corrected file.
    await pipeline.ingest(projectId, NAME, v2);
    const d2 = await doc();
    expect(d2.segments).toHaveLength(12);
    expect(d2.detached?.map((c) => c.code).sort()).toEqual([BALANS, WERKDRUK]);
    const detachedBalans = d2.detached!.find((c) => c.code === BALANS)!;
    const detachedWerkdruk = d2.detached!.find((c) => c.code === WERKDRUK)!;
    expect(detachedBalans.segmentIndex).toBeGreaterThanOrEqual(DETACHED_BASE);
    expect(await balansCount()).toBe(0);

    // Undo after the move: the rejected informatie coding moved 9 -> 11 and its text changed before the
    // span ("via Microsoft Teams"); undoing the rejection restores the span on the new text.
    const movedInfo = codingsOf(d2).find((c) => c.code === INFO && c.status === 'rejected')!;
    expect(movedInfo).toMatchObject({ segmentIndex: 11, anchor: { state: 'moved', fromIndex: 9 } });
    const undoneInfo = await decide({ action: 'undo', codingId: movedInfo.id, version: movedInfo.version });
    expect(undoneInfo.status).toBe(200);
    const restored = undoneInfo.json.coding!;
    expect(restored).toMatchObject({ status: 'accepted', segmentIndex: 11 });
    const text11 = d2.segments.find((s) => s.index === 11)!.text;
    expect(text11.slice(restored.span!.start, restored.span!.end)).toBe(partInfo);

    // Place balans on a span of the new turn 3.
    const target = d2.segments.find((s) => s.index === 3)!;
    const at = target.text.indexOf('beleidsmedewerker');
    const placeBody = {
      action: 'place',
      codingId: detachedBalans.id,
      version: detachedBalans.version,
      segmentId: target.id,
      span: { start: at, end: at + 17 },
    };
    const placed = await decide(placeBody);
    expect(placed.status).toBe(200);
    expect(placed.json.coding).toMatchObject({
      segmentIndex: 3,
      segmentId: target.id,
      status: 'accepted',
      origin: 'human',
      decidedBy: 'tester',
      span: { start: at, end: at + 17 },
    });
    expect(placed.json.coding!.anchor).toBeUndefined();
    expect(placed.json.audit).toMatchObject({ action: 'place', from: 'accepted', to: 'accepted', by: 'tester' });
    expect(placed.json.audit.note).toMatch(/^placed on segment 4 \(a span\); its passage \(segment 6\)/);
    // Same request again: the detached coding is gone (409 with current null).
    const again = await decide(placeBody);
    expect(again.status).toBe(409);
    expect(again.json.current).toBeNull();
    let d3 = await doc();
    expect(d3.detached?.map((c) => c.code)).toEqual([WERKDRUK]);
    expect(codingsOf(d3).find((c) => c.id === placed.json.coding!.id)).toMatchObject({ status: 'accepted', segmentIndex: 3 });
    expect(await balansCount()).toBe(1);

    // Undo the place: back in the detached list at its slot, with a higher version; counted no more.
    const unplaced = await decide({ action: 'undo', codingId: placed.json.coding!.id, version: placed.json.coding!.version });
    expect(unplaced.status).toBe(200);
    expect(unplaced.json.coding).toMatchObject({
      id: detachedBalans.id,
      segmentIndex: detachedBalans.segmentIndex,
      status: 'accepted',
      anchor: { state: 'detached' },
    });
    expect(unplaced.json.coding!.version).toBeGreaterThan(placed.json.coding!.version);
    d3 = await doc();
    expect(d3.detached?.map((c) => c.code).sort()).toEqual([BALANS, WERKDRUK]);
    expect(codingsOf(d3).some((c) => c.code === BALANS && c.status === 'accepted')).toBe(false);
    expect(await balansCount()).toBe(0);
    const replaced = await decide({ ...placeBody, version: unplaced.json.coding!.version });
    expect(replaced.status).toBe(200);

    // Drop werkdruk: gone from the document; a stale drop and an undo of it are 409; a coding that is not detached can't be dropped.
    const stale = await decide({ action: 'drop', codingId: detachedWerkdruk.id, version: detachedWerkdruk.version - 1 });
    expect(stale.status).toBe(409);
    const dropped = await decide({ action: 'drop', codingId: detachedWerkdruk.id, version: detachedWerkdruk.version });
    expect(dropped.status).toBe(200);
    expect(dropped.json.coding).toBeNull();
    expect(dropped.json.audit).toMatchObject({ action: 'drop', from: 'accepted', to: null, version: null, by: 'tester' });
    expect((await decide({ action: 'undo', codingId: detachedWerkdruk.id, version: detachedWerkdruk.version + 1 })).status).toBe(409);
    const notDetached = await decide({ action: 'drop', codingId: restored.id, version: restored.version });
    expect(notDetached.status).toBe(400);
    expect(notDetached.json.message).toMatch(/only a detached coding can be dropped/);
    const d4 = await doc();
    expect(d4.detached ?? []).toEqual([]);
    expect(codingsOf(d4).some((c) => c.code === WERKDRUK && c.origin === 'human')).toBe(false);

    // The audit trail: balans's own history reaches back through the placements to the accept on the old
    // text; werkdruk's add, detach and drop stay in the document's trail.
    const history = await call<{ items: AuditEventView[] }>('GET', `${P}/audit?coding=${encodeURIComponent(replaced.json.coding!.id)}`);
    expect(history.json.items.map((e) => `${e.action} ${e.by}`)).toEqual(['accept tester', 'detach qualtag', 'place tester', 'undo tester', 'place tester']);
    const trail = (await svc.store.auditTrail({ projectId, documentId, limit: 500 })).items.filter((e) => e.code === WERKDRUK);
    expect(trail.map((e) => e.action)).toEqual(['add', 'detach', 'drop']);
    expect(trail[2]).toMatchObject({ userId: 'tester', before: { status: 'accepted', origin: 'human' }, after: null });
    expect(trail[2]!.note).toMatch(/^dropped: /);
  });
});
