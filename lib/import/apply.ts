// Brings a read .qdpx into a project, in two steps the API exposes (a client waits for the pipeline between):
//  1. startImport: the codebook becomes a codebook version (merged into the current one by category and
//     code name), each source is uploaded like any file (text sources as their exact text, PDF/DOCX as
//     the original file) so the pipeline extracts and segments it, and the plan is kept in the bucket.
//  2. applyImportedDocument, once a document is TAGGED: its codings are placed on the extracted text and
//     its segments and written as accepted human codings with their coder and date (the review
//     workflow's `add`, so they are ordinary reviewed decisions the tagger learns from); what cannot be
//     placed is reported one by one. The document's GUIDs and notes are kept for exports.
import { createHash } from 'node:crypto';
import { codebookToYaml } from '../codebook/to-yaml.js';
import { slugify } from '../codebook/build.js';
import { QualtagError } from '../errors.js';
import type { Codebook } from '../model.js';
import { type BlobStore, type Coding, codingId, ConflictError, isHumanCoding, type Project, type Store } from '../coding/index.js';
import { documentIdFor, uploadKey } from '../coding/upload-key.js';
import { all } from '../paging.js';
import { DocumentExchange, exchangeKey, ImportPlan, importKey, ProjectExchange, type PlanDocument, type PlanIssue, type PlanNote } from './plan.js';
import { placeOnSegments, TextPlacer } from './place.js';
import { readQdpx, type ImportedNote, type ImportedProject, type ImportReport } from './qdpx.js';
import { decide } from '../review/decide.js';

export interface ImportDeps {
  store: Store;
  blobs: BlobStore;
  now?: () => Date;
  /** Stores a codebook (YAML) as the project's current version, re-tagging as the API does. */
  storeCodebook: (yaml: string, fileName: string) => Promise<{ version: string; created: boolean }>;
}

export interface StartedImport {
  importId: string;
  fileName: string;
  codebook: { version: string | null; created: boolean; codes: number; added: number };
  documents: Array<{ documentId: string; fileName: string; name: string; kind: 'text' | 'pdf' | 'docx'; codings: number; reused: boolean }>;
  report: ImportReport;
}

export interface AppliedDocument {
  documentId: string;
  name: string;
  status: string;
  imported: number;
  /** Codings that were there already (the same import applied twice). */
  already: number;
  skipped: PlanIssue[];
  warnings: PlanIssue[];
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const parseJson = (text: string, where: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new QualtagError('BAD_REQUEST', 'stored import data is not JSON', 'Start the import again', where);
  }
};

/**
 * The imported codebook merged into the current one: categories and codes are matched by name (case and
 * accents aside), new ones appended. Returns the merged codebook and, per imported code id, its id there.
 */
export function mergeCodebook(
  current: Codebook | null,
  imported: Codebook,
): { codebook: Codebook; ids: Map<string, { codeId: string; categoryId: string }>; added: number } {
  const ids = new Map<string, { codeId: string; categoryId: string }>();
  if (!current) {
    for (const cat of imported.categories) for (const c of cat.codes) ids.set(c.id, { codeId: c.id, categoryId: cat.id });
    return { codebook: imported, ids, added: imported.categories.reduce((n, c) => n + c.codes.length, 0) };
  }
  const key = (s: string) => slugify(s);
  const categories = current.categories.map((c) => ({ ...c, codes: [...c.codes] }));
  const usedCodeIds = new Set(categories.flatMap((c) => c.codes.map((k) => k.id)));
  let added = 0;
  for (const icat of imported.categories) {
    let cat = categories.find((c) => key(c.name) === key(icat.name));
    if (!cat) {
      let id = icat.id;
      for (let i = 2; categories.some((c) => c.id === id); i++) id = `${icat.id}-${i}`;
      cat = { ...icat, id, codes: [] };
      categories.push(cat);
    }
    for (const code of icat.codes) {
      const same = cat.codes.find((k) => key(k.name) === key(code.name));
      if (same) {
        ids.set(code.id, { codeId: same.id, categoryId: cat.id });
        continue;
      }
      let id = `${cat.id}/${code.id.slice(code.id.indexOf('/') + 1)}`;
      for (let i = 2; usedCodeIds.has(id); i++) id = `${cat.id}/${code.id.slice(code.id.indexOf('/') + 1)}-${i}`;
      usedCodeIds.add(id);
      cat.codes.push({ ...code, id, categoryId: cat.id });
      ids.set(code.id, { codeId: id, categoryId: cat.id });
      added++;
    }
  }
  return { codebook: { ...current, categories }, ids, added };
}

