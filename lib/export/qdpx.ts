// REFI-QDA project export (.qdpx = zip of project.qde + sources/<guid>.txt), readable by ATLAS.ti,
// NVivo, MAXQDA and QualCoder. Validates against ../shared/refi-qda/Project.xsd.
// - Each document becomes a TextSource whose plain text is exactly the text our offsets point into.
// - Codings with the same span share one PlainTextSelection; positions are Unicode code points.
// - The CodeBook is the codebook's .qdc (categories as non-codable parents), plus any code only an
//   earlier codebook version knew, so every CodeRef resolves.
// - Respondents become Cases that refer to the documents they speak in.
// GUIDs are derived from ids, so exporting the same project twice gives the same file.
import { strToU8, zipSync } from 'fflate';
import { codeGuid, codebookToQdc, stableGuid } from '../codebook/index.js';
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

export interface QdpxInput {
  projectName: string;
  codebook: Codebook | null;
  documents: readonly QdpxDocument[];
  codings: readonly QdpxCoding[];
  /** Creation time of the export (xsd:dateTime). */
  now: string;
  /** The exporting user. */
  user: string;
}

export const userGuid = (userId: string): string => stableGuid(`user:${userId}`);
export const documentGuid = (documentId: string): string => stableGuid(`document:${documentId}`);
export const selectionGuid = (documentId: string, start: number, end: number): string => stableGuid(`selection:${documentId}:${start}:${end}`);

/** xsd:dateTime wants no more than what toISOString gives; fall back to the export time for junk. */
function dateTime(s: string, fallback: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? fallback : d.toISOString();
}

function codesXml(cb: Codebook | null, codings: readonly QdpxCoding[]): string[] {
  const lines: string[] = [];
  const known = new Set<string>();
  if (cb) {
    const qdc = codebookToQdc(cb);
    const inner = qdc.slice(qdc.indexOf('<Codes>') + '<Codes>'.length, qdc.lastIndexOf('</Codes>'));
    for (const line of inner.split('\n')) if (line.trim()) lines.push(`\t${line}`);
    for (const cat of cb.categories) for (const c of cat.codes) known.add(c.id);
  }
  const extra = [...new Set(codings.map((c) => c.code).filter((c) => !known.has(c)))].sort();
  for (const code of extra) lines.push(`\t\t\t<Code guid="${codeGuid(code)}" name="${escapeXml(code)}" isCodable="true"/>`);
  return lines.length ? ['\t<CodeBook>', '\t\t<Codes>', ...lines, '\t\t</Codes>', '\t</CodeBook>'] : [];
}

/** The project.qde XML and the source files (by GUID) of a .qdpx. */
export function buildProject(input: QdpxInput): { qde: string; sources: Map<string, string> } {
  const now = dateTime(input.now, new Date().toISOString());
  const users = new Set<string>([input.user]);
  for (const c of input.codings) if (c.user) users.add(c.user);
  const docIds = new Set(input.documents.map((d) => d.id));

  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Project xmlns="urn:QDA-XML:project:1.0" name="${escapeXml(input.projectName)}" origin="qualtag" creatingUserGUID="${userGuid(input.user)}" creationDateTime="${now}">`,
    '\t<Users>',
    ...[...users].sort().map((u) => `\t\t<User guid="${userGuid(u)}" name="${escapeXml(u)}" id="${escapeXml(u)}"/>`),
    '\t</Users>',
    ...codesXml(input.codebook, input.codings.filter((c) => docIds.has(c.documentId))),
  ];

  const respondents = new Map<string, Set<string>>();
  for (const d of input.documents) for (const r of d.respondents) (respondents.get(r) ?? respondents.set(r, new Set()).get(r)!).add(d.id);
  if (respondents.size) {
    out.push('\t<Cases>');
    for (const [r, docs] of [...respondents].sort(([a], [b]) => a.localeCompare(b, 'nl', { numeric: true }))) {
      out.push(`\t\t<Case guid="${stableGuid(`case:${r}`)}" name="${escapeXml(r)}">`);
      for (const d of [...docs].sort()) out.push(`\t\t\t<SourceRef targetGUID="${documentGuid(d)}"/>`);
      out.push('\t\t</Case>');
    }
    out.push('\t</Cases>');
  }

  const sources = new Map<string, string>();
  const byDoc = new Map<string, QdpxCoding[]>();
  for (const c of input.codings) (byDoc.get(c.documentId) ?? byDoc.set(c.documentId, []).get(c.documentId)!).push(c);
  if (input.documents.length) out.push('\t<Sources>');
  for (const doc of input.documents) {
    const guid = documentGuid(doc.id);
    sources.set(guid, doc.text);
    const created = dateTime(doc.createdAt, now);
    const attrs = `guid="${guid}" name="${escapeXml(doc.name)}" plainTextPath="internal://${guid}.txt" creatingUser="${userGuid(input.user)}" creationDateTime="${created}"`;
    const codings = byDoc.get(doc.id) ?? [];
    if (!codings.length) {
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
      const first = group.map((c) => dateTime(c.at, now)).sort()[0]!;
      const excerpt = doc.text.slice(start, Math.min(end, start + 60)).replace(/\s+/g, ' ').trim();
      out.push(
        `\t\t\t<PlainTextSelection guid="${selectionGuid(doc.id, start, end)}" name="${escapeXml(excerpt)}" startPosition="${cp.toCodePoint(start)}" endPosition="${cp.toCodePoint(end)}" creatingUser="${userGuid(group[0]!.user ?? input.user)}" creationDateTime="${first}">`,
      );
      for (const c of [...group].sort((a, b) => a.code.localeCompare(b.code))) {
        out.push(`\t\t\t\t<Coding guid="${stableGuid(`coding:${c.id}`)}" creatingUser="${userGuid(c.user ?? input.user)}" creationDateTime="${dateTime(c.at, now)}">`);
        out.push(`\t\t\t\t\t<CodeRef targetGUID="${codeGuid(c.code)}"/>`);
        out.push('\t\t\t\t</Coding>');
      }
      out.push('\t\t\t</PlainTextSelection>');
    }
    out.push('\t\t</TextSource>');
  }
  if (input.documents.length) out.push('\t</Sources>');
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
