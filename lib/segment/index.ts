// ExtractedDocument → segments: speaker turns, paragraphs or sentences, each an exact slice of the
// document text (`text === doc.text.slice(start, end)`, whitespace trimmed) with a stable id.
// Turns follow the blocks' speakers (set by the extractor from labels, voice tags, cue and row data);
// CSV/JSONL rows are always one segment per row and keep the row id.
import type { Block, ExtractedDocument, Segment, SegmentUnit } from '../model.js';
import { sentenceSpans } from './sentences.js';
import { isInterviewer, normaliseRespondent } from './speakers.js';

export { isInterviewer, normaliseRespondent, parseSpeakerLabel } from './speakers.js';
export type { SpeakerLabel } from './speakers.js';

export interface SegmentOptions {
  unit?: SegmentUnit;
  /** Prefix of the segment ids (e.g. the document id): `<documentId>:t0001`. */
  documentId?: string;
}

export function defaultUnit(doc: ExtractedDocument): SegmentUnit {
  return doc.kind === 'transcript' ? 'turn' : 'paragraph';
}

/** The respondent of a speaker: null for no speaker and for the interviewer. */
export function respondentOf(speaker: string | null): string | null {
  return speaker === null || isInterviewer(speaker) ? null : normaliseRespondent(speaker);
}

/** A run of blocks [first, last] with one speaker. */
interface Run {
  first: number;
  last: number;
  speaker: string | null;
}

function paragraphBreak(doc: ExtractedDocument, a: Block, b: Block): boolean {
  return doc.text.slice(a.end, b.start).includes('\n');
}

/**
 * Speaker turns: a block with a speaker starts a turn unless the same speaker is talking; a block
 * without one continues the current turn. Before the first speaker (a title), and in documents without
 * speakers, each paragraph is a turn of its own.
 */
function turns(doc: ExtractedDocument): Run[] {
  const out: Run[] = [];
  let cur: Run | null = null;
  doc.blocks.forEach((b, i) => {
    const speaker = b.speaker ?? null;
    if (speaker !== null) {
      if (cur && cur.speaker === speaker) cur.last = i;
      else out.push((cur = { first: i, last: i, speaker }));
    } else if (cur && (cur.speaker !== null || !paragraphBreak(doc, doc.blocks[i - 1]!, b))) {
      cur.last = i;
    } else {
      out.push((cur = { first: i, last: i, speaker: null }));
    }
  });
  return out;
}

/** Paragraphs: runs of blocks inside one turn with no line break between them. */
function paragraphs(doc: ExtractedDocument, turnRuns: readonly Run[]): Run[] {
  const out: Run[] = [];
  for (const t of turnRuns) {
    let cur: Run = { first: t.first, last: t.first, speaker: t.speaker };
    out.push(cur);
    for (let i = t.first + 1; i <= t.last; i++) {
      if (paragraphBreak(doc, doc.blocks[i - 1]!, doc.blocks[i]!)) out.push((cur = { first: i, last: i, speaker: t.speaker }));
      else cur.last = i;
    }
  }
  return out;
}

const UNIT_LETTER: Record<SegmentUnit, string> = { turn: 't', paragraph: 'p', sentence: 's' };

class SegmentBuilder {
  readonly segments: Segment[] = [];
  constructor(
    private readonly doc: ExtractedDocument,
    private readonly unit: SegmentUnit,
    private readonly documentId: string | undefined,
  ) {}

  add(start: number, end: number, speaker: string | null, blocks: readonly Block[], id?: string): void {
    const index = this.segments.length;
    const first = blocks[0];
    const seg: Segment = {
      id: id ?? `${this.documentId ? `${this.documentId}:` : ''}${UNIT_LETTER[this.unit]}${String(index + 1).padStart(4, '0')}`,
      index,
      start,
      end,
      text: this.doc.text.slice(start, end),
      speaker,
      respondent: respondentOf(speaker),
      page: first?.page ?? null,
    };
    const startMs = blocks.find((b) => b.startMs !== undefined)?.startMs;
    const endMs = blocks.findLast((b) => b.endMs !== undefined)?.endMs;
    if (startMs !== undefined) seg.startMs = startMs;
    if (endMs !== undefined) seg.endMs = endMs;
    this.segments.push(seg);
  }
}

export function segmentDocument(doc: ExtractedDocument, opts: SegmentOptions = {}): Segment[] {
  if (doc.kind === 'table') {
    const out = new SegmentBuilder(doc, 'paragraph', opts.documentId);
    for (const b of doc.blocks) {
      const speaker = b.respondent ?? b.speaker ?? null;
      out.add(b.start, b.end, speaker, [b], b.rowId);
    }
    return out.segments;
  }
  const unit = opts.unit ?? defaultUnit(doc);
  const out = new SegmentBuilder(doc, unit, opts.documentId);
  const blocks = doc.blocks;
  const turnRuns = turns(doc);
  const runs = unit === 'turn' ? turnRuns : paragraphs(doc, turnRuns);

  for (const r of runs) {
    const runBlocks = blocks.slice(r.first, r.last + 1);
    const start = blocks[r.first]!.start;
    const end = blocks[r.last]!.end;
    if (unit !== 'sentence') {
      out.add(start, end, r.speaker, runBlocks);
      continue;
    }
    let bi = 0;
    for (const [s, e] of sentenceSpans(doc.text.slice(start, end))) {
      const absStart = start + s;
      const absEnd = start + e;
      // The blocks a sentence overlaps give its page and times.
      while (bi < runBlocks.length - 1 && runBlocks[bi]!.end <= absStart) bi++;
      let bj = bi;
      while (bj < runBlocks.length - 1 && runBlocks[bj + 1]!.start < absEnd) bj++;
      out.add(absStart, absEnd, r.speaker, runBlocks.slice(bi, bj + 1));
    }
  }
  return out.segments;
}
