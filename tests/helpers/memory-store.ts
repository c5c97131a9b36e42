// An in-memory implementation of the storage ports (lib/coding/ports.ts) for fast unit tests of the use
// cases. It keeps the conditions the DynamoDB adapter keeps: every coding write names the version it
// read (null: absent) and fails as a conflict otherwise; writes of one document's codings take the
// document's lock (a counter: a plan that read before another write committed plans again, at most
// WRITE_ATTEMPTS times, then onBusy); a bulk accept's entries are written only while its batch is
// applying; a claim is written only over the record it was decided on. Reads
// hand out copies, so a caller cannot change what is stored. Orders follow the DynamoDB keys (keys.ts).
import { QualtagError } from '../../lib/errors.js';
import type { DocumentStatus, Segment } from '../../lib/model.js';
import {
  undoStackOnNewText,
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
  type CodebookVersion,
  type DocumentCounts,
  type DocumentFilter,
  type DocumentRecord,
  type DocumentUpdate,
  type ExportJob,
  type ExportJobUpdate,
  type NewProject,
  type Page,
  type PageRequest,
  type Project,
  type ProjectSettings,
  type ReviewQueueQuery,
  type SegmentRecord,
  type Store,
} from '../../lib/coding/index.js';
import type { BulkBatchUpdate, CodingWritePlan, LockedCodings, StoredCoding } from '../../lib/coding/ports.js';
import type { DocumentAggregate } from '../../lib/report/aggregate.js';
import { aggregateRules } from '../../lib/report/aggregate-rules.js';
import { codingIndexKeys, pos } from '../../lib/store/keys.js';

const WRITE_ATTEMPTS = 8;
const now = (): string => new Date().toISOString();
const copy = <T>(x: T): T => structuredClone(x);
const keyOf = (r: CodingRef): string => `${r.documentId}\u0000${pos(r.segmentIndex)}\u0000${r.code}`;
const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

function page<T>(all: readonly T[], req: PageRequest = {}): Page<T> {
  const limit = req.limit ?? 50;
  if (limit < 1 || limit > 500) throw new QualtagError('BAD_REQUEST', `limit ${limit} is not between 1 and 500`, 'Ask for 1 to 500 items');
  const offset = req.cursor === undefined ? 0 : Number(/^m(\d+)$/.exec(req.cursor)?.[1] ?? NaN);
  if (!Number.isInteger(offset)) throw new QualtagError('BAD_REQUEST', 'the cursor is not valid', 'Pass back the cursor of the previous page');
  const items = all.slice(offset, offset + limit).map(copy);
  return { items, nextCursor: offset + limit < all.length ? `m${offset + limit}` : null };
}

const notFound = (what: string, hint: string): QualtagError => new QualtagError('NOT_FOUND', `${what} does not exist`, hint);

export class MemoryStore implements Store {
  readonly movesPerTransaction = 33;
  private readonly projects = new Map<string, Project>();
  private readonly codebooks = new Map<string, CodebookVersion>();
  private readonly documents = new Map<string, DocumentRecord>();
  private readonly segments = new Map<string, Map<number, SegmentRecord>>();
  private readonly codings = new Map<string, StoredCoding>();
  private readonly audit: AuditEvent[] = [];
  private readonly batches = new Map<string, BulkBatch>();
  private readonly batchEntries = new Map<string, BatchEntry[]>();
  private readonly exportJobs = new Map<string, ExportJob>();
  /** The per-document write lock: bumped by every committed coding write. */
  private readonly locks = new Map<string, number>();

  // ------------------------------------------------------------------------------------------ projects

  async createProject(p: NewProject): Promise<Project> {
    if (this.projects.has(p.id)) throw new QualtagError('CONFLICT', `project "${p.id}" already exists`, 'Choose another project id');
    const project: Project = {
      id: p.id,
      name: p.name,
      members: [...new Set(p.members)].sort(),
      settings: p.settings ?? {},
      createdAt: now(),
      createdBy: p.createdBy,
    };
    this.projects.set(p.id, project);
    return copy(project);
  }

  async getProject(projectId: string): Promise<Project | null> {
    const p = this.projects.get(projectId);
    return p ? copy(p) : null;
  }

  async listProjectsForUser(userId: string, req?: PageRequest): Promise<Page<Project>> {
    return page([...this.projects.values()].filter((p) => p.members.includes(userId)).sort(byKey((p) => p.id)), req);
  }

