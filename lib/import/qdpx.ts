// Reads a REFI-QDA project (.qdpx from ATLAS.ti, NVivo, MAXQDA, QualCoder or qualtag) into plain domain
// data: sources with their exact text, the codebook, codings with user and date, cases, notes, and a
// report of what was read and what was skipped, and why. Nothing here touches storage.
//
// Safety first: the zip is checked before anything is inflated (zip.ts); a DOCTYPE is refused (so no
// entity expansion and no external entities); project.qde is validated against the REFI-QDA schema
// before it is read. Schema errors for the quirks real exports have (a Set or the Project without a
// name, a Code without isCodable) are warnings; any other error refuses the file, naming the element.
// Positions are verified by slicing (positions.ts): a selection that does not slice cleanly is reported
// with its source and position, never moved.
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { buildCodebook, slugify, type DraftCategory, type DraftCode } from '../codebook/build.js';
import { readDescription, stableGuid } from '../codebook/qdc.js';
import { QualtagError } from '../errors.js';
import type { Codebook, Language } from '../model.js';
import { readPositions, type PositionReading, type RawSelection } from './positions.js';
import { PROJECT_XSD } from './project-xsd.js';
import { elementPathAtLine } from './xml-path.js';
import { safeUnzip, type ZipLimits } from './zip.js';

// ------------------------------------------------------------------------------------------ the result

export type SourceKind = 'text' | 'pdf' | 'docx';

export interface ImportedSource {
  /** Normalised GUID (lower case, no braces). */
  guid: string;
  name: string;
  kind: SourceKind;
  /**
   * The source's plain text with line ends as LF: for a text source exactly what the codings point
   * into; for PDF/DOCX the exporting tool's text representation ('' when it gave none).
   */
  text: string;
  /** The original file of a PDF or DOCX source. */
  file?: { bytes: Uint8Array; ext: 'pdf' | 'docx' };
  createdAt?: string;
  createdBy?: string;
  /** How the source's positions were counted (see positions.ts). */
  reading: PositionReading;
}

export interface ImportedCoding {
  guid: string;
  selectionGuid: string;
  sourceGuid: string;
  codeId: string;
  /** UTF-16 offsets into the source's (LF) text, end excluded. */
  start: number;
  end: number;
  /** text.slice(start, end). */
  quote: string;
  /** User name (or "imported" when the project names none). */
  user: string;
  at?: string;
}

export type NoteTarget =
  | { kind: 'project' }
  | { kind: 'source'; sourceGuid: string }
  | { kind: 'coding'; codingGuid: string }
  | { kind: 'code'; codeId: string };

export interface ImportedNote {
  guid: string;
  name?: string;
  text: string;
  user?: string;
  at?: string;
  target: NoteTarget;
}

export interface ImportedCase {
  guid: string;
  name: string;
  sourceGuids: string[];
}

export interface ImportIssue {
  /** What was skipped or is worth knowing: source, coding, code, note, case, project. */
  kind: 'project' | 'source' | 'coding' | 'code' | 'note' | 'case';
  /** Where: the source name and GUID, the selection's positions, the element path. */
  where: string;
  message: string;
}

export interface ImportReport {
  counts: { sources: number; codes: number; codings: number; notes: number; cases: number; users: number };
  warnings: ImportIssue[];
  skipped: ImportIssue[];
}

export interface ImportedProject {
  name: string;
  origin?: string;
  codebook: Codebook;
  /** GUIDs of the codebook's codes and categories (normalised), by id, so an export can keep them. */
  codeGuids: Map<string, string>;
  categoryGuids: Map<string, string>;
  /** User GUID (normalised) → name. */
  users: Map<string, string>;
  sources: ImportedSource[];
  codings: ImportedCoding[];
  notes: ImportedNote[];
  cases: ImportedCase[];
  report: ImportReport;
}