/** A document file name for a source: its name, made a plain file name with the extension its content needs. */
export function sourceFileName(name: string, kind: 'text' | 'pdf' | 'docx'): string {
  const ext = kind === 'text' ? '.txt' : `.${kind}`;
  const plain = name.replace(/[\\/\u0000-\u001f]+/g, '-').trim() || 'source';
  // A text source is uploaded as plain text: `x.otter.txt` would be read as an Otter transcript again.
  const keep = plain.toLowerCase().endsWith(ext) && !(kind === 'text' && /\.otter\.txt$/i.test(plain));
  return (keep ? plain : `${plain}${ext}`).slice(-200);
}

const toPlanNote = (n: ImportedNote): PlanNote => ({
  guid: n.guid,
  text: n.text,
  ...(n.name ? { name: n.name } : {}),
  ...(n.user ? { user: n.user } : {}),
  ...(n.at ? { at: n.at } : {}),
});

export async function startImport(deps: ImportDeps, project: Project, importId: string, fileName: string, userId: string): Promise<StartedImport> {
  const { store, blobs } = deps;
  let bytes: Uint8Array;
  try {
    bytes = await blobs.getBytes(importKey(project.id, importId, 'project.qdpx'));
  } catch {
    throw new QualtagError(
      'NOT_FOUND',
      `import ${importId} has no uploaded .qdpx`,
      'PUT the file to the URL from POST /projects/{projectId}/imports first',
      'importId',
    );
  }
  const parsed: ImportedProject = await readQdpx(bytes, fileName);
  const report = parsed.report;

  // The codebook: merged into the current one, stored as a new version when it adds codes.
  const current = (await store.getCurrentCodebook(project.id))?.codebook ?? null;
  let codebookOut: StartedImport['codebook'] = { version: current?.version ?? null, created: false, codes: 0, added: 0 };
  const hasCodes = parsed.codebook.categories.length > 0;
  const merged = hasCodes
    ? mergeCodebook(current, parsed.codebook)
    : { codebook: current, ids: new Map<string, { codeId: string; categoryId: string }>(), added: 0 };
  if (hasCodes && merged.codebook && (merged.added > 0 || !current)) {
    const stored = await deps.storeCodebook(codebookToYaml(merged.codebook), `${fileName.replace(/\.qdpx$/i, '')}.yaml`);
    codebookOut = {
      version: stored.version,
      created: stored.created,
      codes: merged.codebook.categories.reduce((n, c) => n + c.codes.length, 0),
      added: merged.added,
    };
  } else if (current) {
    codebookOut = { version: current.version, created: false, codes: current.categories.reduce((n, c) => n + c.codes.length, 0), added: 0 };
  }

  // GUIDs and notes of the project as a whole, merged into what earlier imports kept.
  const exchange = await readProjectExchange(blobs, project.id);
  for (const [codeId, guid] of parsed.codeGuids) {
    const to = merged.ids.get(codeId);
    if (to) exchange.guids[`code:${to.codeId}`] = guid;
  }
  for (const [catId, guid] of parsed.categoryGuids) {
    const to = [...merged.ids.entries()].find(([id]) => id.startsWith(`${catId}/`))?.[1];
    // A codable parent became a category and its general code: the GUID stays with the code.
    if (to && ![...parsed.codeGuids.values()].includes(guid)) exchange.guids[`category:${to.categoryId}`] = guid;
  }
  for (const [guid, name] of parsed.users) exchange.guids[`user:${name}`] = guid;
  for (const c of parsed.cases) exchange.guids[`case:${c.name}`] = c.guid;
  const keepNote = (n: ProjectExchange['notes'][number]) => {
    if (!exchange.notes.some((x) => x.guid === n.guid && JSON.stringify(x.target) === JSON.stringify(n.target))) exchange.notes.push(n);
  };
  for (const n of parsed.notes) {
    if (n.target.kind === 'project') keepNote({ ...toPlanNote(n), target: { kind: 'project' } });
    if (n.target.kind === 'code') {
      const to = merged.ids.get(n.target.codeId);
      if (to) keepNote({ ...toPlanNote(n), target: { kind: 'code', codeId: to.codeId } });
    }
  }

  // Sources: uploaded like any file; a name already taken by another document gets a number.
  const existing = new Map((await all((p) => store.listDocuments(project.id, p))).map((d) => [d.fileName, d]));
  const taken = new Set(existing.keys());
  const documents: StartedImport['documents'] = [];
  const planDocs: PlanDocument[] = [];
  for (const s of parsed.sources) {
    const body: Uint8Array | string = s.file ? s.file.bytes : s.text;
    if (!s.file && !s.text.trim()) {
      report.skipped.push({ kind: 'source', where: `source "${s.name}" (${s.guid})`, message: 'the source has no text' });
      continue;
    }
    let name = sourceFileName(s.name, s.kind);
    let shown = s.name;
    let reused = false;
    const same = existing.get(name);
    if (same && same.sha256 === sha256(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)) reused = true;
    else if (taken.has(name)) {
      for (let i = 2; taken.has(name); i++) {
        shown = `${s.name} (${i})`;
        name = sourceFileName(shown, s.kind);
      }
      report.warnings.push({
        kind: 'source',
        where: `source "${s.name}" (${s.guid})`,
        message: `a different document is already called ${sourceFileName(s.name, s.kind)}: imported as ${name}`,
      });
    }
    taken.add(name);
    const documentId = documentIdFor(project.id, name);
    const codings = parsed.codings.filter((c) => c.sourceGuid === s.guid);
    planDocs.push({
      documentId,
      fileName: name,
      sourceGuid: s.guid,
      sourceName: shown,
      kind: s.kind,
      ...(s.createdAt ? { createdAt: s.createdAt } : {}),
      text: s.text,
      codings: codings.flatMap((c) => {
        const to = merged.ids.get(c.codeId);
        if (!to) return [];
        const notes = parsed.notes.filter((n) => n.target.kind === 'coding' && n.target.codingGuid === c.guid).map(toPlanNote);
        return [
          {
            guid: c.guid,
            selectionGuid: c.selectionGuid,
            codeId: to.codeId,
            categoryId: to.categoryId,
            start: c.start,
            end: c.end,
            user: c.user,
            ...(c.at ? { at: c.at } : {}),
            notes,
          },
        ];
      }),
      notes: parsed.notes.filter((n) => n.target.kind === 'source' && n.target.sourceGuid === s.guid).map(toPlanNote),
      respondents: parsed.cases.filter((c) => c.sourceGuids.includes(s.guid)).map((c) => c.name),
    });
    documents.push({ documentId, fileName: name, name: shown, kind: s.kind, codings: codings.length, reused });
  }

  const plan: ImportPlan = { importId, fileName, createdBy: userId, createdAt: (deps.now?.() ?? new Date()).toISOString(), documents: planDocs };
  await blobs.putObject(importKey(project.id, importId, 'plan.json'), JSON.stringify(plan), 'application/json');
  await blobs.putObject(exchangeKey(project.id), JSON.stringify(exchange), 'application/json');
  // Uploads last: each one starts the pipeline, which the plan must already describe.
  for (const [i, d] of planDocs.entries()) {
    if (documents[i]!.reused) continue;
    const s = parsed.sources.find((x) => x.guid === d.sourceGuid)!;
    const type =
      s.kind === 'pdf'
        ? 'application/pdf'
        : s.kind === 'docx'
          ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
          : 'text/plain; charset=utf-8';
    await blobs.putObject(uploadKey(project.id, d.fileName), s.file ? s.file.bytes : s.text, type);
  }
  return { importId, fileName, codebook: codebookOut, documents, report };
}

