// REFI-QDA project export (.qdpx = zip of project.qde + sources/<guid>.txt), readable by ATLAS.ti,
// NVivo, MAXQDA and QualCoder. Validates against ../shared/refi-qda/Project.xsd.
// - Each document becomes a TextSource whose plain text is exactly the text our offsets point into.
// - Codings with the same span share one PlainTextSelection; positions are Unicode code points.
// - The CodeBook is the codebook's .qdc (categories as non-codable parents), plus any code only an
//   earlier codebook version knew, so every CodeRef resolves.
// - Respondents become Cases that refer to the documents they speak in.
// GUIDs are derived from ids, so exporting the same project twice gives the same file.
import { strToU8, zipSync } from 'fflate';
import { codebookToQdc, stableGuid } from '../codebook/index.js';
import { escapeXml } from '../codebook/qdc.js';
import type { Codebook } from '../model.js';
import { CodePointIndex } from './offsets.js';

export interface QdpxDocument {
  id: string;
  name: string;
  /** The extracted plain text (what every offset points into). */
  text: string;
  createdAt: string;
  respondents: readonly string[];
}

export interface QdpxCoding {
  documentId: string;
  /** Stable id of the coding (e.g. the API coding id): gives a stable GUID. */
  id: string;
  code: string;
  /** UTF-16 offsets into the document text, end excluded. */
  start: number;
  end: number;
  /** Who decided it (or created it) and when. */
  user: string | null;
  at: string;
}

/** A note (memo) to write: REFI-QDA Notes with NoteRefs on the project, a document, a coding or a code. */
export interface QdpxNote {
  guid: string;
  name?: string;
  text: string;
  user?: string;
  at?: string;
  target: { kind: 'project' } | { kind: 'document'; documentId: string } | { kind: 'coding'; codingId: string } | { kind: 'code'; codeId: string };
}

export interface QdpxInput {
  projectName: string;
  codebook: Codebook | null;
  documents: readonly QdpxDocument[];
  codings: readonly QdpxCoding[];
  /** Creation time of the export (xsd:dateTime). */
  now: string;
  /** The exporting user. */
  user: string;
  /**
   * GUIDs a project came with (a REFI-QDA import keeps them), by key: `document:<id>`, `code:<id>`,
   * `category:<id>`, `user:<name>`, `case:<name>`, `selection:<documentId>:<start>:<end>`, `coding:<id>`.
   * Keys not listed get GUIDs derived from the ids.
   */
  guids?: Readonly<Record<string, string>>;
  notes?: readonly QdpxNote[];
}

export const userGuid = (userId: string): string => stableGuid(`user:${userId}`);
export const documentGuid = (documentId: string): string => stableGuid(`document:${documentId}`);
export const selectionGuid = (documentId: string, start: number, end: number): string => stableGuid(`selection:${documentId}:${start}:${end}`);

/** xsd:dateTime wants no more than what toISOString gives; fall back to the export time for junk. */
function dateTime(s: string, fallback: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? fallback : d.toISOString();
}

type GuidOf = (key: string) => string;

function codesXml(cb: Codebook | null, codings: readonly QdpxCoding[], guid: GuidOf, noteRefs: (key: string) => readonly string[]): string[] {
  const lines: string[] = [];
  const known = new Set<string>();
  if (cb) {
    const qdc = codebookToQdc(cb, { guid, noteRefs });
    const inner = qdc.slice(qdc.indexOf('<Codes>') + '<Codes>'.length, qdc.lastIndexOf('</Codes>'));
    for (const line of inner.split('\n')) if (line.trim()) lines.push(`\t${line}`);
    for (const cat of cb.categories) for (const c of cat.codes) known.add(c.id);
  }
  const extra = [...new Set(codings.map((c) => c.code).filter((c) => !known.has(c)))].sort();
  for (const code of extra) lines.push(`\t\t\t<Code guid="${guid(`code:${code}`)}" name="${escapeXml(code)}" isCodable="true"/>`);
  return lines.length ? ['\t<CodeBook>', '\t\t<Codes>', ...lines, '\t\t</Codes>', '\t</CodeBook>'] : [];
}

