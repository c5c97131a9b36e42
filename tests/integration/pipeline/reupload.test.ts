// A corrected transcript re-uploaded under the same name: every decision follows its passage.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentIdFor, tagDocument, type PipelineDeps } from '../../../lib/pipeline/index.js';
import { DETACHED_BASE } from '../../../lib/pipeline/reanchor.js';
import { clearProposerCache } from '../../../lib/pipeline/tag.js';
import { codingHistory } from '../../../lib/coding/index.js';
import { dynamoClient, s3Client } from '../../../lib/store/clients.js';
import type { Adapters } from '../../../lib/store/index.js';
import type { Coding, SegmentRecord, Store } from '../../../lib/coding/index.js';
import {
  correctedInterview,
  drainTags,
  exampleProject,
  runIngest,
  testPipeline,
  upload,
  type CapturingTagQueue,
  type TestPipeline,
} from '../helpers/pipeline.js';
import type { TestServices } from '../helpers/services.js';
import { decide } from '../../../lib/review/decide.js';

const NAME = 'interview-01.txt';
const { v1, v2 } = correctedInterview();

describe('re-upload of a corrected transcript on DynamoDB Local + s3rver', () => {
  let pipeline: TestPipeline;
  let svc: TestServices & Adapters;
  let queue: CapturingTagQueue;
  let deps: PipelineDeps;
  const projectId = 'p-reupload';
  const documentId = documentIdFor(projectId, NAME);

  async function partition(): Promise<Record<string, unknown>[]> {
    const out = await dynamoClient(svc.clientOptions).send(
      new QueryCommand({ TableName: svc.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `DOC#${documentId}` } }),
    );
    // Every item as stored, except the time the tag step last touched the document record.
    return (out.Items ?? []).map((i) => (i.SK === 'META' ? { ...i, updatedAt: undefined } : i)).sort((a, b) => String(a.SK).localeCompare(String(b.SK)));
  }
  const segments = async (): Promise<SegmentRecord[]> => (await svc.store.listSegments(documentId, { limit: 500 })).items;
  const audit = async () => (await svc.store.auditTrail({ projectId, documentId, limit: 500 })).items;

  beforeAll(async () => {
    pipeline = await testPipeline('reupload');
    ({ svc, queue, deps } = pipeline);
  });

  it('moves accepted, rejected and added codes with their passages, detaches the removed one, and survives a crash and redelivery', async () => {
    await exampleProject(svc.store, projectId);
    await pipeline.ingest(projectId, NAME, v1);
    const before = await segments();
    expect(before).toHaveLength(10);

    const proposal = async (segmentIndex: number, code: string): Promise<Coding> => {
      const c = await svc.store.getCoding({ documentId, segmentIndex, code });
      expect(c, `proposal ${code} on segment ${segmentIndex}`).toMatchObject({ status: 'proposed' });
      return c!;
    };
    const werkdruk = await proposal(3, 'werkomstandigheden/werkdruk');
    const balans = await proposal(5, 'werkomstandigheden/balans-werk-prive');
    const vertrouwen = await proposal(7, 'samenwerking/vertrouwen');
    await decide(svc.store, { ...werkdruk, action: 'accept', expectedVersion: werkdruk.version, userId: 'ann' });
    await decide(svc.store, { ...balans, action: 'accept', expectedVersion: balans.version, userId: 'ann' });
    await decide(svc.store, { ...vertrouwen, action: 'reject', expectedVersion: vertrouwen.version, userId: 'bob' });
    const flex = before[1]!.text.indexOf('vrije flexplek');
    const added = { projectId, documentId, segmentIndex: 1, code: 'eigen/flexplek' };
    await decide(svc.store, { ...added, action: 'add', expectedVersion: null, userId: 'ann', categoryId: 'eigen', span: { start: flex, end: flex + 14 } });
    const teams = { projectId, documentId, segmentIndex: 9, code: 'eigen/teams' };
    await decide(svc.store, { ...teams, action: 'add', expectedVersion: null, userId: 'bob', categoryId: 'eigen' });
    const decisionsBefore = (await audit()).length;

    // The corrected file arrives; the tag step crashes after re-anchoring part of the codings.
    const body2 = await upload(s3Client(svc.clientOptions), svc.bucketName, projectId, NAME, v2);
    await runIngest(deps, [body2]);
    const [request] = queue.take();
    const crashing: Store = Object.assign(Object.create(svc.store) as Store, {
      moveCodings: async (batches: Parameters<Store['moveCodings']>[0]) => {
        await svc.store.moveCodings([batches.flat().slice(0, 2)]);
        throw new Error('simulated crash');
      },
    });
    await expect(tagDocument({ ...deps, store: crashing }, request!)).rejects.toThrow('simulated crash');
    // SQS delivers the tag message again (after the proposer cache expired: it learns from the decisions above).
    clearProposerCache();
    queue.requests.push(request!);
    await drainTags(deps, queue);

    const after = await segments();
    expect(after).toHaveLength(12);
    const at = (i: number) => after.find((s) => s.index === i)!;
    const codings = await svc.store.listDocumentCodings(documentId);
    const find = (code: string) => {
      const found = codings.filter((c) => c.code === code && (c.status !== 'proposed' || c.origin === 'human'));
      expect(found, code).toHaveLength(1);
      return found[0]!;
    };
    const expectOn = (c: Coding, index: number, text: string) => {
      expect(c.segmentIndex).toBe(index);
      expect(c.segmentText).toBe(at(index).text);
      expect(c).toMatchObject({ segmentId: at(index).id, segmentStart: at(index).start, segmentEnd: at(index).end });
      expect(c.segmentText).toContain(text);
    };

    const w = find('werkomstandigheden/werkdruk');
    expectOn(w, 7, 'hogere werkdruk');
    expect(w).toMatchObject({ status: 'accepted', origin: 'rule', decidedBy: 'ann', version: 3, anchor: { state: 'moved', fromIndex: 3 } });
    const v = find('samenwerking/vertrouwen');
    expectOn(v, 9, 'dat vertrouwen waardeer ik');
    expect(v).toMatchObject({ status: 'rejected', decidedBy: 'bob', version: 3 });
    const f = find('eigen/flexplek');
    expectOn(f, 5, 'flexplek');
    expect(f).toMatchObject({ origin: 'human', status: 'accepted', version: 2 });
    expect(f.segmentText.slice(f.span!.start, f.span!.end)).toBe('vrije flexplek');
    const t = find('eigen/teams');
    expectOn(t, 11, 'via Microsoft Teams');
    expect(t.anchor?.similarity).toBeGreaterThan(0.6);
    expect(t.anchor?.similarity).toBeLessThan(1);
    expect(t.anchor?.fromText).toContain('via Teams');

    // The removed passage: kept, detached, with its old text; still listed by code.
    const b = find('werkomstandigheden/balans-werk-prive');
    expect(b.segmentIndex).toBeGreaterThanOrEqual(DETACHED_BASE);
    expect(b).toMatchObject({ status: 'accepted', decidedBy: 'ann', segmentText: before[5]!.text, anchor: { state: 'detached', fromIndex: 5 } });
    const listed = await svc.store.queryCodings({ projectId, by: { code: 'werkomstandigheden/balans-werk-prive' }, status: 'accepted' });
    expect(listed.items.map((c) => c.anchor?.state)).toEqual(['detached']);

    // Undecided proposals sit on the current text (the tagger re-proposed them).
    for (const c of codings.filter((x) => x.status === 'proposed')) expect(c.segmentText).toBe(at(c.segmentIndex).text);

    // The audit trail: the decisions, then exactly one re-anchoring event per coding, crash or not.
    const events = await audit();
    const anchoring = events.slice(decisionsBefore);
    expect(events.slice(0, decisionsBefore).every((e) => e.action !== 'move' && e.action !== 'detach')).toBe(true);
    expect(anchoring.map((e) => `${e.action} ${e.code} ${e.fromSegmentIndex}->${e.segmentIndex}`).sort()).toEqual(
      [
        `detach werkomstandigheden/balans-werk-prive 5->${b.segmentIndex}`,
        'move eigen/flexplek 1->5',
        'move eigen/teams 9->11',
        'move samenwerking/vertrouwen 7->9',
        'move werkomstandigheden/werkdruk 3->7',
      ].sort(),
    );
    const werkdrukEvent = anchoring.find((e) => e.code === 'werkomstandigheden/werkdruk')!;
    expect(werkdrukEvent).toMatchObject({ userId: 'qualtag', before: { status: 'accepted', version: 2 }, after: { status: 'accepted', version: 3 } });
    expect(werkdrukEvent.note).toMatch(/^moved from segment 4 to 8 after re-upload of version /);
    expect(anchoring.find((e) => e.action === 'detach')!.note).toMatch(/^detached: its passage \(segment 6\) is no longer in the file/);

    // The coding's own history reaches back to the decision made where it was before.
    expect(codingHistory(events, w).map((e) => `${e.action} ${e.segmentIndex}`)).toEqual(['accept 3', 'move 7']);

    // Undo history travelled with the coding: undoing the accept makes it a proposal again, where it now is.
    const undone = await decide(svc.store, { ...w, action: 'undo', expectedVersion: w.version, userId: 'ann' });
    expect(undone.coding).toMatchObject({ segmentIndex: 7, status: 'proposed', version: 4 });
    await decide(svc.store, { ...w, action: 'accept', expectedVersion: 4, userId: 'ann' });

    // A duplicate delivery of the same S3 event, and of the tag message, changes nothing.
    const snapshot = await partition();
    const eventCount = (await audit()).length;
    // As when the redelivery comes after the proposer cache expired (a slow queue, a cold Lambda): the
    // ranker is rebuilt from the reviews as they are now, and still proposes the same.
    clearProposerCache();
    await runIngest(deps, [body2]);
    queue.requests.push(request!);
    await drainTags(deps, queue);
    expect(await partition()).toEqual(snapshot);
    expect((await audit()).length).toBe(eventCount);
  });
});
