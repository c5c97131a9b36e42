// The route handlers: each checks membership, calls the store ports, and shapes the answer with the
// contract's types. No AWS here: the store and blob adapters come in through ApiDeps.
import { allCodes, assertCodebookFits, loadCodebook } from '../codebook/index.js';
import { QualtagError } from '../errors.js';
import type { Codebook } from '../model.js';
import type { ReportOptions } from '../report/reports.js';
import { aggregatedReportInput } from '../report/input.js';
import { reportKinds, reportOf, reportsFromAggregates, reportTablesFromAggregates } from '../report/registry.js';
import { UPLOAD_PREFIX } from '../config.js';
// The module itself, not the pipeline index: that would bundle extraction into the api function.
import { requestLearningRetag, requestRetag } from '../pipeline/retag.js';
import {
  type AuditEvent,
  type BlobStore,
  type Coding,
  type CodingFilter,
  codingHistory,
  codingId,
  type DocumentRecord,
  type ExportJob,
  type ExportQueue,
  isDetached,
  parseCodingId,
  type Project,
  type SegmentRecord,
  type Store,
  type TagQueue,
} from '../coding/index.js';
import { assertProjectId } from '../coding/upload-key.js';
import { normaliseRespondent } from '../segment/speakers.js';
import { compileTagger } from '../tag/index.js';
import { learnRuleTerms } from '../tag/learn.js';
import { decide } from '../review/decide.js';
import { BATCH_ID, estimatedPrecision, newBatchId, selectForBulk } from '../review/bulk.js';
import { bulkAccept, undoBulkAccept } from '../review/bulk-accept.js';
import { reviewQueue as queuePage } from '../review/queue.js';
import { requireMember, requireOwner } from './auth.js';
import { DEAD_LETTERS_UNAVAILABLE_HINT, letterMatcher, projectDeadLetters, type DeadLetterSource } from './dead-letters.js';
import { reviewedPassages, suggestionsView, withAddedTerms } from './rule-suggestions.js';
import { all } from '../paging.js';
import { mapLimit, projectCodings } from '../review/reviewed-codings.js';
import { ReadCache } from './cache.js';
import { buildExport } from '../export/build.js';
import { runExportJob } from '../export/job.js';
import {
  exportContentTypes,
  type ExportFormat,
  type BulkAcceptResult,
  type BulkUndoResultView,
  type CodedSegment,
  type CodingCounts,
  type DecisionBody,
  type DecisionResultView,
  type QueueItem,
  type ReportQuery,
} from './contract.js';
import { download, json } from './http.js';
import { applyImportedDocument, readExchange, startImport } from '../import/apply.js';
import { importKey } from '../import/plan.js';
import { randomUUID } from 'node:crypto';
import { exportJobView, toAuditEventView, toCodingView, toProjectView, toCodedSegment, toDocumentSummary, toSegmentView, segmentOfCoding } from './mappers.js';
import type { Handlers } from './router.js';
import { deleteDocument } from '../review/delete-document.js';

export interface ApiDeps {
  store: Store;
  blobs: BlobStore;
  tagQueue: TagQueue;
  /** Where export jobs go (SQS on AWS, the local stack's queue); absent: run in this process. */
  exportQueue?: ExportQueue;
  /** Shown by GET /health. */
  version?: string;
  now?: () => Date;
  /** Read cache lifetime in ms for membership, the review queue and coded segments (default 1000; 0 turns it off). */
  cacheTtlMs?: number;
  /** Re-tag the project's other documents after a decision (lib/pipeline/retag.ts); on in `qualtag up` and on AWS. */
  learnFromDecisions?: boolean;
  /** The stack's dead-letter list (`qualtag up`); absent on AWS, where they wait in the SQS DLQs. */
  deadLetters?: DeadLetterSource;
}