export interface ReadQdpxOptions {
  language?: Language;
  limits?: ZipLimits;
  /** Codebook id (default: a slug of the project name). */
  codebookId?: string;
}

// ------------------------------------------------------------------------------------------ XML shapes

type Attrs = Record<string, string | undefined>;
interface XNode extends Attrs {}
type El = XNode & { [child: string]: unknown };

const REPEATED = new Set([
  'User',
  'Code',
  'Case',
  'SourceRef',
  'TextSource',
  'PDFSource',
  'PictureSource',
  'AudioSource',
  'VideoSource',
  'PlainTextSelection',
  'PDFSelection',
  'Coding',
  'NoteRef',
  'Note',
  'Set',
  'MemberCode',
  'MemberSource',
  'Variable',
  'VariableValue',
]);

const kids = (el: El | undefined, name: string): El[] => (el?.[name] as El[] | undefined) ?? [];
const kid = (el: El | undefined, name: string): El | undefined => el?.[name] as El | undefined;
const attr = (el: El | undefined, name: string): string | undefined => {
  const v = el?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
};
function textOf(el: unknown): string | undefined {
  if (typeof el === 'string') return el;
  if (el && typeof el === 'object' && typeof (el as El)['#text'] === 'string') return (el as El)['#text'] as string;
  return undefined;
}

/** GUIDs compared the same in any case, with or without braces. */
export function normaliseGuid(g: string | undefined): string | undefined {
  return (
    g
      ?.trim()
      .replace(/^\{|\}$/g, '')
      .toLowerCase() || undefined
  );
}

const BOM = /^\uFEFF/;

// ---------------------------------------------------------------------------------------- the archive

/** The project.qde entry: `project.qde`, or the one `.qde` (ATLAS.ti names it after the project). */
function findQde(files: Map<string, Uint8Array>, fileName: string): { name: string; bytes: Uint8Array } {
  const qdes = [...files.keys()].filter((n) => n.toLowerCase().endsWith('.qde') && !n.includes('/'));
  const exact = qdes.find((n) => n.toLowerCase() === 'project.qde');
  const name = exact ?? (qdes.length === 1 ? qdes[0] : undefined);
  if (!name) {
    throw new QualtagError(
      'BAD_PROJECT',
      qdes.length ? `several .qde files (${qdes.slice(0, 5).join(', ')}) and none is project.qde` : 'no project.qde in the archive',
      'A .qdpx holds one project.qde beside a sources/ folder; export the project again as REFI-QDA',
      fileName,
    );
  }
  return { name, bytes: files.get(name)! };
}