async function readProjectExchange(blobs: BlobStore, projectId: string): Promise<ProjectExchange> {
  const text = await blobs.getTextIfExists(exchangeKey(projectId));
  return text === null ? { guids: {}, notes: [] } : ProjectExchange.parse(parseJson(text, exchangeKey(projectId)));
}

export async function readImportPlan(blobs: BlobStore, projectId: string, importId: string): Promise<ImportPlan> {
  const text = await blobs.getTextIfExists(importKey(projectId, importId, 'plan.json'));
  if (text === null)
    throw new QualtagError('NOT_FOUND', `import ${importId} has not been started`, 'Start it with POST /projects/{projectId}/imports/{importId}', 'importId');
  return ImportPlan.parse(parseJson(text, importKey(projectId, importId, 'plan.json')));
}

/** The exchange data an export of the project writes back: GUIDs by key, notes, and document names. */
export async function readExchange(
  blobs: BlobStore,
  projectId: string,
  documentIds: readonly string[],
): Promise<{ project: ProjectExchange; documents: Map<string, DocumentExchange> }> {
  const project = await readProjectExchange(blobs, projectId);
  const documents = new Map<string, DocumentExchange>();
  for (const id of documentIds) {
    const text = await blobs.getTextIfExists(exchangeKey(projectId, id));
    if (text !== null) documents.set(id, DocumentExchange.parse(parseJson(text, exchangeKey(projectId, id))));
  }
  return { project, documents };
}