function codingCounts(codings: readonly Coding[]): CodingCounts {
  const counts: CodingCounts = { proposed: 0, accepted: 0, rejected: 0 };
  for (const c of codings) counts[c.status]++;
  return counts;
}

export function createHandlers(deps: ApiDeps): Handlers {
  const { store, blobs } = deps;
  // Without a queue (tests, a bare local server) the job runs in this process after the answer.
  const exportQueue: ExportQueue = deps.exportQueue ?? {
    send: async (req) => {
      void runExportJob({ store, blobs }, req).catch((e: unknown) =>
        store.updateExportJob(req.projectId, req.jobId, { state: 'failed', reason: e instanceof Error ? e.message : String(e) }).catch(() => {}),
      );
    },
  };
  const now = () => (deps.now ? deps.now() : new Date());
  const cache = new ReadCache(deps.cacheTtlMs ?? 1000);
  // A decision teaches the ranker: the project's other documents are re-tagged in the background.
  const learnFrom = (projectId: string, documentId: string) =>
    deps.learnFromDecisions &&
    requestLearningRetag(deps, projectId, documentId, (e) =>
      process.stderr.write(`qualtag: re-tag after a decision failed: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  const member = (projectId: string, userId: string) =>
    requireMember({ getProject: (id) => cache.get(id, 'project', () => store.getProject(id)) }, projectId, userId);

  // Documents never move between projects and a document id never changes its file name, so their
  // project and name can be remembered for the life of the process.
  const docInfo = new Map<string, { projectId: string; name: string }>();
  async function documentIn(projectId: string, documentId: string): Promise<DocumentRecord> {
    const d = await store.getDocument(documentId);
    if (!d || d.projectId !== projectId) {
      throw new QualtagError(
        'NOT_FOUND',
        `document "${documentId}" does not exist in project "${projectId}"`,
        'List the documents with GET /projects/{projectId}/documents',
        'documentId',
      );
    }
    if (docInfo.size > 10_000) docInfo.clear();
    docInfo.set(d.id, { projectId: d.projectId, name: d.fileName });
    return d;
  }
  async function documentName(projectId: string, documentId: string): Promise<string> {
    const known = docInfo.get(documentId);
    if (known && known.projectId === projectId) return known.name;
    return (await documentIn(projectId, documentId)).fileName;
  }
  async function namesFor(projectId: string, codings: readonly Coding[]): Promise<Map<string, string>> {
    const ids = [...new Set(codings.map((c) => c.documentId))];
    const names = await Promise.all(ids.map((id) => documentName(projectId, id)));
    return new Map(ids.map((id, i) => [id, names[i]!]));
  }

  /**
   * A respondent filter as people write it (`R6`, `respondent 6`, `Resp. 6`) → as segments store it
   * (`Respondent 6`); a name the project's documents list as written (data imported as is) stays.
   */
  async function withRespondentAsStored<Q extends { respondent?: string | undefined }>(projectId: string, q: Q): Promise<Q> {
    const raw = q.respondent?.trim();
    if (!raw) return q;
    const normal = normaliseRespondent(raw) ?? raw;
    if (normal === raw) return { ...q, respondent: raw };
    const known = await cache.get(
      projectId,
      'respondents',
      async () => new Set((await all((p) => store.listDocuments(projectId, p))).flatMap((d) => d.respondents ?? [])),
    );
    return { ...q, respondent: known.has(raw) && !known.has(normal) ? raw : normal };
  }

  /** A segment of the document's current text, or 404 naming the field. */
  async function segmentOf(documentId: string, segmentId: string): Promise<SegmentRecord> {
    const segment = (await all((p) => store.listSegments(documentId, p))).find((s) => s.id === segmentId);
    if (!segment)
      throw new QualtagError(
        'NOT_FOUND',
        `segment "${segmentId}" is not in document "${documentId}"`,
        'Use a segment id from GET /projects/{projectId}/documents/{documentId}',
        'body.segmentId',
      );
    return segment;
  }

  async function currentCodebook(projectId: string): Promise<Codebook | null> {
    return (await store.getCurrentCodebook(projectId))?.codebook ?? null;
  }

  /** Every coding of every document of the project (reports and exports). */
  async function projectData(projectId: string): Promise<{ docs: DocumentRecord[]; codings: Coding[] }> {
    return projectCodings(store, projectId);
  }

  const aggregatedInput = (projectId: string) => aggregatedReportInput(store, projectId);

  const reportOptions = (q: ReportQuery): ReportOptions => ({
    status: q.status,
    ...(q.category ? { category: q.category } : {}),
    thresholds: { high: q.high, moderate: q.moderate },
    ...(q.reviewerA ? { reviewerA: q.reviewerA } : {}),
    ...(q.reviewerB ? { reviewerB: q.reviewerB } : {}),
  });

  async function decideIn(projectId: string, userId: string, body: DecisionBody): Promise<DecisionResultView> {
    await documentIn(projectId, body.documentId);
    if (body.action === 'add') {
      const cb = await currentCodebook(projectId);
      const code = cb ? allCodes(cb).find((c) => c.id === body.code) : undefined;
      if (!code)
        throw new QualtagError(
          'BAD_REQUEST',
          `code "${body.code}" is not in the project's current codebook`,
          'Choose a code from GET /projects/{projectId}/codebook',
          'body.code',
        );
      const segment = await segmentOf(body.documentId, body.segmentId);
      if (body.span && body.span.end > segment.text.length) {
        throw new QualtagError(
          'BAD_REQUEST',
          `span ${body.span.start}..${body.span.end} runs past the segment (${segment.text.length} characters)`,
          'Give offsets into the segment text',
          'body.span',
        );
      }
      const ref = { documentId: body.documentId, segmentIndex: segment.index, code: body.code };
      // Turning an existing (e.g. rejected) proposal into the reviewer's coding takes its version, read under the lock.
      const r = await decide(
        store,
        { ...ref, projectId: projectId, action: 'add', expectedVersion: null, userId, categoryId: code.categoryId, ...(body.span ? { span: body.span } : {}) },
        { segment, codebookVersion: cb!.version, versionFromCurrent: true },
      );
      return { coding: r.coding ? toCodingView(r.coding) : null, audit: toAuditEventView(r.event) };
    }
    const ref = parseCodingId(body.codingId);
    if (ref.documentId !== body.documentId) {
      throw new QualtagError(
        'BAD_REQUEST',
        `coding "${body.codingId}" does not belong to document "${body.documentId}"`,
        'Send the documentId of the coding',
        'body.codingId',
      );
    }
    let place = {};
    let target: SegmentRecord | undefined;
    if (body.action === 'place') {
      // The target segment of the current text; the decision checks the span against it.
      const segment = await segmentOf(body.documentId, body.segmentId);
      place = { to: { segmentIndex: segment.index }, ...(body.span ? { span: body.span } : {}) };
      target = segment;
    }
    const r = await decide(
      store,
      { ...ref, projectId: projectId, action: body.action, expectedVersion: body.version, userId, ...place },
      target ? { segment: target } : {},
    );
    return { coding: r.coding ? toCodingView(r.coding) : null, audit: toAuditEventView(r.event) };
  }

  /** Loads a codebook file's text (the loader validates it), stores it as the current version and re-tags. */
  async function storeCodebook(
    project: Project,
    content: string,
    fileName: string,
    userId: string,
    retag: boolean,
    previous = project.currentCodebookVersion,
    expectCurrent = false,
  ) {
    const { codebook, warnings } = loadCodebook(content, fileName);
    assertCodebookFits(codebook, content);
    const existed = await store.getCodebookVersion(project.id, codebook.version);
    const opts = expectCurrent && previous !== undefined ? { expectedCurrent: previous } : {};
    await store.putCodebookVersion({ projectId: project.id, version: codebook.version, codebook, sourceText: content, fileName, createdBy: userId }, opts);
    cache.invalidate(project.id);
    const changed = previous !== codebook.version;
    const documents = retag && changed ? await requestRetag(deps, project.id) : 0;
    return { codebook, warnings, created: !existed, retag: { requested: retag && changed, documents } };
  }

  const assertImportId = (id: string): string => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
      throw new QualtagError(
        'BAD_REQUEST',
        `"${id.slice(0, 60)}" is not an import id`,
        'Use the importId from POST /projects/{projectId}/imports',
        'path.importId',
      );
    }
    return id;
  };

  return {
    health: async () => ({ ok: true as const, version: deps.version ?? '0.1.0' }),
    me: async ({ userId }) => ({ userId }),

    listProjects: async ({ userId }) => ({ items: (await all((p) => store.listProjectsForUser(userId, p))).map((p) => toProjectView(p, userId)) }),

    createProject: async ({ userId, body }) => {
      // The store refuses an existing id (409); the caller is the first member.
      const project = await store.createProject({
        id: assertProjectId(body.id),
        name: body.name ?? body.id,
        members: [userId],
        createdBy: userId,
        ...(body.unit ? { settings: { unit: body.unit } } : {}),
      });
      cache.invalidate(project.id);
      return toProjectView(project, userId);
    },

    addMember: async ({ userId, params, body }) => {
      const project = await member(params.projectId!, userId);
      if (!project.members.includes(body.userId)) await store.addMember(project.id, body.userId);
      cache.invalidate(project.id);
      const members = project.members.includes(body.userId) ? project.members : [...project.members, body.userId].sort();
      return { projectId: project.id, members };
    },

    deadLetters: async ({ userId, params }) => {
      const project = requireOwner(await member(params.projectId!, userId), userId);
      if (!deps.deadLetters) return { source: 'unavailable' as const, items: [], hint: DEAD_LETTERS_UNAVAILABLE_HINT };
      const letters = deps.deadLetters.list();
      const items = projectDeadLetters(letters, project.id);
      // Tag letters name a document id: show its file name.
      const ids = [...new Set(items.filter((d) => d.queue === 'tag' && d.documentId).map((d) => d.documentId!))];
      const docs = await Promise.all(ids.map((id) => store.getDocument(id)));
      const names = new Map(docs.flatMap((d) => (d && d.projectId === project.id ? [[d.id, d.fileName] as const] : [])));
      return { source: 'local' as const, items: projectDeadLetters(letters, project.id, names) };
    },

    retryDeadLetters: async ({ userId, params, body }) => {
      const project = requireOwner(await member(params.projectId!, userId), userId);
      if (!deps.deadLetters)
        throw new QualtagError('BAD_REQUEST', 'this deployment keeps no dead-letter list the API can retry', DEAD_LETTERS_UNAVAILABLE_HINT);
      return { retried: deps.deadLetters.retry(letterMatcher(project.id, body.ids)) };
    },

    getProject: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      // One item, however many documents (kept by every status change).
      const counts = await store.documentCounts(project.id);
      return { ...toProjectView(project, userId), documents: counts.total, documentsByStatus: counts.byStatus };
    },

    uploadUrl: async ({ userId, params, body }) => {
      const project = await member(params.projectId!, userId);
      const key = `${UPLOAD_PREFIX}${project.id}/${body.fileName}`;
      const contentType = body.contentType ?? 'application/octet-stream';
      const expiresIn = 15 * 60;
      const url = await blobs.presignUpload(key, contentType, expiresIn);
      return {
        url,
        method: 'PUT' as const,
        headers: { 'content-type': contentType },
        key,
        expiresAt: new Date(now().getTime() + expiresIn * 1000).toISOString(),
      };
    },

    listDocuments: async ({ userId, params, query }) => {
      const project = await member(params.projectId!, userId);
      const page = await store.listDocuments(
        project.id,
        { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
        query.status ? { status: query.status } : {},
      );
      const counts = query.counts === 'true' ? await mapLimit(page.items, 4, async (d) => codingCounts(await store.listDocumentCodings(d.id))) : null;
      return { items: page.items.map((d, i) => ({ ...toDocumentSummary(d), ...(counts ? { counts: counts[i]! } : {}) })), nextCursor: page.nextCursor };
    },

    deleteDocument: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const doc = await documentIn(project.id, params.documentId!);
      try {
        const r = await deleteDocument(store, project.id, doc.id, userId);
        return { documentId: doc.id, name: doc.fileName, segments: r.segments, codings: r.codings, auditEventId: r.event.id };
      } finally {
        docInfo.delete(doc.id);
        cache.invalidate(project.id);
      }
    },

    getDocument: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const doc = await documentIn(project.id, params.documentId!);
      const [segments, codings] = await Promise.all([all((p) => store.listSegments(doc.id, p)), store.listDocumentCodings(doc.id)]);
      const bySegment = new Map<number, Coding[]>();
      const detached: Coding[] = [];
      for (const c of codings) {
        if (isDetached(c)) detached.push(c);
        else (bySegment.get(c.segmentIndex) ?? bySegment.set(c.segmentIndex, []).get(c.segmentIndex)!).push(c);
      }
      const counts = codingCounts(codings);
      return {
        document: { ...toDocumentSummary(doc), counts },
        segments: segments.sort((a, b) => a.index - b.index).map((s) => ({ ...toSegmentView(s), codings: (bySegment.get(s.index) ?? []).map(toCodingView) })),
        ...(detached.length ? { detached: detached.map(toCodingView) } : {}),
      };
    },

    documentStatus: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const d = toDocumentSummary(await documentIn(project.id, params.documentId!));
      return { id: d.id, name: d.name, status: d.status, reason: d.reason, updatedAt: d.updatedAt };
    },

    reviewQueue: async ({ userId, params, query: asked }) => {
      const project = await member(params.projectId!, userId);
      const query = await withRespondentAsStored(project.id, asked);
      if (query.document) await documentName(project.id, query.document); // 404 for a document of another project
      return cache.get(project.id, `queue\u0000${JSON.stringify(query)}`, async () => {
        const page = await queuePage(store, {
          projectId: project.id,
          limit: query.limit,
          order: query.order,
          ...(query.cursor ? { cursor: query.cursor } : {}),
          ...(query.code ? { code: query.code } : {}),
          ...(query.category ? { categoryId: query.category } : {}),
          ...(query.document ? { documentId: query.document } : {}),
          ...(query.respondent ? { respondent: query.respondent } : {}),
        });
        const names = await namesFor(project.id, page.items);
        const items: QueueItem[] = page.items.map((c) => ({
          coding: toCodingView(c),
          segment: segmentOfCoding(c),
          document: { id: c.documentId, name: names.get(c.documentId) ?? c.documentId },
        }));
        // Cached serialised: a hit costs no JSON work.
        return json(200, { items, nextCursor: page.nextCursor });
      });
    },

    decide: async ({ userId, params, body }): Promise<DecisionResultView> => {
      const project = await member(params.projectId!, userId);
      try {
        const result = await decideIn(project.id, userId, body);
        learnFrom(project.id, body.documentId);
        return result;
      } finally {
        cache.invalidate(project.id);
      }
    },

    bulkAccept: async ({ userId, params, body }): Promise<BulkAcceptResult> => {
      const project = await member(params.projectId!, userId);
      const docs = body.documentId
        ? [await documentIn(project.id, body.documentId)]
        : await all((p) => store.listDocuments(project.id, p, { status: 'TAGGED' }));
      const base = { minConfidence: body.minConfidence, dryRun: body.dryRun };
      const filter = {
        minConfidence: body.minConfidence,
        ...(body.code ? { code: body.code } : {}),
        ...(body.category ? { categoryId: body.category } : {}),
        ...(body.respondent ? { respondent: body.respondent } : {}),
      };
      if (body.dryRun) {
        const chosen = selectForBulk((await mapLimit(docs, 4, (d) => store.listDocumentCodings(d.id))).flat(), filter);
        const confidences = chosen.map((c) => c.confidence ?? 0);
        return {
          ...base,
          batchId: null,
          count: chosen.length,
          estimatedPrecision: estimatedPrecision(confidences),
          documents: new Set(chosen.map((c) => c.documentId)).size,
        };
      }
      try {
        const batch = await bulkAccept(store, {
          projectId: project.id,
          batchId: newBatchId(now()),
          userId,
          ...filter,
          documentIds: docs.map((d) => d.id),
          ...(body.documentId ? { documentId: body.documentId } : {}),
        });
        if (batch.count) learnFrom(project.id, body.documentId ?? '');
        return {
          ...base,
          batchId: batch.id,
          count: batch.count,
          estimatedPrecision: batch.count ? batch.confidenceSum / batch.count : null,
          documents: batch.documents.length,
        };
      } finally {
        cache.invalidate(project.id);
      }
    },

    undoBulkAccept: async ({ userId, params }): Promise<BulkUndoResultView> => {
      const project = await member(params.projectId!, userId);
      const batchId = params.batchId!;
      if (!BATCH_ID.test(batchId))
        throw new QualtagError('BAD_REQUEST', `"${batchId.slice(0, 40)}" is not a bulk accept id`, 'Use the batchId a bulk accept returned', 'path.batchId');
      try {
        const r = await undoBulkAccept(store, project.id, batchId, userId);
        return {
          batchId,
          undone: r.undone,
          changed: r.changed.map(({ ref, current }) => ({
            codingId: codingId(ref),
            code: ref.code,
            documentId: ref.documentId,
            segmentIndex: ref.segmentIndex,
            current: current ? toCodingView(current) : null,
          })),
        };
      } finally {
        cache.invalidate(project.id);
      }
    },

    audit: async ({ userId, params, query }) => {
      const project = await member(params.projectId!, userId);
      const ref = query.coding ? parseCodingId(query.coding) : undefined;
      const documentId = query.document ?? ref?.documentId;
      if (ref) {
        // One coding's history follows it back through re-upload moves, so it needs the document's whole trail.
        const events = await all<AuditEvent>((p) => store.auditTrail({ projectId: project.id, documentId: ref.documentId, ...p }));
        return { items: codingHistory(events, ref).map(toAuditEventView), nextCursor: null };
      }
      const page = await store.auditTrail({
        projectId: project.id,
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(documentId ? { documentId } : {}),
      });
      return { items: page.items.map(toAuditEventView), nextCursor: page.nextCursor };
    },

    codings: async ({ userId, params, query: asked }) => {
      const project = await member(params.projectId!, userId);
      const query = await withRespondentAsStored(project.id, asked);
      // The most selective filter goes to the index; the others filter the page.
      const by: CodingFilter | undefined = query.document
        ? { documentId: query.document }
        : query.code
          ? { code: query.code }
          : query.respondent
            ? { respondent: query.respondent }
            : query.category
              ? { categoryId: query.category }
              : undefined;
      if (!by)
        throw new QualtagError(
          'BAD_REQUEST',
          'say which coded segments you want',
          'Add ?code=, ?category=, ?respondent= or ?document= (they combine)',
          'query',
        );
      if (query.document) await documentName(project.id, query.document);
      return cache.get(project.id, `codings\u0000${JSON.stringify(query)}`, async () => {
        const page = await store.queryCodings({
          projectId: project.id,
          by,
          status: query.status,
          limit: query.limit,
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
        const hits = page.items.filter(
          (c) =>
            (!query.code || c.code === query.code) &&
            (!query.category || c.categoryId === query.category) &&
            (!query.respondent || c.respondent === query.respondent) &&
            (query.status === 'all' || c.status === query.status),
        );
        const names = await namesFor(project.id, hits);
        const items: CodedSegment[] = hits.map((c) => toCodedSegment(c, names.get(c.documentId) ?? c.documentId));
        return json(200, { items, nextCursor: page.nextCursor });
      });
    },

    getCodebook: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const cb = await currentCodebook(project.id);
      if (!cb)
        throw new QualtagError('NOT_FOUND', `project "${project.id}" has no codebook yet`, 'Upload one with POST /projects/{projectId}/codebook', 'codebook');
      return cb;
    },

    codebookVersions: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const versions = await all((p) => store.listCodebookVersions(project.id, p));
      return {
        items: versions.map((v) => ({
          version: v.version,
          title: v.codebook.title ?? null,
          fileName: v.fileName ?? null,
          createdAt: v.createdAt,
          createdBy: v.createdBy ?? null,
          codeCount: allCodes(v.codebook).length,
          current: v.version === project.currentCodebookVersion,
        })),
      };
    },

    uploadCodebook: async ({ userId, params, body }) => {
      const project = await member(params.projectId!, userId);
      const { codebook, warnings, created, retag } = await storeCodebook(project, body.content, body.fileName, userId, body.retag);
      return { version: codebook.version, created, codeCount: allCodes(codebook).length, retag, warnings };
    },

    ruleSuggestions: async ({ userId, params, query }) => {
      const project = await member(params.projectId!, userId);
      const cb = await currentCodebook(project.id);
      if (!cb)
        throw new QualtagError('NOT_FOUND', `project "${project.id}" has no codebook yet`, 'Upload one with POST /projects/{projectId}/codebook', 'codebook');
      const { docs, codings } = await projectData(project.id);
      const { examples, passages } = reviewedPassages(codings);
      const learned = learnRuleTerms(cb, examples, { minSupport: query.minSupport, top: query.top });
      const rulesInForce = compileTagger(cb).rulesByCode;
      return {
        codebookVersion: cb.version,
        minSupport: query.minSupport,
        top: query.top,
        segments: learned.segments,
        codes: suggestionsView(cb, learned, rulesInForce, passages, new Map(docs.map((d) => [d.id, d.fileName]))),
        unknownCodes: learned.unknownCodes,
      };
    },

    applyRuleTerms: async ({ userId, params, body }) => {
      const project = await member(params.projectId!, userId);
      const base = await store.getCurrentCodebook(project.id);
      if (!base)
        throw new QualtagError('NOT_FOUND', `project "${project.id}" has no codebook yet`, 'Upload one with POST /projects/{projectId}/codebook', 'codebook');
      if (base.version !== body.baseVersion) {
        throw new QualtagError(
          'CONFLICT',
          `the codebook changed since the suggestions were made (now version ${base.version}, not ${body.baseVersion})`,
          'Reload the suggestions and choose the terms again',
          'body.baseVersion',
        );
      }
      const { yaml, added, unchanged } = withAddedTerms(base.codebook, body.terms, compileTagger(base.codebook).rulesByCode);
      const fileName = `${(base.fileName || `${base.codebook.id}.yaml`).replace(/\.[^.]*$/, '')}.yaml`;
      // Conditional on the base still being current: two applies at the same instant cannot both win.
      const { codebook, retag } = await storeCodebook(project, yaml, fileName, userId, body.retag, base.version, true);
      return { version: codebook.version, previousVersion: base.version, added, unchanged, codeCount: allCodes(codebook).length, retag };
    },

    retag: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      if (!project.currentCodebookVersion)
        throw new QualtagError('BAD_REQUEST', `project "${project.id}" has no codebook to tag with`, 'Upload a codebook first', 'codebook');
      cache.invalidate(project.id);
      return { requested: true, documents: await requestRetag(deps, project.id) };
    },

    reports: async ({ userId, params, query }) => {
      const project = await member(params.projectId!, userId);
      return reportsFromAggregates(await aggregatedInput(project.id), reportOptions(query));
    },

    report: async ({ userId, params, query }) => {
      const project = await member(params.projectId!, userId);
      const report = reportOf(params.kind!);
      if (!report) throw new QualtagError('NOT_FOUND', `there is no report "${params.kind}"`, `Choose one of ${reportKinds.join(', ')}`, 'path.kind');
      return report.compute(await aggregatedInput(project.id), reportOptions(query));
    },

    reportTables: async ({ userId, params, query }) => {
      const project = await member(params.projectId!, userId);
      return { items: reportTablesFromAggregates(await aggregatedInput(project.id), reportOptions(query)) };
    },

    createImport: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const importId = randomUUID();
      const key = importKey(project.id, importId, 'project.qdpx');
      const contentType = 'application/octet-stream';
      const expiresIn = 15 * 60;
      const url = await blobs.presignUpload(key, contentType, expiresIn);
      return {
        importId,
        url,
        method: 'PUT' as const,
        headers: { 'content-type': contentType },
        key,
        expiresAt: new Date(now().getTime() + expiresIn * 1000).toISOString(),
      };
    },

    startImport: async ({ userId, params, body }) => {
      const project = await member(params.projectId!, userId);
      const importId = assertImportId(params.importId!);
      const started = await startImport(
        {
          store,
          blobs,
          now,
          storeCodebook: async (yaml, fileName) => {
            const r = await storeCodebook(project, yaml, fileName, userId, true);
            return { version: r.codebook.version, created: r.created };
          },
        },
        project,
        importId,
        body.fileName,
        userId,
      );
      cache.invalidate(project.id);
      return started;
    },

    applyImport: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const result = await applyImportedDocument({ store, blobs }, project, assertImportId(params.importId!), params.documentId!);
      cache.invalidate(project.id);
      return result;
    },

    documentNotes: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const doc = await documentIn(project.id, params.documentId!);
      const { documents } = await readExchange(blobs, project.id, [doc.id]);
      return { items: documents.get(doc.id)?.notes ?? [] };
    },

    startExportJob: async ({ userId, params, body }) => {
      const project = await member(params.projectId!, userId);
      const at = now().toISOString();
      const job: ExportJob = {
        projectId: project.id,
        id: randomUUID(),
        format: body.format,
        status: body.status,
        state: 'queued',
        done: 0,
        total: 0,
        createdBy: userId,
        createdAt: at,
        updatedAt: at,
      };
      await store.createExportJob(job);
      await exportQueue.send({ projectId: project.id, jobId: job.id });
      return exportJobView(job, null);
    },

    exportJob: async ({ userId, params }) => {
      const project = await member(params.projectId!, userId);
      const job = await store.getExportJob(project.id, params.jobId!);
      if (!job)
        throw new QualtagError(
          'NOT_FOUND',
          `export job "${params.jobId}" does not exist in project "${project.id}"`,
          'Start one with POST /projects/{projectId}/export-jobs',
          'jobId',
        );
      const url = job.state === 'done' && job.key ? await blobs.presignDownload(job.key, 15 * 60) : null;
      return exportJobView(job, url);
    },

    exportFile: async ({ userId, params, query }) => {
      const project = await member(params.projectId!, userId);
      const format = params.format!;
      if (!Object.hasOwn(exportContentTypes, format)) {
        throw new QualtagError('NOT_FOUND', `there is no export format "${format}"`, 'Choose qdpx, qdc, csv or xlsx', 'path.format');
      }
      const file = await buildExport({ store, blobs }, { project, format: format as ExportFormat, status: query.status, userId, at: now() });
      return download(file.bytes, file.contentType, file.fileName);
    },
  };
}
