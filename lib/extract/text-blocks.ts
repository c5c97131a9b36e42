// Plain text (TXT, Markdown, DOCX raw text) → blocks: paragraphs separated by blank lines, and, when the
// text is a transcript, a new block at every speaker label. A labelled block starts after its label
// and carries the speaker, so turn text never includes "Respondent 6:".
import type { Block, ExtractedDocument, SourceFormat } from '../model.js';
import { parseSpeakerLabel, type SpeakerLabel } from '../segment/speakers.js';

export interface Line {
  start: number;
  end: number;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    lines.push({ start, end });
    if (nl === -1) return lines;
    start = nl + 1;
  }
}

/**
 * Speaker labels accepted for these line texts: strong labels always, weak (bare-name) labels only when
 * the same name labels at least two lines. Returns null entries for lines without an accepted label.
 */
export function acceptedLabels(lineTexts: readonly string[]): Array<SpeakerLabel | null> {
  const parsed = lineTexts.map((t) => parseSpeakerLabel(t));
  const weakCounts = new Map<string, number>();
  for (const p of parsed) if (p?.strength === 'weak') weakCounts.set(p.speaker, (weakCounts.get(p.speaker) ?? 0) + 1);
  return parsed.map((p) => (p && (p.strength === 'strong' || (weakCounts.get(p.speaker) ?? 0) >= 2) ? p : null));
}

/** A conversation: at least two labelled lines, with a role label or two different speakers. */
export function looksLikeTranscript(labels: ReadonlyArray<SpeakerLabel | null>): boolean {
  const found = labels.filter((l): l is SpeakerLabel => l !== null);
  if (found.length < 2) return false;
  return found.some((l) => l.strength === 'strong') || new Set(found.map((l) => l.speaker)).size >= 2;
}

const MD_HEADING = /^\s{0,3}#{1,6}\s+/;

/** Trims whitespace off both ends of [start, end) in text. */
export function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

export function textDocument(text: string, format: SourceFormat): ExtractedDocument {
  const lines = splitLines(text);
  const labels = acceptedLabels(lines.map((l) => text.slice(l.start, Math.min(l.end, l.start + 120))));
  const transcript = looksLikeTranscript(labels);
  const blocks: Block[] = [];

  let open: { start: number; end: number; speaker?: string; startMs?: number } | null = null;
  let pendingSpeaker: SpeakerLabel | null = null; // a label alone on its line, followed by a blank line
  const close = () => {
    if (!open) return;
    const [s, e] = trimSpan(text, open.start, open.end);
    if (s < e) {
      const b: Block = { start: s, end: e };
      if (open.speaker !== undefined) b.speaker = open.speaker;
      if (open.startMs !== undefined) b.startMs = open.startMs;
      blocks.push(b);
    } else if (open.speaker !== undefined) {
      pendingSpeaker = { speaker: open.speaker, length: 0, strength: 'strong', ...(open.startMs !== undefined ? { startMs: open.startMs } : {}) };
    }
    open = null;
  };

  lines.forEach((line, i) => {
    const blank = !/\S/.test(text.slice(line.start, line.end));
    if (blank) {
      close();
      return;
    }
    const label = transcript ? labels[i] : null;
    const heading = format === 'md' ? MD_HEADING.exec(text.slice(line.start, line.end)) : null;
    if (label) {
      close();
      open = { start: line.start + label.length, end: line.end, speaker: label.speaker };
      if (label.startMs !== undefined) open.startMs = label.startMs;
      pendingSpeaker = null;
      return;
    }
    if (heading) {
      close();
      open = { start: line.start + heading[0].length, end: line.end };
      close(); // a heading is a paragraph of its own
      return;
    }
    if (!open) {
      open = { start: line.start, end: line.end };
      const pending: SpeakerLabel | null = pendingSpeaker;
      if (pending) {
        open.speaker = pending.speaker;
        if (pending.startMs !== undefined) open.startMs = pending.startMs;
        pendingSpeaker = null;
      }
    } else open.end = line.end;
  });
  close();

  return { text, format, blocks, kind: transcript ? 'transcript' : 'document' };
}
