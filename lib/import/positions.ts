// REFI-QDA selections count positions in Unicode code points into the source text as stored, but real
// exports differ: some tools count UTF-16 units (emoji then shift every later coding) and some count a
// CRLF line end as one character, others as two. This module tries each reading per source, keeps the
// one under which the selections slice cleanly (in range, no split surrogate pair or CRLF, and matching
// the selection's name where it quotes the text), and maps positions onto the text qualtag stores:
// the same text with line ends as LF, offsets in UTF-16 units (JavaScript string indexes).

export type PositionReading = 'code points' | 'UTF-16 units' | 'code points, CRLF as one' | 'UTF-16 units, CRLF as one';

/** In order of preference when several readings fit equally (the first is what the standard says). */
export const READINGS: readonly PositionReading[] = ['code points', 'code points, CRLF as one', 'UTF-16 units', 'UTF-16 units, CRLF as one'];

export interface RawSelection {
  start: number;
  end: number;
  /** The selection's `name`, which many tools set to (the start of) the quoted text. */
  name?: string;
}

export interface MappedSelection {
  /** UTF-16 offsets into the LF text; absent when the selection does not slice cleanly under the reading. */
  range?: { start: number; end: number };
  /** Why not (out of range, splits a character, text differs from the name). */
  problem?: string;
}

/** The text with CRLF and lone CR as LF (what qualtag's extractor makes of a text upload). */
export function toLf(raw: string): string {
  return raw.replace(/\r\n?/g, '\n');
}

/** For each reading, position → UTF-16 index in the LF text, -1 where a position splits a character. */
function positionMaps(raw: string): Record<PositionReading, Int32Array> {
  let cpCount = 0;
  let lfLen = 0;
  let lfCp = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const astral = c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length && (raw.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const crlf = c === 13 && raw.charCodeAt(i + 1) === 10;
    cpCount++;
    if (astral) i++;
    if (!crlf) {
      lfLen += astral ? 2 : 1;
      lfCp++;
    }
  }
  const maps: Record<PositionReading, Int32Array> = {
    'UTF-16 units': new Int32Array(raw.length + 1).fill(-1),
    'code points': new Int32Array(cpCount + 1).fill(-1),
    'UTF-16 units, CRLF as one': new Int32Array(lfLen + 1).fill(-1),
    'code points, CRLF as one': new Int32Array(lfCp + 1).fill(-1),
  };
  let r = 0;
  let rc = 0;
  let n = 0;
  let nc = 0;
  while (r < raw.length) {
    maps['UTF-16 units'][r] = n;
    maps['code points'][rc] = n;
    maps['UTF-16 units, CRLF as one'][n] = n;
    maps['code points, CRLF as one'][nc] = n;
    const c = raw.charCodeAt(r);
    if (c === 13 && raw.charCodeAt(r + 1) === 10) {
      // Between CR and LF is no position in the LF text (-1); the pair is one LF there.
      r += 2;
      rc += 2;
      n += 1;
      nc += 1;
      continue;
    }
    const astral = c >= 0xd800 && c <= 0xdbff && r + 1 < raw.length && (raw.charCodeAt(r + 1) & 0xfc00) === 0xdc00;
    r += astral ? 2 : 1;
    rc += 1;
    n += astral ? 2 : 1;
    nc += 1;
  }
  maps['UTF-16 units'][r] = n;
  maps['code points'][rc] = n;
  maps['UTF-16 units, CRLF as one'][n] = n;
  maps['code points, CRLF as one'][nc] = n;
  return maps;
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Whether a selection's name quotes its text: the name (less a trailing ellipsis) starts the slice, or the other way round. */
export function nameQuotes(name: string | undefined, slice: string): boolean | undefined {
  if (!name) return undefined;
  const n = collapse(name.replace(/(\.\.\.|…)$/, ''));
  if (n.length < 3) return undefined;
  const s = collapse(slice);
  return s.startsWith(n) || (s.length >= 3 && n.startsWith(s));
}

const WORD = /[\p{L}\p{N}]/u;
function atWordEdges(text: string, start: number, end: number): boolean {
  const inside = (i: number) => i > 0 && i < text.length && WORD.test(text[i - 1]!) && WORD.test(text[i]!);
  return !inside(start) && !inside(end);
}

function mapOne(map: Int32Array, lf: string, s: RawSelection): MappedSelection {
  if (!(Number.isInteger(s.start) && Number.isInteger(s.end)) || s.start < 0 || s.end >= map.length || s.start >= map.length) {
    return { problem: `positions ${s.start}..${s.end} lie outside the text (${map.length - 1} positions)` };
  }
  if (s.end <= s.start) return { problem: `an empty selection (${s.start}..${s.end})` };
  const start = map[s.start]!;
  const end = map[s.end]!;
  if (start < 0 || end < 0) return { problem: `positions ${s.start}..${s.end} split a character (an emoji or a CRLF line end)` };
  const quoted = nameQuotes(s.name, lf.slice(start, end));
  if (quoted === false)
    return { range: { start, end }, problem: `the text at ${s.start}..${s.end} does not match the selection's name "${collapse(s.name ?? '').slice(0, 60)}"` };
  return { range: { start, end } };
}

export interface SourceReading {
  reading: PositionReading;
  /** The LF text the ranges point into. */
  text: string;
  selections: MappedSelection[];
  /** Readings that fit exactly as well (the choice between them did not matter for these selections). */
  ties: PositionReading[];
}

/**
 * Picks the reading under which most selections slice cleanly (then: most names matched, most
 * selections on word edges; then the order of READINGS) and maps every selection under it.
 */
export function readPositions(raw: string, selections: readonly RawSelection[]): SourceReading {
  const text = toLf(raw);
  const maps = positionMaps(raw);
  let best: { reading: PositionReading; mapped: MappedSelection[]; score: number[] } | undefined;
  const ties: PositionReading[] = [];
  for (const reading of READINGS) {
    const mapped = selections.map((s) => mapOne(maps[reading], text, s));
    let clean = 0;
    let named = 0;
    let edges = 0;
    mapped.forEach((m, i) => {
      if (!m.range) return;
      if (!m.problem) clean++;
      if (nameQuotes(selections[i]!.name, text.slice(m.range.start, m.range.end))) named++;
      if (atWordEdges(text, m.range.start, m.range.end)) edges++;
    });
    const score = [clean, named, edges];
    const cmp = best ? compare(score, best.score) : 1;
    if (cmp > 0) {
      best = { reading, mapped, score };
      ties.length = 0;
    } else if (cmp === 0) ties.push(reading);
  }
  return { reading: best!.reading, text, selections: best!.mapped, ties };
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
