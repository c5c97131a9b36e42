// REFI-QDA codebook exchange (.qdc, urn:QDA-XML:codebook:1.0; see ../shared/refi-qda/Codebook.xsd).
// Export: categories become non-codable parent codes, codes their codable children. The definition,
// indicators, questions, aliases, rules and anchor examples travel in <Description> under plain headings so a
// round trip through qualtag keeps them and other QDA tools still show readable text.
// GUIDs are derived from ids, so exporting the same codebook twice gives the same file.
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { QualtagError } from '../errors.js';
import type { AnchorExample, Codebook } from '../model.js';
import { slugify, type DraftCategory, type DraftCode, type DraftCodebook } from './build.js';

/** A stable RFC 4122-shaped GUID (version 5 layout, SHA-1 of a qualtag namespace and the key). */
export function stableGuid(key: string): string {
  const h = createHash('sha1').update(`qualtag:${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const codeGuid = (codeId: string): string => stableGuid(`code:${codeId}`);
export const categoryGuid = (categoryId: string): string => stableGuid(`category:${categoryId}`);

export function escapeXml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped.
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const SECTIONS = { indicators: 'Indicators:', questions: 'Questions:', aliases: 'Aliases:', rules: 'Rules:', exclude: 'Exclude:' } as const;
type ListField = keyof typeof SECTIONS;
type DescribedCode = { definition?: string; examples: AnchorExample[] } & Record<ListField, string[]>;

// Anchor examples go last, one per "- " item; a passage's further lines are indented two spaces and a note
// follows as "  Note: …". A further line that could be read as a heading, a note or an escape gets a "\".
const EXAMPLES = 'Anchor examples:';
const NOTE = 'Note: ';
const HEADINGS = new Set<string>([...Object.values(SECTIONS), EXAMPLES]);
const needsEscape = (line: string): boolean => !line.trim() || line.startsWith(NOTE) || line.startsWith('\\') || HEADINGS.has(line.trim());

function describeExample(e: AnchorExample): string[] {
  const [first = '', ...rest] = e.text.split(/\r?\n/);
  return [
    `- ${first}`,
    ...rest.map((l) => `  ${needsEscape(l) ? `\\${l}` : l}`),
    ...(e.note !== undefined ? [`  ${NOTE}${e.note.replace(/\s*\r?\n\s*/g, ' ')}`] : []),
  ];
}

function describeCode(parts: DescribedCode): string {
  const lines: string[] = [];
  if (parts.definition) lines.push(parts.definition);
  for (const field of Object.keys(SECTIONS) as ListField[]) {
    if (!parts[field].length) continue;
    if (lines.length) lines.push('');
    lines.push(SECTIONS[field], ...parts[field].map((s) => `- ${s}`));
  }
  if (parts.examples.length) {
    if (lines.length) lines.push('');
    lines.push(EXAMPLES, ...parts.examples.flatMap(describeExample));
  }
  return lines.join('\n');
}

export function readDescription(text: string | undefined): DescribedCode {
  const out: DescribedCode = { indicators: [], questions: [], aliases: [], rules: [], exclude: [], examples: [] };
  if (!text) return out;
  const free: string[] = [];
  let field: ListField | 'examples' | undefined;
  for (const line of text.split(/\r?\n/)) {
    const heading = (Object.keys(SECTIONS) as ListField[]).find((f) => line.trim() === SECTIONS[f]) ?? (line.trim() === EXAMPLES ? 'examples' : undefined);
    const example = out.examples.at(-1);
    if (heading) field = heading;
    else if (field === 'examples' && /^\s*- /.test(line)) out.examples.push({ text: line.replace(/^\s*- /, '') });
    else if (field === 'examples' && example && line.startsWith(`  ${NOTE}`)) example.note = line.slice(2 + NOTE.length).trim();
    else if (field === 'examples' && example && example.note === undefined && line.startsWith('  ')) {
      example.text += `\n${line.slice(2).replace(/^\\/, '')}`;
    } else if (field && field !== 'examples' && /^\s*- /.test(line)) out[field].push(line.replace(/^\s*- /, '').trim());
    else if (field && !line.trim()) continue;
    else {
      field = undefined;
      free.push(line);
    }
  }
  const definition = free.join('\n').trim();
  if (definition) out.definition = definition;
  return out;
}

export interface QdcOptions {
  /** The GUID for a key (`code:<id>`, `category:<id>`): GUIDs a project came with (lib/import); default stableGuid. */
  guid?: (key: string) => string;
  /** GUIDs of notes on a code or category (by the same keys), written as NoteRef (in a .qdpx only). */
  noteRefs?: (key: string) => readonly string[];
}

export function codebookToQdc(cb: Codebook, opts: QdcOptions = {}): string {
  const guid = opts.guid ?? stableGuid;
  const attr = (guid: string, name: string, codable: boolean, color?: string) =>
    `guid="${guid}" name="${escapeXml(name)}" isCodable="${codable}"${color ? ` color="${escapeXml(color)}"` : ''}`;
  const refs = (key: string, indent: string) => (opts.noteRefs?.(key) ?? []).map((g) => `${indent}<NoteRef targetGUID="${g}"/>`);
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', `<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="qualtag">`, '\t<Codes>'];
  for (const cat of cb.categories) {
    lines.push(`\t\t<Code ${attr(guid(`category:${cat.id}`), cat.name, false)}>`);
    if (cat.definition) lines.push(`\t\t\t<Description>${escapeXml(cat.definition)}</Description>`);
    lines.push(...refs(`category:${cat.id}`, '\t\t\t'));
    for (const code of cat.codes) {
      const description = describeCode(code);
      const noteRefs = refs(`code:${code.id}`, '\t\t\t\t');
      if (!description && !noteRefs.length) {
        lines.push(`\t\t\t<Code ${attr(guid(`code:${code.id}`), code.name, true, code.color)}/>`);
        continue;
      }
      lines.push(`\t\t\t<Code ${attr(guid(`code:${code.id}`), code.name, true, code.color)}>`);
      if (description) lines.push(`\t\t\t\t<Description>${escapeXml(description)}</Description>`);
      lines.push(...noteRefs, '\t\t\t</Code>');
    }
    lines.push('\t\t</Code>');
  }
  lines.push('\t</Codes>', '</CodeBook>', '');
  return lines.join('\n');
}

interface XmlCode {
  '@_guid'?: string;
  '@_name'?: string;
  '@_isCodable'?: string;
  '@_color'?: string;
  Description?: string | { '#text'?: string };
  Code?: XmlCode[];
}

const descriptionText = (d: XmlCode['Description']): string | undefined => (typeof d === 'string' ? d : d?.['#text']);

function flatten(codes: XmlCode[], path: string, out: Array<{ code: XmlCode; where: string }>): void {
  codes.forEach((c, i) => {
    const where = `${path}[${i}]`;
    out.push({ code: c, where });
    if (c.Code?.length) flatten(c.Code, `${where}.Code`, out);
  });
}

export function parseQdcCodebook(source: string, fileName: string, fallbackId: string, language: 'nl' | 'en' = 'nl'): DraftCodebook {
  const parser = new XMLParser({
    ignoreAttributes: false,
    removeNSPrefix: true,
    isArray: (name) => name === 'Code',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
  });
  let doc: { CodeBook?: { Codes?: { Code?: XmlCode[] }; '@_origin'?: string } };
  try {
    doc = parser.parse(source) as typeof doc;
  } catch (e) {
    throw new QualtagError(
      'BAD_CODEBOOK',
      `not valid XML: ${e instanceof Error ? e.message : String(e)}`,
      'Export the codebook again from your QDA tool as REFI-QDA (.qdc)',
      fileName,
    );
  }
  const top = doc.CodeBook?.Codes?.Code;
  if (!top?.length) {
    throw new QualtagError('BAD_CODEBOOK', 'no <CodeBook><Codes><Code> elements', 'A REFI-QDA codebook (.qdc) has a CodeBook root with Codes', fileName);
  }
  const toDraft = (c: XmlCode, where: string): DraftCode => {
    if (!c['@_name']) throw new QualtagError('BAD_CODEBOOK', 'a Code has no name attribute', 'Every <Code> needs name="..."', `${fileName}: ${where}`);
    const d = readDescription(descriptionText(c.Description));
    return { name: c['@_name'], ...d, ...(c['@_color'] ? { color: c['@_color'] } : {}), where };
  };
  const categories: DraftCategory[] = [];
  const loose: DraftCode[] = [];
  top.forEach((c, i) => {
    const where = `CodeBook.Codes.Code[${i}]`;
    if (!c.Code?.length) {
      loose.push(toDraft(c, where));
      return;
    }
    const cat = toDraft(c, where);
    const children: Array<{ code: XmlCode; where: string }> = [];
    flatten(c.Code, `${where}.Code`, children);
    const catId = slugify(cat.name);
    categories.push({
      id: catId,
      name: cat.name,
      ...(cat.definition ? { definition: cat.definition } : {}),
      where,
      codes: children.map((ch) => toDraft(ch.code, ch.where)),
    });
    // A codable parent is itself a code too: keep it as the category's general code.
    if (c['@_isCodable'] === 'true' || c['@_isCodable'] === '1') categories.at(-1)!.codes.unshift({ ...cat, id: `${catId}/${catId}` });
  });
  if (loose.length) categories.push({ id: 'codes', name: 'Codes', codes: loose, where: 'CodeBook.Codes' });
  return { id: fallbackId, language, categories };
}