  async addMember(projectId: string, userId: string): Promise<void> {
    const p = this.requireProject(projectId);
    p.members = [...new Set([...p.members, userId])].sort();
  }

  async removeMember(projectId: string, userId: string): Promise<void> {
    const p = this.requireProject(projectId);
    p.members = p.members.filter((m) => m !== userId);
  }

  async updateSettings(projectId: string, settings: ProjectSettings): Promise<Project> {
    const p = this.requireProject(projectId);
    p.settings = copy(settings);
    return copy(p);
  }

  async documentCounts(projectId: string): Promise<DocumentCounts> {
    const byStatus: Partial<Record<DocumentStatus, number>> = {};
    let total = 0;
    for (const d of this.documents.values()) {
      if (d.projectId !== projectId) continue;
      byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
      total++;
    }
    return { total, byStatus };
  }

  private requireProject(projectId: string): Project {
    const p = this.projects.get(projectId);
    if (!p) throw notFound(`project "${projectId}"`, 'Check the project id');
    return p;
  }

  // ----------------------------------------------------------------------------------------- codebooks

  async putCodebookVersion(v: Omit<CodebookVersion, 'createdAt'> & { createdAt?: string }, opts: { expectedCurrent?: string } = {}): Promise<CodebookVersion> {
    const project = this.projects.get(v.projectId);
    if (!project) throw notFound(`project "${v.projectId}"`, 'Create the project first');
    const key = `${v.projectId}\u0000${v.version}`;
    const stored = this.codebooks.get(key) ?? { ...copy(v), createdAt: v.createdAt ?? now() };
    this.codebooks.set(key, stored);
    if (opts.expectedCurrent !== undefined && project.currentCodebookVersion !== opts.expectedCurrent) {
      throw new QualtagError(
        'CONFLICT',
        `the codebook changed meanwhile (now version ${project.currentCodebookVersion ?? 'none'}, not ${opts.expectedCurrent})`,
        'Reload and make the change again on the current version',
        'codebook',
      );
    }
    project.currentCodebookVersion = v.version;
    return copy(stored);
  }

  async getCodebookVersion(projectId: string, version: string): Promise<CodebookVersion | null> {
    const v = this.codebooks.get(`${projectId}\u0000${version}`);
    return v ? copy(v) : null;
  }

  async getCurrentCodebook(projectId: string): Promise<CodebookVersion | null> {
    const current = this.projects.get(projectId)?.currentCodebookVersion;
    return current ? this.getCodebookVersion(projectId, current) : null;
  }

  async listCodebookVersions(projectId: string, req?: PageRequest): Promise<Page<CodebookVersion>> {
    const versions = [...this.codebooks.values()]
      .filter((v) => v.projectId === projectId)
      .sort(byKey((v) => `${v.createdAt}#${v.version}`))
      .reverse();
    return page(versions, req);
  }

  // ----------------------------------------------------------------------------------------- documents

  async putClaim(doc: DocumentRecord, seen: DocumentRecord | null): Promise<boolean> {
    const stored = this.documents.get(doc.id);
    const unchanged = seen ? stored?.sourceVersion === seen.sourceVersion && stored.status === seen.status : !stored;
    if (!unchanged) return false;
    this.documents.set(doc.id, copy(doc));
    return true;
  }

  async updateDocument(projectId: string, documentId: string, update: DocumentUpdate): Promise<DocumentRecord> {
    const d = this.documents.get(documentId);
    if (!d || d.projectId !== projectId) throw notFound(`document ${documentId} in project ${projectId}`, 'Upload it again');
    const next: Record<string, unknown> = { ...d, updatedAt: now() };
    for (const [k, v] of Object.entries(update)) {
      if (v === undefined) delete next[k];
      else next[k] = copy(v);
    }
    // A FAILED or re-extracted document loses the reason of an earlier failure.
    if (update.status && update.status !== 'FAILED' && !('reason' in update)) delete next.reason;
    this.documents.set(documentId, next as unknown as DocumentRecord);
    return copy(next as unknown as DocumentRecord);
  }

  async getDocument(documentId: string): Promise<DocumentRecord | null> {
    const d = this.documents.get(documentId);
    return d ? copy(d) : null;
  }

