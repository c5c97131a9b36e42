// The DynamoDB adapter of the storage ports: one table (table.ts), keys from keys.ts only.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { QualtagError } from '../errors.js';
import type { DocumentStatus, Segment } from '../model.js';
import * as K from './keys.js';
import { batchGetAll, batchWriteAll, del, put } from './dynamo/batch.js';
import type { DocumentAggregate } from '../report/aggregate.js';
import { queryAll, queryPage, type QuerySpec } from './dynamo/query.js';
import { all } from '../paging.js';
import { backoffMs, isRetryable, MAX_ATTEMPTS, sleep } from './dynamo/retry.js';
import { indexNames } from './table.js';
import {
  type ApplyResult,
  type AuditEvent,
  type AuditQuery,
  type BatchEntry,
  type BatchState,
  type BulkBatch,
  type Coding,
  type CodingChange,
  type CodingMove,
  type CodingQuery,
  type CodingRef,
  type CodingSnapshot,
  type CodebookVersion,
  type DocumentCounts,
  type ExportJob,
  type ExportJobUpdate,
  type DocumentFilter,
  type DocumentRecord,
  type DocumentUpdate,
  type NewProject,
  type Page,
  type PageRequest,
  type Project,
  type ProjectSettings,
  type ReviewQueueQuery,
  type SegmentRecord,
  type Store,
  undoStackOnNewText,
} from '../coding/index.js';
import type { AggregateRules, BulkBatchUpdate, CodingWrite, CodingWritePlan as DocumentWritePlan, LockedCodings } from '../coding/ports.js';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Drops the key-design attributes so items become plain domain objects. */
function strip<T>(item: Item): T {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!K.keyAttributeNames.has(k) && k !== 'type' && k !== 'undoStack') out[k] = v;
  return out as T;
}

const now = (): string => new Date().toISOString();

const DOCUMENT_STATUSES: readonly DocumentStatus[] = ['UPLOADED', 'EXTRACTED', 'TAGGED', 'FAILED'];

/** A stored codebook version as the domain expects it: versions stored before anchor examples existed get `examples: []`. */
function codebookVersionFrom(item: Item): CodebookVersion {
  const v = strip<CodebookVersion>(item);
  const categories = v.codebook.categories.map((cat) => ({ ...cat, codes: cat.codes.map((c) => ({ ...c, examples: c.examples ?? [] })) }));
  return { ...v, codebook: { ...v.codebook, categories } };
}

/** Transactions: at most 100 actions; smaller chunks keep a conflict from redoing much work. */
const TX_CHUNK = 50;
/** Plans of a coding write, when other writes to the same document keep taking its aggregate's lock. */
const WRITE_ATTEMPTS = 8;

/** What a coding write (DynamoStore.writeCodings) commits, and the codings of the segment positions it touches. */
export interface CodingWritePlan<R> {
  /** The writes, each with its own condition; none: nothing to write, `result` is returned as is. */
  actions: TransactItem[];
  /** Every stored coding at the touched positions before the write, and what is there after it. */
  before: Coding[];
  after: Coding[];
  /** Audit events written with it (the reviewer agreement reads them from the aggregate's trail). */
  events?: AuditEvent[];
  result: R;
  /** A condition of `actions` failed while the lock held (the codes per action): map it to an answer or an error. */
  onConditionFailed?: (codes: Array<string | undefined>) => R | Promise<R>;
  /** The lock stayed taken by other writers through every attempt. */
  onBusy?: () => R | Promise<R>;
}

function notFound(what: string, hint: string): QualtagError {
  return new QualtagError('NOT_FOUND', `${what} does not exist`, hint);
}