/** Places and writes one document's imported codings; the document must be TAGGED (or FAILED: then all are reported). */
export async function applyImportedDocument(
  deps: Pick<ImportDeps, 'store' | 'blobs'>,
  project: Project,
  importId: string,
  documentId: string,
): Promise<AppliedDocument> {
  const { store, blobs } = deps;
  const plan = await readImportPlan(blobs, project.id, importId);
  const doc = plan.documents.find((d) => d.documentId === documentId);
  if (!doc)
    throw new QualtagError('NOT_FOUND', `document ${documentId} is not part of import ${importId}`, "Use a document id from the import's start", 'documentId');
  const record = await store.getDocument(documentId);
  const where = `source "${doc.sourceName}" (${doc.sourceGuid})`;
  const out: AppliedDocument = { documentId, name: doc.sourceName, status: record?.status ?? 'UPLOADED', imported: 0, already: 0, skipped: [], warnings: [] };
  if (record?.status === 'FAILED') {
    for (const c of doc.codings)
      out.skipped.push({
        kind: 'coding',
        where: `${where}, ${c.start}..${c.end}`,
        message: `the document could not be read: ${record.reason ?? 'no reason given'}`,
      });
    return out;
  }
  if (record?.status !== 'TAGGED' || !record.textKey) {
    throw new QualtagError(
      'CONFLICT',
      `document ${doc.fileName} is ${record?.status ?? 'not uploaded yet'}`,
      'Wait until it is TAGGED (GET .../documents/{documentId}/status), then apply its codings',
      'documentId',
    );
  }
  const [text, segments] = await Promise.all([blobs.getText(record.textKey), all((p) => store.listSegments(documentId, p))]);
  segments.sort((a, b) => a.index - b.index);
  const placer = new TextPlacer(doc.text, text);
  if (!placer.identical && doc.kind === 'text')
    out.warnings.push({ kind: 'source', where, message: 'the extracted text differs from the source text: codings were placed by their words' });
  const guids: Record<string, string> = {};
  const notes: DocumentExchange['notes'] = doc.notes.map((n) => ({ ...n }));

  for (const c of doc.codings) {
    const pos = `${where}, ${c.start}..${c.end} "${doc.text.slice(c.start, Math.min(c.end, c.start + 50)).replace(/\s+/g, ' ')}"`;
    const range = placer.place(c);
    if (!range) {
      out.skipped.push({
        kind: 'coding',
        where: pos,
        message: `its text is not in the text qualtag extracted from the ${doc.kind === 'text' ? 'source' : doc.kind.toUpperCase()}: code it again in qualtag`,
      });
      continue;
    }
    const { placements, outside } = placeOnSegments(text, segments, range);
    if (!placements.length) {
      out.skipped.push({ kind: 'coding', where: pos, message: 'it lies outside every segment (e.g. only a speaker label)' });
      continue;
    }
    if (outside > 0)
      out.warnings.push({
        kind: 'coding',
        where: pos,
        message: `${outside} characters of it lie outside the segments (speaker labels, headers) and are not coded`,
      });
    if (placements.length > 1)
      out.warnings.push({ kind: 'coding', where: pos, message: `it runs over ${placements.length} segments: imported as one coding on each` });
    for (const [i, p] of placements.entries()) {
      const ref = { documentId, segmentIndex: p.segment.index, code: c.codeId };
      // The coding's GUIDs and notes are kept whether it is written now or was there already (a second import).
      const keep = () => {
        const id = codingId(ref);
        const start = p.segment.start + (p.span?.start ?? 0);
        const end = p.span ? p.segment.start + p.span.end : p.segment.end;
        if (i === 0) {
          guids[`coding:${id}`] = c.guid;
          guids[`selection:${documentId}:${start}:${end}`] = c.selectionGuid;
        }
        for (const n of c.notes) notes.push({ ...n, codingId: id });
      };
      const existing: Coding | null = await store.getCoding(ref);
      if (existing && isHumanCoding(existing) && existing.status === 'accepted') {
        const sameSpan = (existing.span?.start ?? -1) === (p.span?.start ?? -1) && (existing.span?.end ?? -1) === (p.span?.end ?? -1);
        if (sameSpan) {
          out.already++;
          keep();
        } else
          out.skipped.push({
            kind: 'coding',
            where: pos,
            message: `segment ${p.segment.index + 1} already has this code on another passage (qualtag keeps one coding per segment and code)`,
          });
        continue;
      }
      try {
        await decide(store, {
          projectId: project.id,
          ...ref,
          action: 'add',
          expectedVersion: existing?.version ?? null,
          userId: c.user,
          categoryId: c.categoryId,
          ...(p.span ? { span: p.span } : {}),
          ...(c.at ? { decidedAt: c.at } : {}),
          note: `imported from ${plan.fileName} by ${plan.createdBy}`,
        });
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        out.skipped.push({ kind: 'coding', where: pos, message: `not written: ${e.message}` });
        continue;
      }
      out.imported++;
      keep();
    }
  }
  const respondents = [...new Set([...(record.respondents ?? []), ...doc.respondents])].sort();
  if (respondents.length !== (record.respondents ?? []).length) await store.updateDocument(project.id, documentId, { respondents });
  const previous = await blobs.getTextIfExists(exchangeKey(project.id, documentId));
  const kept = previous === null ? undefined : DocumentExchange.parse(parseJson(previous, exchangeKey(project.id, documentId)));
  const exchange: DocumentExchange = {
    name: doc.sourceName,
    guid: doc.sourceGuid,
    ...(doc.createdAt ? { createdAt: doc.createdAt } : {}),
    guids: { ...(kept?.guids ?? {}), ...guids },
    notes: [...(kept?.notes ?? []).filter((n) => !notes.some((m) => m.guid === n.guid && m.codingId === n.codingId)), ...notes],
  };
  await blobs.putObject(exchangeKey(project.id, documentId), JSON.stringify(exchange), 'application/json');
  return out;
}