  async listDocuments(projectId: string, req?: PageRequest, filter: DocumentFilter = {}): Promise<Page<DocumentRecord>> {
    const docs = [...this.documents.values()].filter((d) => d.projectId === projectId && (!filter.status || d.status === filter.status));
    return page(docs.sort(byKey((d) => `${d.fileName}#${d.id}`)), req);
  }

  async putSegments(projectId: string, documentId: string, segments: Segment[], previousCount = 0): Promise<void> {
    const stored = this.segments.get(documentId) ?? new Map<number, SegmentRecord>();
    for (const s of segments) stored.set(s.index, { ...copy(s), projectId, documentId });
    for (let i = segments.length; i < previousCount; i++) stored.delete(i);
    this.segments.set(documentId, stored);
  }

  async listSegments(documentId: string, req?: PageRequest): Promise<Page<SegmentRecord>> {
    return page(
      [...(this.segments.get(documentId)?.values() ?? [])].sort((a, b) => a.index - b.index),
      req,
    );
  }

  async getSegment(documentId: string, segmentIndex: number): Promise<SegmentRecord | null> {
    const s = this.segments.get(documentId)?.get(segmentIndex);
    return s ? copy(s) : null;
  }

  async removeDocument(document: DocumentRecord, events: AuditEvent[]): Promise<void> {
    this.audit.push(...copy(events));
    for (const s of this.documentCodings(document.id)) this.codings.delete(keyOf(s.coding));
    this.segments.delete(document.id);
    this.bump(document.id);
    if (this.documents.get(document.id)?.status !== document.status) {
      throw new QualtagError('CONFLICT', `"${document.fileName}" changed while it was being deleted`, 'Delete it again');
    }
    this.documents.delete(document.id);
  }

  // ------------------------------------------------------------------------------------------- codings

  private documentCodings(documentId: string, segmentIndex?: number): StoredCoding[] {
    return [...this.codings.values()]
      .filter((s) => s.coding.documentId === documentId && (segmentIndex === undefined || s.coding.segmentIndex === segmentIndex))
      .sort(byKey((s) => keyOf(s.coding)));
  }

  async getCoding(ref: CodingRef): Promise<Coding | null> {
    const s = this.codings.get(keyOf(ref));
    return s ? copy(s.coding) : null;
  }

  async listDocumentCodings(documentId: string): Promise<Coding[]> {
    return this.documentCodings(documentId).map((s) => copy(s.coding));
  }

