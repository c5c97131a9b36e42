// Builds an export file of a project: REFI-QDA project (.qdpx), codebook (.qdc), or coded segments as
// CSV/XLSX. One function for the direct download (small projects) and the export job (large ones), so
// both give the same bytes.
import { codebookToQdc } from '../codebook/index.js';
import { QualtagError } from '../errors.js';
import { readExchange } from '../import/apply.js';
import type { Codebook } from '../model.js';
import { type BlobStore, type Coding, isDetached, type Project, type Store } from '../coding/index.js';
import { all } from '../paging.js';
import { mapLimit } from '../review/reviewed-codings.js';
import type { QueryStatus } from '../report/schemas.js';
import { exportContentTypes, type ExportFormat } from './schemas.js';
import { codedRange, toCodingView, toCodedSegment } from '../coding/views.js';
import { buildQdpx, type QdpxNote } from './qdpx.js';
import { codedSegmentsCsv, codedSegmentsXlsx, type CodeNames } from './table.js';

export interface ExportRequest {
  project: Project;
  format: ExportFormat;
  /** csv/xlsx: which codings (qdpx always exports accepted ones). */
  status: QueryStatus;
  userId: string;
  at: Date;
}

export interface ExportFile {
  bytes: Uint8Array | string;
  contentType: string;
  fileName: string;
}

/** Progress of a build: documents read so far of all. */
export type ExportProgress = (done: number, total: number) => void | Promise<void>;

function codeNames(cb: Codebook | null): CodeNames {
  const map = new Map<string, { name: string; category: string }>();
  for (const cat of cb?.categories ?? []) for (const c of cat.codes) map.set(c.id, { name: c.name, category: cat.name });
  return (code) => map.get(code) ?? { name: code, category: '' };
}

const fileStem = (name: string, at: Date) => `${name}-${at.toISOString().slice(0, 10)}`;

export async function buildExport(deps: { store: Store; blobs: BlobStore }, req: ExportRequest, progress?: ExportProgress): Promise<ExportFile> {
  const { store, blobs } = deps;
  const { project, format, at, userId } = req;
  const stem = fileStem(project.name || project.id, at);
  const codebook = (await store.getCurrentCodebook(project.id))?.codebook ?? null;
  if (format === 'qdc') {
    if (!codebook)
      throw new QualtagError('NOT_FOUND', `project "${project.id}" has no codebook yet`, 'Upload one with POST /projects/{projectId}/codebook', 'codebook');
    return { bytes: codebookToQdc(codebook), contentType: exportContentTypes.qdc, fileName: `${stem}.qdc` };
  }
  const docs = await all((p) => store.listDocuments(project.id, p));
  let read = 0;
  await progress?.(0, docs.length);
  // Detached codings are left out: their passage is no longer in the file.
  const perDoc = await mapLimit(docs, 8, async (d) => {
    const cs = await store.listDocumentCodings(d.id);
    await progress?.(++read, docs.length);
    return cs.filter((c) => !isDetached(c));
  });
  const codings: Coding[] = perDoc.flat();
  if (format === 'qdpx') {
    const withText = docs.filter((d) => d.textKey && d.status !== 'FAILED');
    const texts = await mapLimit(withText, 4, (d) => blobs.getText(d.textKey!));
    const keep = new Set(withText.map((d) => d.id));
    // GUIDs, names and notes an imported project came with (lib/import), so a round trip keeps them.
    const exchange = await readExchange(
      blobs,
      project.id,
      withText.map((d) => d.id),
    );
    const guids: Record<string, string> = { ...exchange.project.guids };
    const notes: QdpxNote[] = exchange.project.notes.map(({ target, ...n }) => ({ ...n, target }));
    for (const [id, x] of exchange.documents) {
      Object.assign(guids, x.guids, { [`document:${id}`]: x.guid });
      for (const { codingId, ...n } of x.notes) notes.push({ ...n, target: codingId ? { kind: 'coding', codingId } : { kind: 'document', documentId: id } });
    }
    const documents = withText
      .map((d, i) => ({
        id: d.id,
        name: exchange.documents.get(d.id)?.name ?? d.fileName,
        text: texts[i]!,
        createdAt: exchange.documents.get(d.id)?.createdAt ?? d.createdAt,
        respondents: d.respondents ?? [],
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const bytes = buildQdpx({
      projectName: project.name || project.id,
      codebook,
      now: at.toISOString(),
      user: userId,
      guids,
      notes,
      documents,
      codings: codings
        .filter((c) => c.status === 'accepted' && keep.has(c.documentId))
        .map((c) => ({
          id: toCodingView(c).id,
          documentId: c.documentId,
          code: c.code,
          ...codedRange(c),
          user: c.decidedBy ?? null,
          at: c.decidedAt ?? c.createdAt,
        })),
    });
    return { bytes, contentType: exportContentTypes.qdpx, fileName: `${stem}.qdpx` };
  }
  const names = new Map(docs.map((d) => [d.id, d.fileName]));
  const rows = codings.filter((c) => req.status === 'all' || c.status === req.status).map((c) => toCodedSegment(c, names.get(c.documentId) ?? c.documentId));
  if (format === 'csv') return { bytes: codedSegmentsCsv(rows, codeNames(codebook)), contentType: exportContentTypes.csv, fileName: `${stem}.csv` };
  return { bytes: await codedSegmentsXlsx(rows, codeNames(codebook)), contentType: exportContentTypes.xlsx, fileName: `${stem}.xlsx` };
}