/** Decodes a text file of the archive: UTF-8 (BOM dropped), or UTF-16 with a BOM. Line ends kept. */
function decodeSourceText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(BOM, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * Finds the file a source path names, inside the archive only: `internal://x` is `sources/x` (any
 * case); `relative://p` and `absolute://p` are looked up by their path relative to the archive and then
 * by file name under sources/, because a path outside the archive is never read.
 */
function resolvePath(
  files: Map<string, Uint8Array>,
  path: string,
): { bytes: Uint8Array; entry: string; how: 'internal' | 'relative' | 'absolute' } | { missing: string } {
  const lower = new Map([...files.keys()].map((k) => [k.toLowerCase(), k]));
  const m = /^(internal|relative|absolute):\/\/(.*)$/i.exec(path.trim());
  if (!m) return { missing: `the path "${path.slice(0, 120)}" has no internal://, relative:// or absolute:// scheme` };
  const how = m[1]!.toLowerCase() as 'internal' | 'relative' | 'absolute';
  let rest: string;
  try {
    rest = decodeURI(m[2]!);
  } catch {
    rest = m[2]!;
  }
  rest = rest.replace(/\\/g, '/');
  const base = rest.split('/').pop() ?? '';
  const candidates = how === 'internal' ? [`sources/${rest}`] : [rest.replace(/^\/+/, ''), `sources/${base}`];
  for (const c of candidates) {
    if (c.split('/').includes('..')) continue;
    const entry = lower.get(c.toLowerCase());
    if (entry) return { bytes: files.get(entry)!, entry, how };
  }
  return {
    missing:
      how === 'internal'
        ? `sources/${rest} is not in the archive`
        : `the ${how} path "${rest.slice(0, 120)}" points outside the archive, which is never read; export the project with its sources embedded`,
  };
}

// ------------------------------------------------------------------------------------------ validation

/** Schema errors real exports commonly have, read with a warning rather than refused. */
const TOLERATED: Array<{ re: RegExp; warning: string }> = [
  { re: /Element '\{[^}]*\}Set': The attribute 'name' is required/, warning: 'a Set without a name (named after its position)' },
  { re: /Element '\{[^}]*\}Project': The attribute 'name' is required/, warning: 'the Project has no name (named after the file)' },
  { re: /Element '\{[^}]*\}Code': The attribute 'isCodable' is required/, warning: 'a Code without isCodable (read as codable)' },
];

async function validate(qde: string, entry: string, fileName: string): Promise<ImportIssue[]> {
  const result = await validateXML({ xml: [{ fileName: 'project.qde', contents: qde }], schema: [{ fileName: 'Project.xsd', contents: PROJECT_XSD }] });
  const warnings: ImportIssue[] = [];
  for (const e of result.errors) {
    const where = e.loc ? `${fileName}: ${entry} line ${e.loc.lineNumber}, ${elementPathAtLine(qde, e.loc.lineNumber)}` : `${fileName}: ${entry}`;
    const message = e.message.replace(/^Schemas validity error : /, '').replace(/\{urn:QDA-XML:project:1\.0\}/g, '');
    const t = TOLERATED.find((x) => x.re.test(e.message));
    if (t) {
      warnings.push({ kind: 'project', where, message: t.warning });
      continue;
    }
    throw new QualtagError(
      'BAD_PROJECT',
      `does not follow the REFI-QDA project schema: ${message.trim()}`,
      'Export the project again as REFI-QDA (.qdpx); if your QDA tool wrote it like this, report it to qualtag with this message',
      where,
    );
  }
  return warnings;
}

// ------------------------------------------------------------------------------------------ the reader

/** Reads and checks a .qdpx; throws BAD_PROJECT / TOO_LARGE naming the entry or element at fault. */
export async function readQdpx(bytes: Uint8Array, fileName: string, opts: ReadQdpxOptions = {}): Promise<ImportedProject> {
  const files = safeUnzip(bytes, fileName, opts.limits);
  const qdeEntry = findQde(files, fileName);
  let qde: string;
  try {
    qde = new TextDecoder('utf-8', { fatal: true }).decode(qdeEntry.bytes).replace(BOM, '');
  } catch {
    throw new QualtagError('BAD_PROJECT', `${qdeEntry.name} is not UTF-8 text`, 'Export the project again as REFI-QDA (.qdpx)', fileName);
  }
  // No DTDs at all: REFI-QDA uses none, and refusing them rules out entity expansion and external entities.
  if (/<!DOCTYPE|<!ENTITY/i.test(qde)) {
    throw new QualtagError(
      'BAD_PROJECT',
      `${qdeEntry.name} declares a DOCTYPE or entities`,
      'A REFI-QDA project has no DTD; this file is not safe to read',
      fileName,
    );
  }
  const warnings = await validate(qde, qdeEntry.name, fileName);
  const skipped: ImportIssue[] = [];
  if (qdeEntry.name !== 'project.qde')
    warnings.push({ kind: 'project', where: fileName, message: `the project file is named "${qdeEntry.name}", not project.qde (read as the project)` });

  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    isArray: (name) => REPEATED.has(name),
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: false,
  });
  const doc = parser.parse(qde) as { Project?: El };
  const project = doc.Project!;
  const projectName = attr(project, 'name')?.trim() || fileName.replace(/\.qdpx$/i, '');

  // Users: GUID → a name (name, else id, else the GUID's start).
  const users = new Map<string, string>();
  for (const u of kids(kid(project, 'Users'), 'User')) {
    const g = normaliseGuid(attr(u, 'guid'))!;
    users.set(g, attr(u, 'name')?.trim() || attr(u, 'id')?.trim() || `user ${g.slice(0, 8)}`);
  }
  let missingUsers = 0;
  const userName = (...guids: Array<string | undefined>): string => {
    for (const g of guids) {
      const n = normaliseGuid(g);
      if (n) return users.get(n) ?? `user ${n.slice(0, 8)}`;
    }
    missingUsers++;
    return 'imported';
  };

  const referenced = new Set([...qde.matchAll(/<(?:\w+:)?CodeRef\s[^>]*targetGUID\s*=\s*["']([^"']+)["']/g)].map((m) => normaliseGuid(m[1])!));
  const { codebook, codeGuids, categoryGuids, byGuid: codeByGuid, codeElements } = readCodebook(project, projectName, opts, warnings, referenced);

  const notes: ImportedNote[] = [];
  const noteRefs = new Map<string, NoteTarget[]>();
  const addNoteRefs = (el: El, target: NoteTarget) => {
    for (const r of kids(el, 'NoteRef')) {
      const g = normaliseGuid(attr(r, 'targetGUID'));
      if (g) (noteRefs.get(g) ?? noteRefs.set(g, []).get(g)!).push(target);
    }
  };
  addNoteRefs(project, { kind: 'project' });
  for (const [g, id] of codeByGuid) {
    const el = codeElements.get(g);
    if (el) addNoteRefs(el, { kind: 'code', codeId: id });
  }

  const sources: ImportedSource[] = [];
  const codings: ImportedCoding[] = [];
  const sourcesEl = kid(project, 'Sources');
  const sourceNames = new Set<string>();
  const uniqueName = (name: string): string => {
    let n = name;
    for (let i = 2; sourceNames.has(n.toLowerCase()); i++) n = `${name} (${i})`;
    sourceNames.add(n.toLowerCase());
    return n;
  };

  const readText = (el: El, where: string): { raw: string } | { missing: string } => {
    const inline = textOf(el.PlainTextContent);
    if (inline !== undefined) return { raw: inline };
    const p = attr(el, 'plainTextPath') ?? (/\.txt$/i.test(attr(el, 'richTextPath') ?? '') ? attr(el, 'richTextPath') : undefined);
    if (!p) return { missing: 'it has neither PlainTextContent nor plainTextPath' };
    const r = resolvePath(files, p);
    if ('missing' in r) return r;
    if (r.how !== 'internal') warnings.push({ kind: 'source', where, message: `its text is a ${r.how}:// path, read from ${r.entry} inside the archive` });
    return { raw: decodeSourceText(r.bytes) };
  };

  /** Selections and codings of one text (a TextSource or a PDF's Representation). */
  const readCodedText = (el: El, source: ImportedSource, raw: string, where: string): void => {
    const selections = kids(el, 'PlainTextSelection');
    const rawSel: RawSelection[] = selections.map((s) => ({
      start: Number(attr(s, 'startPosition')),
      end: Number(attr(s, 'endPosition')),
      ...(attr(s, 'name') ? { name: attr(s, 'name')! } : {}),
    }));
    const reading = readPositions(raw, rawSel);
    source.text = reading.text;
    source.reading = reading.reading;
    if (selections.length && reading.reading !== 'code points' && !reading.ties.includes('code points')) {
      warnings.push({ kind: 'source', where, message: `positions are counted as ${reading.reading} (the selections slice cleanly only so)` });
    }
    selections.forEach((sel, i) => {
      const m = reading.selections[i]!;
      const selGuid = normaliseGuid(attr(sel, 'guid'))!;
      const pos = `${where}, selection ${rawSel[i]!.start}..${rawSel[i]!.end}`;
      const selCodings = kids(sel, 'Coding');
      const memo = textOf(sel.Description)?.trim();
      if (!m.range || m.problem) {
        for (const _ of selCodings.length ? selCodings : [])
          skipped.push({ kind: 'coding', where: pos, message: `${m.problem ?? 'does not slice cleanly'}: not imported (never shifted)` });
        if (!selCodings.length && memo) skipped.push({ kind: 'note', where: pos, message: `${m.problem}: its memo is not imported` });
        return;
      }
      const { start, end } = m.range;
      const quote = reading.text.slice(start, end);
      const codingGuids: string[] = [];
      for (const c of selCodings) {
        const codingGuid = normaliseGuid(attr(c, 'guid'))!;
        const target = normaliseGuid(attr(kid(c, 'CodeRef'), 'targetGUID'));
        const codeId = target ? codeByGuid.get(target) : undefined;
        if (!codeId) {
          skipped.push({ kind: 'coding', where: pos, message: `its code ${target ?? '(none)'} is not in the codebook` });
          continue;
        }
        const at = attr(c, 'creationDateTime') ?? attr(sel, 'creationDateTime') ?? attr(sel, 'modifiedDateTime');
        codings.push({
          guid: codingGuid,
          selectionGuid: selGuid,
          sourceGuid: source.guid,
          codeId,
          start,
          end,
          quote,
          user: userName(attr(c, 'creatingUser'), attr(sel, 'creatingUser'), attr(sel, 'modifyingUser')),
          ...(at ? { at } : {}),
        });
        codingGuids.push(codingGuid);
        addNoteRefs(c, { kind: 'coding', codingGuid });
      }
      for (const g of codingGuids.length ? codingGuids : [])
        for (const r of kids(sel, 'NoteRef')) {
          const ng = normaliseGuid(attr(r, 'targetGUID'));
          if (ng) (noteRefs.get(ng) ?? noteRefs.set(ng, []).get(ng)!).push({ kind: 'coding', codingGuid: g });
        }
      if (!codingGuids.length) addNoteRefs(sel, { kind: 'source', sourceGuid: source.guid });
      // A selection's Description is a memo (ATLAS.ti's comments, MAXQDA's memos): a note on its codings, or on the source.
      if (memo) {
        const targets: NoteTarget[] = codingGuids.length
          ? codingGuids.map((g) => ({ kind: 'coding', codingGuid: g }))
          : [{ kind: 'source', sourceGuid: source.guid }];
        const text = codingGuids.length ? memo : `${memo}\n\n(on "${quote.slice(0, 80)}", ${start}..${end})`;
        // A memo has no GUID of its own: one derived from its selection (and coding) stays the same on every read.
        for (const t of targets) notes.push({ guid: stableGuid(`memo:${selGuid}:${t.kind === 'coding' ? t.codingGuid : 'source'}`), text, target: t });
      }
    });
    // A Coding directly on the source codes all of it.
    for (const c of kids(el, 'Coding')) {
      const target = normaliseGuid(attr(kid(c, 'CodeRef'), 'targetGUID'));
      const codeId = target ? codeByGuid.get(target) : undefined;
      if (!codeId || !reading.text.trim()) {
        skipped.push({
          kind: 'coding',
          where: `${where}, coding of the whole source`,
          message: codeId ? 'the source has no text' : `its code ${target ?? '(none)'} is not in the codebook`,
        });
        continue;
      }
      const codingGuid = normaliseGuid(attr(c, 'guid'))!;
      const at = attr(c, 'creationDateTime');
      codings.push({
        guid: codingGuid,
        selectionGuid: codingGuid,
        sourceGuid: source.guid,
        codeId,
        start: 0,
        end: reading.text.length,
        quote: reading.text,
        user: userName(attr(c, 'creatingUser')),
        ...(at ? { at } : {}),
      });
      addNoteRefs(c, { kind: 'coding', codingGuid });
    }
  };

  for (const el of kids(sourcesEl, 'TextSource')) {
    const guid = normaliseGuid(attr(el, 'guid'))!;
    const rawName = attr(el, 'name')?.trim() || `Source ${guid.slice(0, 8)}`;
    const where = `source "${rawName}" (${guid})`;
    const text = readText(el, where);
    const rich = attr(el, 'richTextPath');
    let file: ImportedSource['file'];
    if (rich && /\.docx$/i.test(rich)) {
      const r = resolvePath(files, rich);
      if ('bytes' in r) file = { bytes: r.bytes, ext: 'docx' };
    }
    if ('missing' in text && !file) {
      skipped.push({ kind: 'source', where, message: `no text: ${text.missing}; its ${kids(el, 'PlainTextSelection').length} selections are not imported` });
      continue;
    }
    const source: ImportedSource = {
      guid,
      name: uniqueName(rawName),
      kind: file ? 'docx' : 'text',
      text: '',
      reading: 'code points',
      ...(file ? { file } : {}),
      ...creation(el, userName),
    };
    if (source.name !== rawName) warnings.push({ kind: 'source', where, message: `another source has the same name: imported as "${source.name}"` });
    sources.push(source);
    addNoteRefs(el, { kind: 'source', sourceGuid: guid });
    readCodedText(el, source, 'raw' in text ? text.raw : '', where);
  }

  for (const el of kids(sourcesEl, 'PDFSource')) {
    const guid = normaliseGuid(attr(el, 'guid'))!;
    const rawName = attr(el, 'name')?.trim() || `Source ${guid.slice(0, 8)}`;
    const where = `source "${rawName}" (${guid})`;
    const path = attr(el, 'path') ?? attr(el, 'currentPath');
    const r = path ? resolvePath(files, path) : { missing: 'it has no path' };
    if ('missing' in r) {
      skipped.push({ kind: 'source', where, message: `the PDF is missing: ${r.missing}` });
      continue;
    }
    const source: ImportedSource = {
      guid,
      name: uniqueName(rawName),
      kind: 'pdf',
      text: '',
      file: { bytes: r.bytes, ext: 'pdf' },
      reading: 'code points',
      ...creation(el, userName),
    };
    sources.push(source);
    addNoteRefs(el, { kind: 'source', sourceGuid: guid });
    const rep = kid(el, 'Representation');
    if (rep) {
      const text = readText(rep, `${where}, text representation`);
      readCodedText(rep, source, 'raw' in text ? text.raw : '', where);
    }
    for (const sel of kids(el, 'PDFSelection')) {
      for (const _ of kids(sel, 'Coding')) {
        skipped.push({
          kind: 'coding',
          where: `${where}, page ${attr(sel, 'page')} area ${attr(sel, 'firstX')},${attr(sel, 'firstY')}–${attr(sel, 'secondX')},${attr(sel, 'secondY')}`,
          message: 'an area of a PDF page cannot be placed on text: code it again in qualtag',
        });
      }
    }
  }

  for (const kind of ['PictureSource', 'AudioSource', 'VideoSource']) {
    for (const el of kids(sourcesEl, kind)) {
      skipped.push({
        kind: 'source',
        where: `source "${attr(el, 'name') ?? ''}" (${normaliseGuid(attr(el, 'guid'))})`,
        message: `a ${kind.replace('Source', '').toLowerCase()} source: qualtag codes text only`,
      });
    }
  }

  // Notes: the text and who wrote it; a note no object refers to is a project note.
  for (const n of kids(kid(project, 'Notes'), 'Note')) {
    const guid = normaliseGuid(attr(n, 'guid'))!;
    const where = `note "${attr(n, 'name') ?? ''}" (${guid})`;
    const t = readText(n, where);
    if ('missing' in t) {
      skipped.push({ kind: 'note', where, message: `no text: ${t.missing}` });
      continue;
    }
    const creator = attr(n, 'creatingUser');
    const at = attr(n, 'creationDateTime');
    const base = {
      guid,
      text: t.raw.replace(/\r\n?/g, '\n'),
      ...(attr(n, 'name') ? { name: attr(n, 'name')! } : {}),
      ...(creator ? { user: userName(creator) } : {}),
      ...(at ? { at } : {}),
    };
    const targets = noteRefs.get(guid) ?? [{ kind: 'project' } as const];
    for (const target of targets) notes.push({ ...base, target });
  }

  // Cases become respondents of the sources they refer to; a case without a name is named after its source.
  const sourceByGuid = new Map(sources.map((s) => [s.guid, s]));
  const cases: ImportedCase[] = [];
  kids(kid(project, 'Cases'), 'Case').forEach((c, i) => {
    const guid = normaliseGuid(attr(c, 'guid'))!;
    const refs = kids(c, 'SourceRef')
      .map((r) => normaliseGuid(attr(r, 'targetGUID'))!)
      .filter((g) => sourceByGuid.has(g));
    let name = attr(c, 'name')?.trim();
    if (!name) {
      name = refs.length ? sourceByGuid.get(refs[0]!)!.name : `Case ${i + 1}`;
      warnings.push({ kind: 'case', where: `case ${guid}`, message: `has no name: named "${name}"` });
    }
    if (!refs.length) {
      skipped.push({ kind: 'case', where: `case "${name}" (${guid})`, message: 'refers to no imported source, so it names no respondent' });
      return;
    }
    cases.push({ guid, name, sourceGuids: refs });
  });
  const sets = kids(kid(project, 'Sets'), 'Set');
  if (sets.length)
    warnings.push({
      kind: 'project',
      where: 'Sets',
      message: `${sets.length} set${sets.length > 1 ? 's' : ''} (groups of codes or sources) not imported: qualtag has no sets`,
    });
  if (missingUsers)
    warnings.push({
      kind: 'project',
      where: 'Users',
      message: `${missingUsers} coding${missingUsers > 1 ? 's name' : ' names'} no user: recorded as "imported"`,
    });

  const usedUsers = new Set([...codings.map((c) => c.user), ...notes.flatMap((n) => (n.user ? [n.user] : []))]);
  return {
    name: projectName,
    ...(attr(project, 'origin') ? { origin: attr(project, 'origin')! } : {}),
    codebook,
    codeGuids,
    categoryGuids,
    users,
    sources,
    codings,
    notes,
    cases,
    report: {
      counts: {
        sources: sources.length,
        codes: codeGuids.size,
        codings: codings.length,
        notes: new Set(notes.map((n) => n.guid)).size,
        cases: cases.length,
        users: usedUsers.size,
      },
      warnings,
      skipped,
    },
  };

  function creation(el: El, name: (...g: Array<string | undefined>) => string): Pick<ImportedSource, 'createdAt' | 'createdBy'> {
    const at = attr(el, 'creationDateTime');
    const by = attr(el, 'creatingUser');
    return { ...(at ? { createdAt: at } : {}), ...(by ? { createdBy: name(by) } : {}) };
  }
}

