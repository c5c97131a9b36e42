// Which segments of a document get proposals, and with which context. One function for every caller
// (the pipeline, `qualtag code`, the transcript eval) so the CLI proposes exactly what an upload would.
//  - An interviewer turn (a speaker that is not a respondent) gets no proposals: researchers code the
//    answers. Its text is the context of the respondent turns after it.
//  - Title and metadata lines get no proposals: before the first speaker turn of a transcript everything
//    that is not speech (the title `Interview respondent 2 — Zoetermeer`, date and place lines, headings);
//    elsewhere only lines that are unmistakably a title, heading, date or metadata field.
//  - Survey rows (CSV/JSONL) are answers: always tagged.
import { uploadFormats } from '../formats.js';
import type { Proposal, SourceFormat } from '../model.js';
import { interviewerContexts, type TurnLike } from './context.js';

export type SkipReason = 'interviewer' | 'title';

export interface SegmentPlan {
  /** Whether the tagger proposes codes for this segment. */
  taggable: boolean;
  /** Why not, when it is not taggable. */
  skip?: SkipReason;
  /** The interviewer's question before a respondent's turn. */
  context?: string;
}

const TABLE_FORMATS: ReadonlySet<SourceFormat> = new Set(uploadFormats.filter((f) => f.rows).map((f) => f.format));

const MONTHS =
  'jan(?:uari|uary)?|feb(?:ruari|ruary)?|maart|mrt|march|mar|apr(?:il)?|mei|may|jun[ie]?|jul[iy]?|aug(?:ustus|ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DATE = new RegExp(
  `\\b(?:\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}\\s+(?:${MONTHS})\\.?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{1,2},?\\s+\\d{4})\\b`,
  'iu',
);
// "Datum: …", "Location: …": fields a transcript header carries (not speaker labels, which the
// extractor already turned into turns).
const METADATA_FIELD =
  /^(?:datum|date|tijd|time|tijdstip|duur|duration|plaats|locatie|location|place|setting|opname|recording|transcri(?:ptie|ption|bent|ber)|geïnterviewde|interviewee|deelnemers?|participants?|aanwezig|present|organi[sz]ation|organisatie|functie|role|project|onderzoek|study|case|respondentnummer|respondent id|interview id|kenmerk|reference)\s*:/iu;
// A document's title: "Interview respondent 2 — …", "Transcript focusgroep 1", "Gespreksverslag …".
const TITLE_WORD = /^(?:interview|transcript(?:ie)?|gespreks?verslag|verslag|focus ?group|focusgroep|groepsgesprek|gesprek|session|sessie)\b/iu;
// "3.2 Vertrouwen", "II. Methods", "Hoofdstuk 2", "# Inleiding".
const HEADING = /^(?:#{1,6}\s|(?:\d+(?:\.\d+)*\.?|[IVX]{1,5}\.)\s+\p{L}|(?:hoofdstuk|chapter|bijlage|appendix|paragraaf|section|deel|part)\s+[\dIVX]+\b)/iu;
const BULLET = /^[-–•*·▪◦]\s/u;
const SENTENCE_END = /[.!?…;,"'”’)]$/u;
/**
 * Most words a heading or title line has: titles and headings in the corpus have 3-9 words, while a
 * respondent's answer, even a short one, is a sentence (ends in punctuation) or longer than this.
 */
export const MAX_HEADING_WORDS = 12;

const words = (line: string): number => line.split(/\s+/).filter((w) => /\p{L}|\d/u.test(w)).length;

/** A line that reads like a heading: short, with letters, no bullet and no sentence punctuation at the end. */
function headingLike(line: string): boolean {
  const n = words(line);
  return n > 0 && n <= MAX_HEADING_WORDS && /\p{L}/u.test(line) && !BULLET.test(line) && !SENTENCE_END.test(line);
}

/** A line that is unmistakably not speech: a title, numbered or marked heading, date line or metadata field. */
export function isTitleLine(line: string): boolean {
  const t = line.trim();
  if (!t) return true;
  if (METADATA_FIELD.test(t) && words(t) <= MAX_HEADING_WORDS) return true;
  if (DATE.test(t) && words(t) <= 8 && !/[.!?]$/.test(t)) return true;
  return (TITLE_WORD.test(t) || HEADING.test(t)) && headingLike(t);
}

/** Text before the first speaker turn that is not speech: every line a title/metadata line or heading-like. */
export function isPreambleText(text: string): boolean {
  return text.split(/\r?\n/).every((line) => !line.trim() || isTitleLine(line) || headingLike(line.trim()));
}

/** Every line of the segment is a title, heading, date or metadata line. */
export function isTitleText(text: string): boolean {
  return text.split(/\r?\n/).every((line) => isTitleLine(line));
}

/** The plan for each segment of one document, in order. `format` is the source format when known. */
export function segmentPlans(segments: readonly TurnLike[], format?: SourceFormat): SegmentPlan[] {
  const contexts = interviewerContexts(segments);
  const table = format !== undefined && TABLE_FORMATS.has(format);
  const firstTurn = segments.findIndex((s) => s.speaker !== null);
  return segments.map((s, i) => {
    if (s.speaker !== null && s.respondent === null) return { taggable: false, skip: 'interviewer' };
    const context = contexts[i];
    if (!table && s.speaker === null && s.respondent === null) {
      const beforeFirstTurn = firstTurn >= 0 && i < firstTurn;
      if (beforeFirstTurn ? isPreambleText(s.text) : isTitleText(s.text)) return { taggable: false, skip: 'title' };
    }
    return context !== undefined ? { taggable: true, context } : { taggable: true };
  });
}

export interface TaggedSegment<S> {
  segment: S;
  plan: SegmentPlan;
  proposals: Proposal[];
}

/**
 * Tags one document's segments as every caller must: the segments the plan skips get no proposals,
 * respondent turns are tagged with their interviewer context.
 */
export interface SegmentTagOptions {
  context?: string;
  topK?: number;
  minConfidence?: number;
}

/** What tags one segment: the learned proposer (lib/tag/propose.ts) or the rules alone (a compiled Tagger). */
export interface SegmentTagger {
  tag(text: string, opts: SegmentTagOptions): Proposal[];
}

export function tagSegments<S extends TurnLike>(
  tagger: SegmentTagger,
  segments: readonly S[],
  opts: Omit<SegmentTagOptions, 'context'> & { format?: SourceFormat } = {},
): Array<TaggedSegment<S>> {
  const { format, ...tagOpts } = opts;
  const plans = segmentPlans(segments, format);
  return segments.map((segment, i) => {
    const plan = plans[i]!;
    const proposals = plan.taggable ? tagger.tag(segment.text, { ...tagOpts, ...(plan.context !== undefined ? { context: plan.context } : {}) }) : [];
    return { segment, plan, proposals };
  });
}