  /**
   * The document's lock: `plan` runs on what is stored, and `commit` applies its outcome only if no other
   * write of the document committed meanwhile (else plan again). Nothing awaits between check and commit.
   */
  private async locked<P, R>(documentId: string, plan: () => Promise<P>, commit: (p: P) => R | Promise<R>, busy?: (p: P) => R | Promise<R>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      const seen = this.locks.get(documentId) ?? 0;
      const p = await plan();
      if ((this.locks.get(documentId) ?? 0) === seen) return commit(p);
      if (attempt + 1 >= WRITE_ATTEMPTS) {
        if (busy) return busy(p);
        throw new QualtagError('CONFLICT', `the codings of document ${documentId} kept changing`, 'Try again');
      }
    }
  }

  private bump(documentId: string): void {
    this.locks.set(documentId, (this.locks.get(documentId) ?? 0) + 1);
  }

  async writeDocumentCodings<R>(documentId: string, plan: (read: LockedCodings) => Promise<CodingWritePlan<R>>): Promise<R> {
    // A yield per read, as a database round trip: concurrent plans interleave as they do against DynamoDB.
    const read: LockedCodings = {
      at: async (i) => {
        await Promise.resolve();
        return this.documentCodings(documentId, i).map(copy);
      },
      all: async () => {
        await Promise.resolve();
        return this.documentCodings(documentId).map(copy);
      },
    };
    return this.locked(
      documentId,
      () => plan(read),
      async (p) => {
        if (p.writes.length === 0) return p.result;
        const batch = p.batchEntries && this.batches.get(`${p.batchEntries.batch.projectId}\u0000${p.batchEntries.batch.id}`);
        if (p.batchEntries && batch?.state !== 'applying')
          throw new QualtagError('CONFLICT', `bulk accept ${p.batchEntries.batch.id} is no longer being applied (it was undone)`, 'Run the bulk accept again');
        const failed = p.writes.flatMap((w, i) =>
          (this.codings.get(keyOf(w.kind === 'put' ? w.coding : w.ref))?.coding.version ?? null) === w.expectedVersion ? [] : [i],
        );
        if (failed.length) {
          if (p.onConflict) return p.onConflict(failed);
          throw new QualtagError('CONFLICT', 'the codings changed while they were written', 'Reload and try again');
        }
        for (const w of p.writes) {
          if (w.kind === 'put') this.codings.set(keyOf(w.coding), { coding: copy(w.coding), undoStack: copy(w.undoStack) });
          else this.codings.delete(keyOf(w.ref));
        }
        this.audit.push(...copy(p.events));
        if (batch && p.batchEntries) {
          const entries = copy(p.batchEntries.entries);
          const listKey = `${documentId}\u0000${batch.id}`;
          this.batchEntries.set(listKey, [...(this.batchEntries.get(listKey) ?? []), ...entries]);
          batch.count += entries.length;
          batch.confidenceSum += entries.reduce((s, e) => s + e.confidence, 0);
          if (!batch.documents.includes(documentId)) batch.documents.push(documentId);
        }
        this.bump(documentId);
        return p.result;
      },
      async (p) => (p.onBusy ? p.onBusy() : Promise.reject(new QualtagError('CONFLICT', 'the document is busy', 'Try again'))),
    );
  }

  async applyCodingChanges(changes: CodingChange[]): Promise<ApplyResult> {
    const result: ApplyResult = { written: 0, conflicts: [] };
    for (const c of changes) {
      const ref = c.kind === 'put' ? c.coding : c.ref;
      const stored = this.codings.get(keyOf(ref));
      if ((stored?.coding.version ?? null) !== c.expectedVersion) {
        result.conflicts.push({ documentId: ref.documentId, segmentIndex: ref.segmentIndex, code: ref.code });
        continue;
      }
      // The tagger writes proposals: their undo stack (none) is replaced with the coding.
      if (c.kind === 'put') this.codings.set(keyOf(c.coding), { coding: copy(c.coding), undoStack: [] });
      else this.codings.delete(keyOf(c.ref));
      this.bump(ref.documentId);
      result.written++;
    }
    return result;
  }

  async moveCodings(batches: CodingMove[][]): Promise<ApplyResult> {
    const result: ApplyResult = { written: 0, conflicts: [] };
    for (const batch of batches) {
      if (batch.length === 0) continue;
      const version = (r: CodingRef): number | null => this.codings.get(keyOf(r))?.coding.version ?? null;
      const leaving = new Map(batch.map((m) => [keyOf(m.from), m]));
      const arriving = new Set(batch.map((m) => keyOf(m.to)));
      const ok = batch.every((m) => {
        if (version(m.from) !== m.from.version) return false;
        const displaced = leaving.get(keyOf(m.to));
        const want = displaced ? displaced.from.version : (m.replacesVersion ?? null);
        return version(m.to) === want;
      });
      if (!ok) {
        result.conflicts.push(...batch.map((m) => ({ documentId: m.from.documentId, segmentIndex: m.from.segmentIndex, code: m.from.code })));
        return result;
      }
      const stacks = batch.map((m) => undoStackOnNewText(this.codings.get(keyOf(m.from))!.undoStack, m.from.segmentText, m.to.segmentText));
      for (const m of batch) if (!arriving.has(keyOf(m.from))) this.codings.delete(keyOf(m.from));
      batch.forEach((m, i) => {
        this.codings.set(keyOf(m.to), { coding: copy(m.to), undoStack: stacks[i]! });
      });
      this.audit.push(...batch.flatMap((m) => (m.event ? [copy(m.event)] : [])));
      this.bump(batch[0]!.from.documentId);
      result.written += batch.length;
    }
    return result;
  }

  // --------------------------------------------------------------------------------------- bulk accept

  async getBulkBatch(projectId: string, batchId: string): Promise<BulkBatch | null> {
    const b = this.batches.get(`${projectId}\u0000${batchId}`);
    return b ? { ...copy(b), documents: [...b.documents].sort() } : null;
  }

  async createBulkBatch(batch: BulkBatch): Promise<void> {
    const key = `${batch.projectId}\u0000${batch.id}`;
    if (this.batches.has(key)) throw new QualtagError('CONFLICT', `bulk accept ${batch.id} exists already`, 'Use a new batch id');
    this.batches.set(key, { ...copy(batch), documents: [] });
  }

  async updateBulkBatch(projectId: string, batchId: string, update: BulkBatchUpdate, expectedState?: BatchState): Promise<BulkBatch | null> {
    const batch = this.batches.get(`${projectId}\u0000${batchId}`);
    if (!batch || (expectedState !== undefined && batch.state !== expectedState)) return null;
    for (const [k, v] of Object.entries(update)) if (v !== undefined) Object.assign(batch, { [k]: v });
    return this.getBulkBatch(projectId, batchId);
  }

  async bulkBatchEntries(documentId: string, batchId: string): Promise<BatchEntry[]> {
    return copy(this.batchEntries.get(`${documentId}\u0000${batchId}`) ?? []);
  }

  // ------------------------------------------------------------------------------------------- queries

  async reviewQueue(q: ReviewQueueQuery): Promise<Page<Coding>> {
    const proposals = [...this.codings.values()]
      .map((s) => s.coding)
      .filter(
        (c) =>
          c.projectId === q.projectId &&
          c.status === 'proposed' &&
          (q.code === undefined || c.code === q.code) &&
          (q.categoryId === undefined || c.categoryId === q.categoryId) &&
          (q.documentId === undefined || c.documentId === q.documentId) &&
          (q.respondent === undefined || c.respondent === q.respondent),
      );
    return page(proposals.sort(byKey((c) => (q.order === 'score' ? codingIndexKeys(c).QSCORE! : codingIndexKeys(c).QSK!))), q);
  }

  async queryCodings(q: CodingQuery): Promise<Page<Coding>> {
    const status = q.status ?? 'all';
    const by = q.by;
    const matches = [...this.codings.values()]
      .map((s) => s.coding)
      .filter(
        (c) =>
          c.projectId === q.projectId &&
          (status === 'all' || c.status === status) &&
          ('code' in by
            ? c.code === by.code
            : 'categoryId' in by
              ? c.categoryId === by.categoryId
              : 'respondent' in by
                ? c.respondent === by.respondent
                : c.documentId === by.documentId),
      );
    const sortKey = (c: Coding): string => ('documentId' in by ? keyOf(c) : 'code' in by ? codingIndexKeys(c).CSK! : codingIndexKeys(c).KSK!);
    return page(matches.sort(byKey(sortKey)), q);
  }

  async auditTrail(q: AuditQuery): Promise<Page<AuditEvent>> {
    const events = this.audit.filter((e) => e.projectId === q.projectId && (q.documentId === undefined || e.documentId === q.documentId));
    // Oldest first; events of one millisecond in the order they were written (the sort is stable).
    return page([...events].sort(byKey((e) => e.at)), q);
  }

  /** Recomputed from the codings and the trail on every call: what the DynamoDB adapter's kept aggregates must equal. */
  async documentAggregates(documentIds: readonly string[]): Promise<Map<string, DocumentAggregate>> {
    const out = new Map<string, DocumentAggregate>();
    for (const id of documentIds) {
      const events = this.audit.filter((e) => e.documentId === id).sort(byKey((e) => e.at));
      out.set(
        id,
        aggregateRules.build(
          this.documentCodings(id).map((s) => s.coding),
          events,
        ),
      );
    }
    return out;
  }

  // --------------------------------------------------------------------------------------- export jobs

  async createExportJob(job: ExportJob): Promise<void> {
    const key = `${job.projectId}\u0000${job.id}`;
    if (this.exportJobs.has(key)) throw new QualtagError('CONFLICT', `export job ${job.id} exists already`, 'Use a new job id');
    this.exportJobs.set(key, copy(job));
  }

  async getExportJob(projectId: string, jobId: string): Promise<ExportJob | null> {
    const j = this.exportJobs.get(`${projectId}\u0000${jobId}`);
    return j ? copy(j) : null;
  }

  async updateExportJob(projectId: string, jobId: string, update: ExportJobUpdate): Promise<void> {
    const j = this.exportJobs.get(`${projectId}\u0000${jobId}`);
    if (!j) throw notFound(`export job ${jobId}`, 'Start the export again');
    Object.assign(j, copy(update), { updatedAt: now() });
  }
}

/** A fresh in-memory store, shaped like testStore (helpers/services.ts) for the shared use-case suite. */
export const memoryStore = async (): Promise<MemoryStore> => new MemoryStore();