// --------------------------------------------------------------------------------------- the codebook

/**
 * Nested codes → categories and codes: a top-level code with children is a category and all its
 * descendants its codes (deeper levels flattened, with a warning); a codable parent also becomes a code
 * of its category (also when codings use it); top-level codes without children go to a category "Codes".
 */
function readCodebook(project: El, projectName: string, opts: ReadQdpxOptions, warnings: ImportIssue[], referenced: ReadonlySet<string>) {
  const codeElements = new Map<string, El>();
  const top = kids(kid(kid(project, 'CodeBook'), 'Codes'), 'Code');
  const categories: Array<DraftCategory & { guid: string; codeGuids: string[] }> = [];
  const loose: { codes: DraftCode[]; guids: string[] } = { codes: [], guids: [] };
  const usedCat = new Set<string>();
  const unique = (base: string, used: Set<string>) => {
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
    used.add(id);
    return id;
  };
  const draft = (c: El, where: string, catId: string, used: Set<string>, name = attr(c, 'name')?.trim() || 'code'): DraftCode => {
    const d = readDescription(textOf(c.Description));
    const color = attr(c, 'color');
    return {
      id: unique(`${catId}/${slugify(name)}`, used),
      name,
      ...d,
      ...(color ? { color: color.length === 4 ? `#${[...color.slice(1)].map((x) => x + x).join('')}` : color } : {}),
      where,
    };
  };
  top.forEach((c, i) => {
    const guid = normaliseGuid(attr(c, 'guid'))!;
    codeElements.set(guid, c);
    const where = `CodeBook/Codes/Code[${i + 1}]`;
    const children = kids(c, 'Code');
    if (!children.length) {
      loose.codes.push({ ...draft(c, where, 'codes', new Set(loose.codes.map((x) => x.id!))) });
      loose.guids.push(guid);
      return;
    }
    const name = attr(c, 'name')?.trim() || `Category ${i + 1}`;
    const catId = unique(slugify(name), usedCat);
    const usedCodes = new Set<string>();
    const d = readDescription(textOf(c.Description));
    const cat: DraftCategory & { guid: string; codeGuids: string[] } = {
      id: catId,
      name,
      ...(d.definition ? { definition: d.definition } : {}),
      where,
      codes: [],
      guid,
      codeGuids: [],
    };
    const codable = attr(c, 'isCodable');
    if (codable === 'true' || codable === '1' || referenced.has(guid)) {
      // A codable (or coded) parent is itself a code: the category's general code (keyed by the parent's GUID).
      cat.codes.push({ ...draft(c, where, catId, usedCodes, name), id: unique(`${catId}/${catId}`, usedCodes) });
      cat.codeGuids.push(guid);
    }
    const walk = (list: El[], path: string, depth: number) => {
      list.forEach((k, j) => {
        const kg = normaliseGuid(attr(k, 'guid'))!;
        codeElements.set(kg, k);
        const kWhere = `${path}/Code[${j + 1}]`;
        cat.codes.push(draft(k, kWhere, catId, usedCodes));
        cat.codeGuids.push(kg);
        if (depth >= 2)
          warnings.push({ kind: 'code', where: kWhere, message: `"${attr(k, 'name')}" is nested ${depth} levels deep: imported as a code of "${name}"` });
        walk(kids(k, 'Code'), kWhere, depth + 1);
      });
    };
    walk(children, where, 1);
    categories.push(cat);
  });
  if (loose.codes.length)
    categories.push({ id: unique('codes', usedCat), name: 'Codes', where: 'CodeBook/Codes', codes: loose.codes, guid: '', codeGuids: loose.guids });
  const id = opts.codebookId ?? slugify(projectName);
  let codebook: Codebook;
  if (!categories.length) {
    codebook = { id, language: opts.language ?? 'nl', categories: [], version: 'empty' };
  } else {
    codebook = buildCodebook({ id, title: projectName, language: opts.language ?? 'nl', categories }, 'project.qde');
  }
  const codeGuids = new Map<string, string>();
  const categoryGuids = new Map<string, string>();
  const byGuid = new Map<string, string>();
  codebook.categories.forEach((cat, i) => {
    const dc = categories[i]!;
    if (dc.guid) categoryGuids.set(cat.id, dc.guid);
    cat.codes.forEach((code, j) => {
      codeGuids.set(code.id, dc.codeGuids[j]!);
      byGuid.set(dc.codeGuids[j]!, code.id);
    });
  });
  return { codebook, codeGuids, categoryGuids, byGuid, codeElements };
}
