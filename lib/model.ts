// Domain types shared by every stage (extract → segment → tag → review → report/export).
// Offsets are UTF-16 code-unit indexes into the document text (JavaScript string indexes);
// exports that need Unicode code points (REFI-QDA) convert at the boundary.

import type { SourceFormat } from './formats.js';

/** Every upload format: the list is lib/formats.ts. */
export type { SourceFormat };

/** A contiguous run of the document text as the source laid it out (a paragraph, cue, row, page part). */
export interface Block {
  start: number;
  end: number;
  /** 1-based page number (PDF only). */
  page?: number;
  /** Speaker named by the source itself (VTT voice tag, Otter/SRT speaker line, CSV respondent column). */
  speaker?: string;
  /** Media time of the block in milliseconds (VTT/SRT/Otter). */
  startMs?: number;
  endMs?: number;
  /** Row id for CSV/JSONL inputs: kept as the segment id. */
  rowId?: string;
  /** Respondent named by a CSV/JSONL row. */
  respondent?: string;
}

export interface ExtractedDocument {
  /** The plain text every offset points into. */
  text: string;
  format: SourceFormat;
  blocks: Block[];
  /** Page count for paged formats (PDF). */
  pages?: number;
  /** Whether the source is a conversation (speaker turns) or a document (paragraphs). */
  kind: 'transcript' | 'document' | 'table';
}

export type SegmentUnit = 'turn' | 'paragraph' | 'sentence';

export interface Segment {
  /** Stable id: the same document text and unit always give the same ids. */
  id: string;
  index: number;
  start: number;
  end: number;
  /** Always documentText.slice(start, end). */
  text: string;
  speaker: string | null;
  /** The non-interviewer speaker, normalised (e.g. "Respondent 6"). */
  respondent: string | null;
  page: number | null;
  startMs?: number | null;
  endMs?: number | null;
}

export type Language = 'nl' | 'en';

/** An anchor example (Mayring): a passage that typically gets the code, with an optional note on why. */
export interface AnchorExample {
  text: string;
  note?: string;
}

export interface Code {
  /** Unique within the codebook, e.g. "voorwaarden/vertrouwen". */
  id: string;
  name: string;
  categoryId: string;
  definition?: string;
  indicators: string[];
  questions: string[];
  aliases: string[];
  /** Keyword rules in the qualtag rule language (README). Empty: rules are suggested from the text fields. */
  rules: string[];
  /** Rules that veto the code when they match. */
  exclude: string[];
  /** Anchor examples: passages that typically get this code (empty when the codebook gives none). */
  examples: AnchorExample[];
  color?: string;
}

export interface Category {
  id: string;
  name: string;
  definition?: string;
  codes: Code[];
}

export interface Codebook {
  id: string;
  title?: string;
  language: Language;
  categories: Category[];
  /** Content hash of the normalised codebook: the codebook version. */
  version: string;
}

/**
 * Why a code was proposed: a matched span and the rule that matched. The offsets are into the segment
 * text, or, when `source` is 'context', into the context the segment was tagged with (the interviewer's
 * question before an answer). Absent `source` means 'segment'. 'classifier': the code was proposed by a
 * classifier trained on the project's reviewed passages (offsets 0..0, no span; see TagOptions.fill).
 * 'learned': a word that carried the learned ranker's score (a span in the segment, rule `learned: <stem>`).
 * 'example': the anchor example or accepted passage of the code most like the segment (offsets 0..0,
 * rule `example: <text>`).
 */
export interface Evidence {
  start: number;
  end: number;
  rule: string;
  source?: 'segment' | 'context' | 'classifier' | 'learned' | 'example';
}

export interface Proposal {
  code: string;
  score: number;
  /** Calibrated chance that a reviewer accepts the proposal (0..1), when the learned ranker proposed it. */
  confidence?: number;
  evidence: Evidence[];
}

export type CodingStatus = 'proposed' | 'accepted' | 'rejected';
export type CodingOrigin = 'rule' | 'human';
export type DocumentStatus = 'UPLOADED' | 'EXTRACTED' | 'TAGGED' | 'FAILED';