/** The project.qde XML and the source files (by GUID) of a .qdpx. */
export function buildProject(input: QdpxInput): { qde: string; sources: Map<string, string> } {
  const now = dateTime(input.now, new Date().toISOString());
  // A kept GUID is used once: two imported projects may bring the same one (then the later key gets a derived GUID).
  const assigned = new Map<string, string>();
  const owners = new Map<string, string>();
  const guid: GuidOf = (key) => {
    let g = assigned.get(key);
    if (g) return g;
    const kept = input.guids?.[key];
    g = kept && !owners.has(kept.toLowerCase()) ? kept : stableGuid(key);
    assigned.set(key, g);
    owners.set(g.toLowerCase(), key);
    return g;
  };
  const userGuid = (u: string) => guid(`user:${u}`);
  const notes = input.notes ?? [];
  const refsTo = new Map<string, string[]>();
  for (const n of notes) {
    const t = n.target;
    const key =
      t.kind === 'project' ? 'project' : t.kind === 'document' ? `document:${t.documentId}` : t.kind === 'coding' ? `coding:${t.codingId}` : `code:${t.codeId}`;
    const list = refsTo.get(key) ?? refsTo.set(key, []).get(key)!;
    if (!list.includes(n.guid)) list.push(n.guid);
  }
  const noteRefs = (key: string): readonly string[] => refsTo.get(key) ?? [];
  const users = new Set<string>([input.user]);
  for (const c of input.codings) if (c.user) users.add(c.user);
  for (const n of notes) if (n.user) users.add(n.user);
  const docIds = new Set(input.documents.map((d) => d.id));

  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Project xmlns="urn:QDA-XML:project:1.0" name="${escapeXml(input.projectName)}" origin="qualtag" creatingUserGUID="${userGuid(input.user)}" creationDateTime="${now}">`,
    '\t<Users>',
    ...[...users].sort().map((u) => `\t\t<User guid="${userGuid(u)}" name="${escapeXml(u)}" id="${escapeXml(u)}"/>`),
    '\t</Users>',
    ...codesXml(
      input.codebook,
      input.codings.filter((c) => docIds.has(c.documentId)),
      guid,
      noteRefs,
    ),
  ];

  const respondents = new Map<string, Set<string>>();
  for (const d of input.documents) for (const r of d.respondents) (respondents.get(r) ?? respondents.set(r, new Set()).get(r)!).add(d.id);
  if (respondents.size) {
    out.push('\t<Cases>');
    for (const [r, docs] of [...respondents].sort(([a], [b]) => a.localeCompare(b, 'nl', { numeric: true }))) {
      out.push(`\t\t<Case guid="${guid(`case:${r}`)}" name="${escapeXml(r)}">`);
      for (const d of [...docs].sort()) out.push(`\t\t\t<SourceRef targetGUID="${guid(`document:${d}`)}"/>`);
      out.push('\t\t</Case>');
    }
    out.push('\t</Cases>');
  }

  const codingIds = new Set(input.codings.filter((c) => docIds.has(c.documentId)).map((c) => c.id));
  const codeIds = new Set([...(input.codebook?.categories.flatMap((c) => c.codes.map((k) => k.id)) ?? []), ...input.codings.map((c) => c.code)]);
  const isExported = (n: QdpxNote): boolean =>
    n.target.kind === 'project' ||
    (n.target.kind === 'document' && docIds.has(n.target.documentId)) ||
    (n.target.kind === 'coding' && codingIds.has(n.target.codingId)) ||
    (n.target.kind === 'code' && codeIds.has(n.target.codeId));
  const sources = new Map<string, string>();
  const byDoc = new Map<string, QdpxCoding[]>();
  for (const c of input.codings) (byDoc.get(c.documentId) ?? byDoc.set(c.documentId, []).get(c.documentId)!).push(c);
  if (input.documents.length) out.push('\t<Sources>');
  for (const doc of input.documents) {
    const docGuid = guid(`document:${doc.id}`);
    sources.set(docGuid, doc.text);
    const created = dateTime(doc.createdAt, now);
    const attrs = `guid="${docGuid}" name="${escapeXml(doc.name)}" plainTextPath="internal://${docGuid}.txt" creatingUser="${userGuid(input.user)}" creationDateTime="${created}"`;
    const codings = byDoc.get(doc.id) ?? [];
    const docRefs = noteRefs(`document:${doc.id}`).map((g) => `\t\t\t<NoteRef targetGUID="${g}"/>`);
    if (!codings.length && !docRefs.length) {
      out.push(`\t\t<TextSource ${attrs}/>`);
      continue;
    }
    out.push(`\t\t<TextSource ${attrs}>`);
    const cp = new CodePointIndex(doc.text);
    const bySpan = new Map<string, QdpxCoding[]>();
    for (const c of codings) {
      if (c.start < 0 || c.end > doc.text.length || c.start >= c.end) {
        throw new RangeError(`coding ${c.id} (${c.start}..${c.end}) lies outside document ${doc.name} (${doc.text.length} characters)`);
      }
      const k = `${c.start}:${c.end}`;
      (bySpan.get(k) ?? bySpan.set(k, []).get(k)!).push(c);
    }
    const spans = [...bySpan.values()].sort((a, b) => a[0]!.start - b[0]!.start || a[0]!.end - b[0]!.end);
    for (const group of spans) {
      const { start, end } = group[0]!;
      // The selection was made by whoever coded it first (ties by coding GUID): the same on every export,
      // whatever order the codings are read in.
      const earliest = group
        .map((c) => ({ c, at: dateTime(c.at, now), g: guid(`coding:${c.id}`) }))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.g < b.g ? -1 : a.g > b.g ? 1 : 0))[0]!;
      const first = earliest.at;
      const excerpt = doc.text
        .slice(start, Math.min(end, start + 60))
        .replace(/\s+/g, ' ')
        .trim();
      out.push(
        `\t\t\t<PlainTextSelection guid="${guid(`selection:${doc.id}:${start}:${end}`)}" name="${escapeXml(excerpt)}" startPosition="${cp.toCodePoint(start)}" endPosition="${cp.toCodePoint(end)}" creatingUser="${userGuid(earliest.c.user ?? input.user)}" creationDateTime="${first}">`,
      );
      // By GUID: the order survives a round trip through another project (whose code ids differ).
      const inGroup = group.map((c) => ({ c, g: guid(`coding:${c.id}`) })).sort((a, b) => (a.g < b.g ? -1 : a.g > b.g ? 1 : 0));
      for (const { c, g } of inGroup) {
        out.push(`\t\t\t\t<Coding guid="${g}" creatingUser="${userGuid(c.user ?? input.user)}" creationDateTime="${dateTime(c.at, now)}">`);
        out.push(`\t\t\t\t\t<CodeRef targetGUID="${guid(`code:${c.code}`)}"/>`);
        for (const n of noteRefs(`coding:${c.id}`)) out.push(`\t\t\t\t\t<NoteRef targetGUID="${n}"/>`);
        out.push('\t\t\t\t</Coding>');
      }
      out.push('\t\t\t</PlainTextSelection>');
    }
    out.push(...docRefs, '\t\t</TextSource>');
  }
  if (input.documents.length) out.push('\t</Sources>');
  // Notes referred to by nothing exported (e.g. a note on a coding no longer accepted) are left out.
  const exportedGuids = new Set(notes.filter(isExported).map((n) => n.guid));
  const written = notes.filter((n, i) => notes.findIndex((m) => m.guid === n.guid) === i && exportedGuids.has(n.guid));
  if (written.length) {
    out.push('\t<Notes>');
    for (const n of written) {
      const who = n.user ? ` creatingUser="${userGuid(n.user)}"` : '';
      const when = n.at ? ` creationDateTime="${dateTime(n.at, now)}"` : '';
      out.push(
        `\t\t<Note guid="${n.guid}"${n.name ? ` name="${escapeXml(n.name)}"` : ''}${who}${when}>`,
        `\t\t\t<PlainTextContent>${escapeXml(n.text)}</PlainTextContent>`,
        '\t\t</Note>',
      );
    }
    out.push('\t</Notes>');
  }
  for (const g of noteRefs('project')) out.push(`\t<NoteRef targetGUID="${g}"/>`);
  out.push('</Project>', '');
  return { qde: out.join('\n'), sources };
}

/** The .qdpx file: project.qde plus sources/<guid>.txt (UTF-8). */
export function buildQdpx(input: QdpxInput): Uint8Array {
  const { qde, sources } = buildProject(input);
  const files: Record<string, Uint8Array> = { 'project.qde': strToU8(qde) };
  for (const [guid, text] of sources) files[`sources/${guid}.txt`] = strToU8(text);
  return zipSync(files, { level: 6, mtime: new Date(input.now) });
}