export class DynamoStore implements Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    /** How the per-document report aggregate follows the codings (given by lib/store/index.ts). */
    private readonly aggregates: AggregateRules,
  ) {}

  // ------------------------------------------------------------------------------------------ projects

  async createProject(p: NewProject): Promise<Project> {
    const project: Project = {
      id: p.id,
      name: p.name,
      members: [...new Set(p.members)].sort(),
      settings: p.settings ?? {},
      createdAt: now(),
      createdBy: p.createdBy,
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...K.projectKey(p.id), type: 'project', ...project },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            ...project.members.map((userId) => ({
              Put: { TableName: this.tableName, Item: this.memberItem(p.id, userId) },
            })),
            { Put: { TableName: this.tableName, Item: { ...K.projectStatsKey(p.id), type: 'docstats', complete: true } } },
          ],
        }),
      );
    } catch (e) {
      if (e instanceof TransactionCanceledException) {
        throw new QualtagError('CONFLICT', `project "${p.id}" already exists`, 'Choose another project id');
      }
      throw e;
    }
    return project;
  }

  private memberItem(projectId: string, userId: string): Item {
    return { ...K.memberKey(projectId, userId), ...K.memberLists(projectId, userId), type: 'member', projectId, userId };
  }

  async getProject(projectId: string): Promise<Project | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.projectKey(projectId), ConsistentRead: true }));
    return out.Item ? strip<Project>(out.Item) : null;
  }

  async listProjectsForUser(userId: string, page?: PageRequest): Promise<Page<Project>> {
    const memberships = await queryPage(
      this.db,
      {
        table: this.tableName,
        index: indexNames.lists,
        keyCondition: '#pk = :pk',
        names: { '#pk': 'LPK' },
        values: { ':pk': K.userProjectsPK(userId) },
      },
      page,
    );
    const ids = memberships.items.map((m) => String(m.projectId));
    if (ids.length === 0) return { items: [], nextCursor: memberships.nextCursor };
    const projects: Project[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Item[] = ids.slice(i, i + 100).map((id) => K.projectKey(id));
      for (let attempt = 0; keys.length > 0; attempt++) {
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        projects.push(...(out.Responses?.[this.tableName] ?? []).map((it) => strip<Project>(it)));
        keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Item[];
        if (keys.length) await sleep(backoffMs(attempt));
      }
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    projects.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { items: projects, nextCursor: memberships.nextCursor };
  }

  async addMember(projectId: string, userId: string): Promise<void> {
    await this.changeMembers(projectId, userId, 'add');
  }

  async removeMember(projectId: string, userId: string): Promise<void> {
    await this.changeMembers(projectId, userId, 'remove');
  }

  private async changeMembers(projectId: string, userId: string, how: 'add' | 'remove'): Promise<void> {
    const project = await this.getProject(projectId);
    if (!project) throw notFound(`project "${projectId}"`, 'Check the project id');
    const members = how === 'add' ? [...new Set([...project.members, userId])].sort() : project.members.filter((m) => m !== userId);
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: K.projectKey(projectId),
              UpdateExpression: 'SET members = :m',
              ConditionExpression: 'attribute_exists(PK)',
              ExpressionAttributeValues: { ':m': members },
            },
          },
          how === 'add'
            ? { Put: { TableName: this.tableName, Item: this.memberItem(projectId, userId) } }
            : { Delete: { TableName: this.tableName, Key: K.memberKey(projectId, userId) } },
        ],
      }),
    );
  }

  async updateSettings(projectId: string, settings: ProjectSettings): Promise<Project> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.projectKey(projectId),
          UpdateExpression: 'SET settings = :s',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':s': settings },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<Project>(out.Attributes ?? {});
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw notFound(`project "${projectId}"`, 'Check the project id');
      throw e;
    }
  }

  // --------------------------------------------------------------------------------------- export jobs

  async createExportJob(job: ExportJob): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...K.exportJobKey(job.projectId, job.id), type: 'export', ...job },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async getExportJob(projectId: string, jobId: string): Promise<ExportJob | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.exportJobKey(projectId, jobId), ConsistentRead: true }));
    return out.Item ? strip<ExportJob>(out.Item) : null;
  }

  async updateExportJob(projectId: string, jobId: string, update: ExportJobUpdate): Promise<void> {
    const fields: Item = { ...update, updatedAt: now() };
    const names: Record<string, string> = {};
    const values: Item = {};
    const sets = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => {
        names[`#${k}`] = k;
        values[`:${k}`] = v;
        return `#${k} = :${k}`;
      });
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: K.exportJobKey(projectId, jobId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  // ----------------------------------------------------------------------------------------- codebooks

  async putCodebookVersion(v: Omit<CodebookVersion, 'createdAt'> & { createdAt?: string }, opts: { expectedCurrent?: string } = {}): Promise<CodebookVersion> {
    if (!(await this.getProject(v.projectId))) throw notFound(`project "${v.projectId}"`, 'Create the project first');
    const version: CodebookVersion = { ...v, createdAt: v.createdAt ?? now() };
    let stored = version;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...K.codebookKey(v.projectId, v.version),
            ...K.codebookLists(v.projectId, version.createdAt, v.version),
            type: 'codebook',
            ...version,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // The same content uploaded again: keep the first upload's record, make it current again.
      stored = (await this.getCodebookVersion(v.projectId, v.version)) ?? version;
    }
    // With expectedCurrent the switch happens only if nobody made another version current meanwhile (the
    // stored version then simply stays in the history, not current).
    const expected = opts.expectedCurrent;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.projectKey(v.projectId),
          UpdateExpression: 'SET currentCodebookVersion = :v',
          ...(expected !== undefined ? { ConditionExpression: 'currentCodebookVersion = :e' } : {}),
          ExpressionAttributeValues: { ':v': v.version, ...(expected !== undefined ? { ':e': expected } : {}) },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const now = (await this.getProject(v.projectId))?.currentCodebookVersion;
      throw new QualtagError(
        'CONFLICT',
        `the codebook changed meanwhile (now version ${now ?? 'none'}, not ${expected})`,
        'Reload and make the change again on the current version',
        'codebook',
      );
    }
    return stored;
  }

  async getCodebookVersion(projectId: string, version: string): Promise<CodebookVersion | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.codebookKey(projectId, version) }));
    return out.Item ? codebookVersionFrom(out.Item) : null;
  }

  async getCurrentCodebook(projectId: string): Promise<CodebookVersion | null> {
    const project = await this.getProject(projectId);
    if (!project?.currentCodebookVersion) return null;
    return this.getCodebookVersion(projectId, project.currentCodebookVersion);
  }

  async listCodebookVersions(projectId: string, page?: PageRequest): Promise<Page<CodebookVersion>> {
    const out = await queryPage(
      this.db,
      {
        table: this.tableName,
        index: indexNames.lists,
        keyCondition: '#pk = :pk',
        names: { '#pk': 'LPK' },
        values: { ':pk': K.projectCodebooksPK(projectId) },
        forward: false,
      },
      page,
    );
    return { items: out.items.map((i) => codebookVersionFrom(i)), nextCursor: out.nextCursor };
  }

  // ----------------------------------------------------------------------------------------- documents

  async putClaim(doc: DocumentRecord, seen: DocumentRecord | null): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...K.documentKey(doc.id), ...K.documentLists(doc.projectId, doc.fileName, doc.id), type: 'document', ...doc },
                ConditionExpression: seen ? 'sourceVersion = :old AND #st = :st' : 'attribute_not_exists(PK)',
                ...(seen
                  ? { ExpressionAttributeNames: { '#st': 'status' }, ExpressionAttributeValues: { ':old': seen.sourceVersion, ':st': seen.status } }
                  : {}),
              },
            },
            ...this.statusCountChange(doc.projectId, seen?.status, doc.status),
          ],
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof TransactionCanceledException && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw e;
    }
  }

  async updateDocument(projectId: string, documentId: string, update: DocumentUpdate): Promise<DocumentRecord> {
    const fields: Item = { ...update, updatedAt: now() };
    const names: Record<string, string> = {};
    const values: Item = { ':p': projectId };
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [k, v] of Object.entries(fields)) {
      names[`#${k}`] = k;
      if (v === undefined) removes.push(`#${k}`);
      else {
        values[`:${k}`] = v;
        sets.push(`#${k} = :${k}`);
      }
    }
    // A FAILED or re-extracted document loses the reason of an earlier failure.
    if (update.status && update.status !== 'FAILED' && !('reason' in update)) {
      names['#reason'] = 'reason';
      removes.push('#reason');
    }
    const updateExpression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
    if (update.status) {
      // A status change moves the document between the project's counts, in one transaction on the status read.
      for (let attempt = 0; ; attempt++) {
        const current = await this.getDocument(documentId);
        if (!current || current.projectId !== projectId) throw notFound(`document ${documentId} in project ${projectId}`, 'Upload it again');
        if (current.status === update.status) break;
        try {
          await this.db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: this.tableName,
                    Key: K.documentKey(documentId),
                    UpdateExpression: updateExpression,
                    ConditionExpression: 'projectId = :p AND #prev = :prev',
                    ExpressionAttributeNames: { ...names, '#prev': 'status' },
                    ExpressionAttributeValues: { ...values, ':prev': current.status },
                  },
                },
                ...this.statusCountChange(projectId, current.status, update.status),
              ],
            }),
          );
          return (await this.getDocument(documentId))!;
        } catch (e) {
          const reasons = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []) : [];
          const retry = reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict') || isRetryable(e);
          if (!retry || attempt + 1 >= MAX_ATTEMPTS) throw e;
          await sleep(backoffMs(attempt));
        }
      }
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.documentKey(documentId),
          UpdateExpression: updateExpression,
          ConditionExpression: update.status ? 'projectId = :p AND #status = :status' : 'projectId = :p',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<DocumentRecord>(out.Attributes ?? {});
    } catch (e) {
      // With a status: it changed since it was read as the same; go again through the counted path.
      if (e instanceof ConditionalCheckFailedException && update.status && (await this.getDocument(documentId))?.projectId === projectId)
        return this.updateDocument(projectId, documentId, update);
      if (e instanceof ConditionalCheckFailedException) throw notFound(`document ${documentId} in project ${projectId}`, 'Upload it again');
      throw e;
    }
  }

  /** The count updates of a document going from one status (none: a new document) to another (none: deleted). */
  private statusCountChange(projectId: string, from: DocumentStatus | undefined, to: DocumentStatus | undefined): TransactItem[] {
    if (from === to) return [];
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds: string[] = [];
    for (const [status, n] of [
      [from, -1],
      [to, 1],
    ] as const) {
      if (!status) continue;
      names[`#${status}`] = status;
      values[`:${status}`] = n;
      adds.push(`#${status} :${status}`);
    }
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: K.projectStatsKey(projectId),
          UpdateExpression: `ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
  }

  async documentCounts(projectId: string): Promise<DocumentCounts> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.projectStatsKey(projectId), ConsistentRead: true }));
    let item = out.Item;
    if (!item?.complete) {
      // A project created before the counts were kept: counted once from its documents and stored (status
      // changes while this counts can make it drift by those; DESIGN note in the README).
      const counted: Record<string, number> = {};
      for (const d of await all((p) => this.listDocuments(projectId, p))) counted[d.status] = (counted[d.status] ?? 0) + 1;
      item = { ...K.projectStatsKey(projectId), type: 'docstats', complete: true, ...counted };
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
    }
    const byStatus: Partial<Record<DocumentStatus, number>> = {};
    let total = 0;
    for (const status of DOCUMENT_STATUSES) {
      const n = Number(item[status] ?? 0);
      if (n > 0) {
        byStatus[status] = n;
        total += n;
      }
    }
    return { total, byStatus };
  }

  async getDocument(documentId: string): Promise<DocumentRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.documentKey(documentId), ConsistentRead: true }));
    return out.Item ? strip<DocumentRecord>(out.Item) : null;
  }

  async listDocuments(projectId: string, page?: PageRequest, filter: DocumentFilter = {}): Promise<Page<DocumentRecord>> {
    const spec: QuerySpec = {
      table: this.tableName,
      index: indexNames.lists,
      keyCondition: '#pk = :pk',
      names: { '#pk': 'LPK' },
      values: { ':pk': K.projectDocumentsPK(projectId) },
    };
    if (filter.status) {
      // queryPage reads on until the page is full, so a filter never makes a page come back short.
      spec.filter = '#st = :st';
      spec.names['#st'] = 'status';
      spec.values[':st'] = filter.status;
    }
    const out = await queryPage(this.db, spec, page);
    return { items: out.items.map((i) => strip<DocumentRecord>(i)), nextCursor: out.nextCursor };
  }

  async putSegments(projectId: string, documentId: string, segments: Segment[], previousCount = 0): Promise<void> {
    const writes = segments.map((s) => put({ ...K.segmentKey(documentId, s.index), type: 'segment', projectId, documentId, ...s }));
    for (let i = segments.length; i < previousCount; i++) writes.push(del(K.segmentKey(documentId, i)));
    await batchWriteAll(this.db, this.tableName, writes);
  }

  async listSegments(documentId: string, page?: PageRequest): Promise<Page<SegmentRecord>> {
    const out = await queryPage(this.db, this.prefixSpec(documentId, K.segmentPrefix), page);
    return { items: out.items.map((i) => strip<SegmentRecord>(i)), nextCursor: out.nextCursor };
  }

  async getSegment(documentId: string, segmentIndex: number): Promise<SegmentRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.segmentKey(documentId, segmentIndex) }));
    return out.Item ? strip<SegmentRecord>(out.Item) : null;
  }

  async removeDocument(document: DocumentRecord, events: AuditEvent[]): Promise<void> {
    const { projectId, id: documentId } = document;
    const items = await queryAll(this.db, {
      table: this.tableName,
      keyCondition: '#pk = :pk',
      names: { '#pk': 'PK' },
      values: { ':pk': K.documentPK(documentId) },
      consistent: true,
    });
    // The trail first: if the deletion is cut short it already says what happened, and a second try finishes it;
    // the document item last, so until then the document is listed and can be deleted again.
    await batchWriteAll(
      this.db,
      this.tableName,
      events.map((e) => put(this.auditPut(e).Put.Item)),
    );
    await batchWriteAll(
      this.db,
      this.tableName,
      items.filter((i) => i.SK !== 'META').map((i) => del({ PK: i.PK, SK: i.SK })),
    );
    // The document item and its count go together (a second try after a crash finds no item and counts nothing).
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: K.documentKey(documentId),
                ConditionExpression: '#st = :st',
                ExpressionAttributeNames: { '#st': 'status' },
                ExpressionAttributeValues: { ':st': document.status },
              },
            },
            ...this.statusCountChange(projectId, document.status, undefined),
          ],
        }),
      );
    } catch (e) {
      if (!(e instanceof TransactionCanceledException && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')) throw e;
      throw new QualtagError('CONFLICT', `"${document.fileName}" changed while it was being deleted`, 'Delete it again');
    }
  }

  private prefixSpec(documentId: string, prefix: string): QuerySpec {
    return {
      table: this.tableName,
      keyCondition: '#pk = :pk AND begins_with(#sk, :prefix)',
      names: { '#pk': 'PK', '#sk': 'SK' },
      values: { ':pk': K.documentPK(documentId), ':prefix': prefix },
      consistent: true,
    };
  }

  // ------------------------------------------------------------------------------------------- codings

  private codingItem(c: Coding, undoStack?: CodingSnapshot[]): Item {
    return {
      ...K.codingKey(c),
      ...K.codingIndexKeys(c),
      type: 'coding',
      ...c,
      ...(undoStack?.length ? { undoStack } : {}),
    };
  }

  async getCoding(ref: CodingRef): Promise<Coding | null> {
    const item = await this.getCodingItem(ref);
    return item ? strip<Coding>(item) : null;
  }

  private async getCodingItem(ref: CodingRef): Promise<Item | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.codingKey(ref), ConsistentRead: true }));
    return out.Item ?? null;
  }

  async listDocumentCodings(documentId: string): Promise<Coding[]> {
    return (await queryAll(this.db, this.prefixSpec(documentId, K.codingPrefix))).map((i) => strip<Coding>(i));
  }

  // ------------------------------------------------------------------------------- coding writes

  /**
   * Every write of codings goes through here, so the document's report aggregate (keys.aggregateKey)
   * changes in the same transaction as its codings. The aggregate's version is the lock: it is read
   * first, `plan` then reads the codings it changes (consistently) and returns the writes with the
   * codings of the touched segments before and after them; the transaction commits only if the
   * aggregate is still at the version read, else it plans again on what is stored now. The aggregate
   * itself is computed by the AggregateRules the store was given. The use cases' writes (decide, bulk
   * accept and its undo) come through writeDocumentCodings, the pipeline's through applyCodingChanges
   * and moveCodings.
   */
  async writeCodings<R>(documentId: string, plan: (ctx: { attempt: number }) => Promise<CodingWritePlan<R>>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      const stored = await this.aggregateItem(documentId);
      const p = await plan({ attempt });
      if (p.actions.length === 0) return p.result;
      const base = stored ? stored.agg : await this.buildAggregate(documentId);
      const next = this.aggregates.update(base, p.before, p.after, p.events ?? []);
      const aggPut: TransactItem = {
        Put: {
          TableName: this.tableName,
          Item: { ...K.aggregateKey(documentId), type: 'aggregate', documentId, v: (stored?.v ?? 0) + 1, data: this.aggregates.encode(next) },
          ...(stored
            ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':v': stored.v } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      };
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: [...p.actions, aggPut] }));
        return p.result;
      } catch (e) {
        const reasons = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []) : [];
        const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
        const lockLost = reasons[p.actions.length]?.Code === 'ConditionalCheckFailed' || conflict;
        const retryable = lockLost || isRetryable(e) || reasons.some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded');
        if (!lockLost && reasons.some((r) => r.Code === 'ConditionalCheckFailed') && p.onConditionFailed)
          return p.onConditionFailed(reasons.map((r) => r.Code));
        if (!retryable || attempt + 1 >= WRITE_ATTEMPTS) {
          if (lockLost && p.onBusy) return p.onBusy();
          throw e;
        }
        // Another write of the document committed first: plan again at once on what it left.
        if (!lockLost || conflict) await sleep(backoffMs(attempt));
      }
    }
  }

  private async aggregateItem(documentId: string): Promise<{ v: number; agg: DocumentAggregate } | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.aggregateKey(documentId), ConsistentRead: true }));
    if (!out.Item) return null;
    return { v: Number(out.Item.v), agg: this.aggregates.decode(out.Item.data as Uint8Array) };
  }

  /** A document's aggregate built from all it has stored: its codings and its audit trail. */
  private async buildAggregate(documentId: string): Promise<DocumentAggregate> {
    const codings = await this.listDocumentCodings(documentId);
    const doc = await this.getDocument(documentId);
    const events = doc ? await queryAll(this.db, this.indexSpec(indexNames.lists, 'LPK', K.documentAuditPK(doc.projectId, documentId), 'LSK')) : [];
    return this.aggregates.build(
      codings,
      events.map((e) => strip<AuditEvent>(e)),
    );
  }

  /**
   * The report aggregates of these documents. Aggregates parsed before are kept per version: a call
   * reads every aggregate's version (small consistent batch reads) and only the changed ones whole.
   */
  async documentAggregates(documentIds: readonly string[]): Promise<Map<string, DocumentAggregate>> {
    const keys = documentIds.map((id) => K.aggregateKey(id));
    const versions = await batchGetAll(this.db, this.tableName, keys, { consistent: true, projection: 'PK, #v', names: { '#v': 'v' } });
    const versionOf = new Map(versions.map((it) => [String(it.PK).slice('DOC#'.length), Number(it.v)]));
    const stale = documentIds.filter((id) => versionOf.has(id) && this.aggregateCache.get(id)?.v !== versionOf.get(id));
    const fresh = await batchGetAll(
      this.db,
      this.tableName,
      stale.map((id) => K.aggregateKey(id)),
      { consistent: true },
    );
    if (this.aggregateCache.size > 20_000) this.aggregateCache.clear();
    for (const it of fresh) this.aggregateCache.set(String(it.documentId), { v: Number(it.v), agg: this.aggregates.decode(it.data as Uint8Array) });
    // Documents coded before aggregates existed (or never coded): built once and stored, unless a coding
    // write stores one first (both are conditional on there being none).
    const missing = documentIds.filter((id) => !versionOf.has(id));
    const buildOne = async (id: string): Promise<void> => {
      const agg = await this.buildAggregate(id);
      this.aggregateCache.set(id, { v: 1, agg });
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...K.aggregateKey(id), type: 'aggregate', documentId: id, v: 1, data: this.aggregates.encode(agg) },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
        this.aggregateCache.delete(id);
      }
    };
    // Four at a time: a first report over many old documents does not flood the table.
    for (let i = 0; i < missing.length; i += 4) await Promise.all(missing.slice(i, i + 4).map(buildOne));
    const out = new Map<string, DocumentAggregate>();
    for (const id of documentIds) out.set(id, this.aggregateCache.get(id)?.agg ?? (await this.aggregateItem(id))?.agg ?? this.aggregates.empty());
    return out;
  }

  private readonly aggregateCache = new Map<string, { v: number; agg: DocumentAggregate }>();

  /** The stored coding items (with undo stacks) of one document, or of one segment position in it. */
  private async codingItems(documentId: string, segmentIndex?: number): Promise<Item[]> {
    return queryAll(this.db, this.prefixSpec(documentId, segmentIndex === undefined ? K.codingPrefix : K.segmentCodingsPrefix(segmentIndex)));
  }

  async applyCodingChanges(changes: CodingChange[]): Promise<ApplyResult> {
    const result: ApplyResult = { written: 0, conflicts: [] };
    const byDoc = new Map<string, CodingChange[]>();
    for (const c of changes) {
      const doc = changeRef(c).documentId;
      (byDoc.get(doc) ?? byDoc.set(doc, []).get(doc)!).push(c);
    }
    for (const [documentId, docChanges] of byDoc) {
      // Read once per document and kept up to date chunk by chunk; read again when another write took the lock.
      let known: Map<string, Coding> | null = null;
      for (let i = 0; i < docChanges.length; i += TX_CHUNK) {
        const chunk = docChanges.slice(i, i + TX_CHUNK);
        const r = await this.writeCodings(documentId, async ({ attempt }) => {
          if (!known || attempt > 0) known = new Map((await this.codingItems(documentId)).map((it) => [String(it.SK), strip<Coding>(it)]));
          const stored = known;
          // Under the aggregate's lock the versions read are the versions stored: a mismatch is a conflict now.
          const ok: CodingChange[] = [];
          const conflicts: CodingRef[] = [];
          for (const c of chunk) {
            const cur = stored.get(K.codingKey(changeRef(c)).SK);
            if ((cur ? cur.version : null) === c.expectedVersion) ok.push(c);
            else conflicts.push(changeRef(c));
          }
          const touched = new Set(ok.map((c) => changeRef(c).segmentIndex));
          const before = [...stored.values()].filter((c) => touched.has(c.segmentIndex));
          const after = new Map(before.map((c) => [K.codingKey(c).SK, c]));
          for (const c of ok) {
            if (c.kind === 'put') after.set(K.codingKey(c.coding).SK, c.coding);
            else after.delete(K.codingKey(c.ref).SK);
          }
          const commit = () => {
            for (const c of before) stored.delete(K.codingKey(c).SK);
            for (const [k, c] of after) stored.set(k, c);
          };
          return { actions: ok.map((c) => this.changeAction(c)), before, after: [...after.values()], result: { written: ok.length, conflicts, commit } };
        });
        r.commit();
        result.written += r.written;
        result.conflicts.push(...r.conflicts);
      }
    }
    return result;
  }

  private changeAction(c: CodingChange) {
    if (c.kind === 'delete') {
      return {
        Delete: {
          TableName: this.tableName,
          Key: K.codingKey(c.ref),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': c.expectedVersion },
        },
      };
    }
    return {
      Put: {
        TableName: this.tableName,
        Item: this.codingItem(c.coding),
        ...(c.expectedVersion === null
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':v': c.expectedVersion },
            }),
      },
    };
  }

  /** A transaction holds 100 actions, one of them the aggregate; a move costs up to 3 (put, delete, audit event). */
  readonly movesPerTransaction = Math.floor(99 / 3);

  async moveCodings(batches: CodingMove[][]): Promise<ApplyResult> {
    const result: ApplyResult = { written: 0, conflicts: [] };
    const conflictsOf = (batch: CodingMove[]) => batch.map((m) => changeRef({ kind: 'delete', ref: m.from, expectedVersion: m.from.version }));
    for (const batch of batches) {
      if (batch.length === 0) continue;
      const documentId = batch[0]!.from.documentId;
      const written = await this.writeCodings(documentId, async () => {
        // The undo stacks travel with the codings; a coding that changed since it was planned stops the plan.
        const stored = new Map((await this.codingItems(documentId)).map((it) => [String(it.SK), it]));
        const sk = (c: CodingRef): string => K.codingKey(c).SK;
        const items = batch.map((m) => stored.get(sk(m.from)));
        if (batch.some((m, i) => items[i]?.version !== m.from.version)) return { actions: [], before: [], after: [], result: false };
        const leaving = new Map(batch.map((m) => [sk(m.from), m]));
        const arriving = new Set(batch.map((m) => sk(m.to)));
        const versionIs = (v: number) => ({
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': v },
        });
        const actions = batch.flatMap((m, i) => {
          // Each key once per transaction: a target that a coding of this batch leaves is overwritten on its version.
          const displaced = leaving.get(sk(m.to));
          const guard = displaced
            ? versionIs(displaced.from.version)
            : m.replacesVersion !== undefined
              ? versionIs(m.replacesVersion)
              : { ConditionExpression: 'attribute_not_exists(PK)' };
          // Spans in the undo history follow the text too, so an undo after the move restores no stale offsets.
          const undoStack = undoStackOnNewText((items[i]!.undoStack as CodingSnapshot[] | undefined) ?? [], m.from.segmentText, m.to.segmentText);
          const out: TransactItem[] = [{ Put: { TableName: this.tableName, Item: this.codingItem(m.to, undoStack), ...guard } }];
          if (!arriving.has(sk(m.from))) out.push({ Delete: { TableName: this.tableName, Key: K.codingKey(m.from), ...versionIs(m.from.version) } });
          if (m.event) out.push(this.auditPut(m.event));
          return out;
        });
        const touched = new Set(batch.flatMap((m) => [m.from.segmentIndex, m.to.segmentIndex]));
        const before = [...stored.values()].map((it) => strip<Coding>(it)).filter((c) => touched.has(c.segmentIndex));
        const after = new Map(before.map((c) => [sk(c), c]));
        for (const m of batch) if (!arriving.has(sk(m.from))) after.delete(sk(m.from));
        for (const m of batch) after.set(sk(m.to), m.to);
        const events = batch.flatMap((m) => (m.event ? [m.event] : []));
        return { actions, before, after: [...after.values()], events, result: true, onConditionFailed: () => false };
      });
      if (!written) {
        result.conflicts.push(...conflictsOf(batch));
        return result;
      }
      result.written += batch.length;
    }
    return result;
  }

  private auditPut(event: AuditEvent) {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...K.auditKey(event.projectId, event.at, event.id),
          ...K.auditLists(event.projectId, event.documentId, event.at, event.id),
          type: 'audit',
          ...event,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  async writeDocumentCodings<R>(documentId: string, plan: (read: LockedCodings) => Promise<DocumentWritePlan<R>>): Promise<R> {
    return this.writeCodings(documentId, async () => {
      // What the plan read is kept: the aggregate needs every coding at a written position before the write.
      let everything: Promise<Item[]> | undefined;
      const positions = new Map<number, Promise<Item[]>>();
      const itemsAt = (i: number): Promise<Item[]> => {
        if (everything) return everything.then((items) => items.filter((it) => it.segmentIndex === i));
        return positions.get(i) ?? positions.set(i, this.codingItems(documentId, i)).get(i)!;
      };
      const stored = (items: Item[]) => items.map((it) => ({ coding: strip<Coding>(it), undoStack: (it.undoStack as CodingSnapshot[] | undefined) ?? [] }));
      const p = await plan({
        at: async (i) => stored(await itemsAt(i)),
        all: async () => stored(await (everything ??= this.codingItems(documentId))),
      });
      if (p.writes.length === 0) return { actions: [], before: [], after: [], result: p.result };
      const sk = (c: CodingRef): string => K.codingKey(c).SK;
      const refOf = (w: CodingWrite): CodingRef => (w.kind === 'put' ? w.coding : w.ref);
      const touched = [...new Set(p.writes.map((w) => refOf(w).segmentIndex))];
      const before = (await Promise.all(touched.map(itemsAt))).flat().map((it) => strip<Coding>(it));
      const next = new Map(before.map((c) => [sk(c), c]));
      for (const w of p.writes) {
        if (w.kind === 'put') next.set(sk(w.coding), w.coding);
        else next.delete(sk(w.ref));
      }
      const guard = (v: number | null) => (v === null ? { ConditionExpression: 'attribute_not_exists(PK)' } : versionIs(v));
      const actions: TransactItem[] = [
        ...p.writes.map(
          (w): TransactItem =>
            w.kind === 'put'
              ? { Put: { TableName: this.tableName, Item: this.codingItem(w.coding, w.undoStack), ...guard(w.expectedVersion) } }
              : { Delete: { TableName: this.tableName, Key: K.codingKey(w.ref), ...guard(w.expectedVersion) } },
        ),
        ...p.events.map((e) => this.auditPut(e)),
      ];
      const batchAt = actions.length;
      if (p.batchEntries) actions.push(...this.batchEntriesWrite(documentId, p.batchEntries.batch, p.batchEntries.entries));
      const onConflict = p.onConflict;
      return {
        actions,
        before,
        after: [...next.values()],
        events: p.events,
        result: p.result,
        onConditionFailed: async (codes) => {
          const batch = p.batchEntries?.batch;
          if (batch && codes.slice(batchAt).includes('ConditionalCheckFailed')) {
            throw new QualtagError('CONFLICT', `bulk accept ${batch.id} is no longer being applied (it was undone)`, 'Run the bulk accept again');
          }
          const failed = p.writes.flatMap((_, i) => (codes[i] === 'ConditionalCheckFailed' ? [i] : []));
          if (onConflict) return onConflict(failed);
          throw new QualtagError('CONFLICT', 'the codings changed while they were written', 'Reload and try again');
        },
        ...(p.onBusy ? { onBusy: p.onBusy } : {}),
      };
    });
  }

  // --------------------------------------------------------------------------------------- bulk accept

  async createBulkBatch(batch: BulkBatch): Promise<void> {
    const { documents: _d, ...stored } = batch;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...K.batchKey(batch.projectId, batch.id), type: 'batch', ...stored },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw new QualtagError('CONFLICT', `bulk accept ${batch.id} exists already`, 'Use a new batch id');
      throw e;
    }
  }

  async getBulkBatch(projectId: string, batchId: string): Promise<BulkBatch | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.batchKey(projectId, batchId), ConsistentRead: true }));
    return out.Item ? batchFrom(out.Item) : null;
  }

  async updateBulkBatch(projectId: string, batchId: string, update: BulkBatchUpdate, expectedState?: BatchState): Promise<BulkBatch | null> {
    const names: Record<string, string> = {};
    const values: Item = {};
    const sets = Object.entries(update)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => {
        names[`#${k}`] = k;
        values[`:${k}`] = v;
        return `#${k} = :${k}`;
      });
    if (expectedState !== undefined) {
      names['#seen'] = 'state';
      values[':seen'] = expectedState;
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.batchKey(projectId, batchId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: expectedState !== undefined ? 'attribute_exists(PK) AND #seen = :seen' : 'attribute_exists(PK)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return batchFrom(out.Attributes ?? {});
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return null;
      throw e;
    }
  }

  async bulkBatchEntries(documentId: string, batchId: string): Promise<BatchEntry[]> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.batchEntriesKey(documentId, batchId), ConsistentRead: true }));
    return (out.Item?.entries as BatchEntry[] | undefined) ?? [];
  }

  /** A chunk's entries appended to the document's list of the batch, and counted on the batch while it is applying. */
  private batchEntriesWrite(documentId: string, batch: Pick<BulkBatch, 'projectId' | 'id'>, entries: BatchEntry[]): TransactItem[] {
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: K.batchEntriesKey(documentId, batch.id),
          UpdateExpression: 'SET entries = list_append(if_not_exists(entries, :empty), :new), #t = :type, projectId = :p, batchId = :b',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':empty': [], ':new': entries, ':type': 'batch-entries', ':p': batch.projectId, ':b': batch.id },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: K.batchKey(batch.projectId, batch.id),
          UpdateExpression: 'ADD #n :n, confidenceSum :sum, documents :doc',
          ConditionExpression: '#s = :applying',
          ExpressionAttributeNames: { '#n': 'count', '#s': 'state' },
          ExpressionAttributeValues: {
            ':n': entries.length,
            ':sum': entries.reduce((s, e) => s + e.confidence, 0),
            ':doc': new Set([documentId]),
            ':applying': 'applying',
          },
        },
      },
    ];
  }

  // ------------------------------------------------------------------------------------------- queries

  async reviewQueue(q: ReviewQueueQuery): Promise<Page<Coding>> {
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Item = {};
    const addFilter = (attr: string, value: string): void => {
      names[`#f_${attr}`] = attr;
      values[`:f_${attr}`] = value;
      filters.push(`#f_${attr} = :f_${attr}`);
    };
    let spec: QuerySpec;
    const proposed = K.statusPrefix('proposed');
    if (q.order === 'score') {
      spec = this.indexSpec(indexNames.queueByScore, 'QPK', K.queuePK(q.projectId), 'QSCORE');
      if (q.documentId) addFilter('documentId', q.documentId);
      if (q.code) addFilter('code', q.code);
    } else if (q.code) {
      spec = this.indexSpec(indexNames.byCode, 'CPK', K.byCodePK(q.projectId, q.code), 'CSK', q.documentId ? `${proposed}${q.documentId}#` : proposed);
    } else if (q.documentId) {
      spec = this.indexSpec(indexNames.queue, 'QPK', K.queuePK(q.projectId), 'QSK', K.queueDocumentPrefix(q.documentId));
    } else if (q.categoryId) {
      spec = this.indexSpec(indexNames.byCategory, 'KPK', K.byCategoryPK(q.projectId, q.categoryId), 'KSK', proposed);
    } else if (q.respondent) {
      spec = this.indexSpec(indexNames.byRespondent, 'RPK', K.byRespondentPK(q.projectId, q.respondent), 'RSK', proposed);
    } else {
      spec = this.indexSpec(indexNames.queue, 'QPK', K.queuePK(q.projectId), 'QSK');
    }
    if (q.categoryId && spec.index !== indexNames.byCategory) addFilter('categoryId', q.categoryId);
    if (q.respondent && spec.index !== indexNames.byRespondent) addFilter('respondent', q.respondent);
    if (spec.index === indexNames.byCode || spec.index === indexNames.byCategory || spec.index === indexNames.byRespondent) {
      if (q.documentId && spec.index !== indexNames.byCode) addFilter('documentId', q.documentId);
    }
    if (filters.length) {
      spec = { ...spec, filter: filters.join(' AND '), names: { ...spec.names, ...names }, values: { ...spec.values, ...values } };
    }
    const out = await queryPage(this.db, spec, q);
    return { items: out.items.map((i) => strip<Coding>(i)), nextCursor: out.nextCursor };
  }

  async queryCodings(q: CodingQuery): Promise<Page<Coding>> {
    const status = q.status ?? 'all';
    const prefix = status === 'all' ? undefined : K.statusPrefix(status);
    let spec: QuerySpec;
    if ('code' in q.by) spec = this.indexSpec(indexNames.byCode, 'CPK', K.byCodePK(q.projectId, q.by.code), 'CSK', prefix);
    else if ('categoryId' in q.by) spec = this.indexSpec(indexNames.byCategory, 'KPK', K.byCategoryPK(q.projectId, q.by.categoryId), 'KSK', prefix);
    else if ('respondent' in q.by) spec = this.indexSpec(indexNames.byRespondent, 'RPK', K.byRespondentPK(q.projectId, q.by.respondent), 'RSK', prefix);
    else {
      spec = { ...this.prefixSpec(q.by.documentId, K.codingPrefix), filter: '#proj = :proj', consistent: false };
      spec.names['#proj'] = 'projectId';
      spec.values[':proj'] = q.projectId;
      if (status !== 'all') {
        spec.filter += ' AND #st = :st';
        spec.names['#st'] = 'status';
        spec.values[':st'] = status;
      }
    }
    const out = await queryPage(this.db, spec, q);
    return { items: out.items.map((i) => strip<Coding>(i)), nextCursor: out.nextCursor };
  }

  private indexSpec(index: string, pkName: string, pk: string, skName: string, skPrefix?: string): QuerySpec {
    return {
      table: this.tableName,
      index,
      keyCondition: skPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
      names: skPrefix ? { '#pk': pkName, '#sk': skName } : { '#pk': pkName },
      values: skPrefix ? { ':pk': pk, ':prefix': skPrefix } : { ':pk': pk },
    };
  }

  async auditTrail(q: AuditQuery): Promise<Page<AuditEvent>> {
    const spec: QuerySpec = q.documentId
      ? this.indexSpec(indexNames.lists, 'LPK', K.documentAuditPK(q.projectId, q.documentId), 'LSK')
      : { table: this.tableName, keyCondition: '#pk = :pk', names: { '#pk': 'PK' }, values: { ':pk': K.projectAuditPK(q.projectId) }, consistent: true };
    const out = await queryPage(this.db, spec, q);
    return { items: out.items.map((i) => strip<AuditEvent>(i)), nextCursor: out.nextCursor };
  }
}

const versionIs = (v: number) => ({ ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': v } });

/** A stored batch record as the domain sees it (the documents set becomes a sorted list). */
function batchFrom(item: Item): BulkBatch {
  const b = strip<BulkBatch & { documents?: Set<string> | string[] }>(item);
  return { ...b, count: Number(b.count ?? 0), confidenceSum: Number(b.confidenceSum ?? 0), documents: [...(b.documents ?? [])].sort() };
}

function changeRef(c: CodingChange): CodingRef {
  const r = c.kind === 'delete' ? c.ref : c.coding;
  return { documentId: r.documentId, segmentIndex: r.segmentIndex, code: r.code };
}
