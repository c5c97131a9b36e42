// What the reports read through the store ports: the stored per-document aggregates (what the API
// serves, O(documents)), or every coding and the whole audit trail (the full recomputation the
// aggregates are tested and benchmarked against).
import { all } from '../paging.js';
import { projectCodings } from '../review/reviewed-codings.js';
import type { AuditEvent, DocumentRecord, Store } from '../coding/index.js';
import { emptyAggregate, type DocumentAggregate } from './aggregate.js';
import { parseAggregate, type AggregatedDocument, type AggregatedInput } from './aggregated.js';
import { reviewerDecisions, type ReportDocument, type ReportInput, type TrailEvent } from './reports.js';

/** Audit events without the deletions and without what happened to a document before it was last deleted. */
export function beforeDeletionsLeftOut(events: readonly AuditEvent[]): Array<AuditEvent & TrailEvent> {
  const deletedAt = new Map<string, string>();
  for (const e of events) if (e.action === 'delete' && (deletedAt.get(e.documentId) ?? '') < e.at) deletedAt.set(e.documentId, e.at);
  return events.filter((e): e is AuditEvent & TrailEvent => e.action !== 'delete' && !(e.at <= (deletedAt.get(e.documentId) ?? '')));
}

export const reportDocument = (d: DocumentRecord): ReportDocument => ({
  id: d.id,
  name: d.fileName,
  respondents: d.respondents ?? [],
  ...(d.segmentCount !== undefined ? { segmentCount: d.segmentCount } : {}),
});

/** Parsed aggregates, per aggregate object (the store hands back the same object until it changes). */
const parsed = new WeakMap<DocumentAggregate, AggregatedDocument>();

function parsedAggregate(doc: ReportDocument, agg: DocumentAggregate): AggregatedDocument {
  let p = parsed.get(agg);
  if (!p) parsed.set(agg, (p = parseAggregate(doc, agg)));
  return { ...p, ...doc };
}

export async function aggregatedReportInput(store: Store, projectId: string): Promise<AggregatedInput> {
  const [docs, codebook] = await Promise.all([all((p) => store.listDocuments(projectId, p)), store.getCurrentCodebook(projectId)]);
  const aggs = await store.documentAggregates(docs.map((d) => d.id));
  return { codebook: codebook?.codebook ?? null, documents: docs.map((d) => parsedAggregate(reportDocument(d), aggs.get(d.id) ?? emptyAggregate())) };
}

export async function recomputedReportInput(store: Store, projectId: string): Promise<ReportInput> {
  const [{ docs, codings }, codebook, events] = await Promise.all([
    projectCodings(store, projectId),
    store.getCurrentCodebook(projectId),
    all<AuditEvent>((p) => store.auditTrail({ projectId, ...p })),
  ]);
  return {
    codebook: codebook?.codebook ?? null,
    documents: docs.map(reportDocument),
    codings,
    // Reviewers' judgements only, each at the position its coding has now (re-uploads move codings),
    // and none made on a deleted document (nor on its earlier life, when a file of that name came back).
    decisions: reviewerDecisions(beforeDeletionsLeftOut(events)),
  };
}
