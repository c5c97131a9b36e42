// Timed transcripts (WebVTT, SRT, Otter) → a readable document: one paragraph per speaker run,
// "Speaker: words words", with one block per cue (the cue's words only, its speaker and times).
import type { Block, ExtractedDocument, SourceFormat } from '../model.js';
import { parseClock, parseSpeakerLabel } from '../segment/speakers.js';
import { QualtagError } from '../errors.js';

export interface Cue {
  text: string;
  speaker?: string;
  startMs?: number;
  endMs?: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Cue words with tags removed and whitespace collapsed. */
function cleanCueText(s: string): string {
  return decodeEntities(s.replace(/<[^>]*>/g, '').replace(/\{\\[^}]*\}/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Builds the document; cues without a speaker continue the previous speaker (captions split long turns). */
export function captionDocument(cues: readonly Cue[], format: SourceFormat, where: string): ExtractedDocument {
  let text = '';
  const blocks: Block[] = [];
  let current: string | undefined;
  for (const cue of cues) {
    if (!cue.text) continue;
    const speaker = cue.speaker ?? current;
    if (text && speaker !== undefined && speaker === current) {
      text += ' ';
    } else {
      if (text) text += '\n\n';
      if (speaker !== undefined) text += `${speaker}: `;
    }
    const start = text.length;
    text += cue.text;
    const b: Block = { start, end: text.length };
    if (speaker !== undefined) b.speaker = speaker;
    if (cue.startMs !== undefined) b.startMs = cue.startMs;
    if (cue.endMs !== undefined) b.endMs = cue.endMs;
    blocks.push(b);
    current = speaker;
  }
  if (!blocks.length) {
    throw new QualtagError(
      'EMPTY_FILE',
      'the transcript has no spoken text (no cues with words)',
      'Check the export: it should contain the captions, not only timestamps',
      where,
    );
  }
  return { text, format, blocks, kind: 'transcript' };
}

const VTT_TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;

/** Splits the payload into cues by speaker: `<v Name>` voice tags (Teams) or a leading `Name:` (Zoom). */
function payloadCues(payload: string[], startMs: number, endMs: number): Cue[] {
  const out: Cue[] = [];
  for (const raw of payload) {
    const voice = /^\s*<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(raw);
    let speaker: string | undefined;
    let body = raw;
    if (voice) {
      speaker = decodeEntities(voice[1]!).trim();
      body = raw.slice(voice[0].length);
    }
    let words = cleanCueText(body);
    if (!speaker) {
      const label = parseSpeakerLabel(words);
      if (label) {
        speaker = label.speaker;
        words = words.slice(label.length).trim();
      }
    }
    const last = out[out.length - 1];
    if (last && (speaker === undefined || speaker === last.speaker)) {
      last.text = last.text ? `${last.text} ${words}`.trim() : words;
    } else {
      out.push({ text: words, startMs, endMs, ...(speaker !== undefined ? { speaker } : {}) });
    }
  }
  return out;
}

export function parseVtt(text: string, where: string): ExtractedDocument {
  const chunks = text.replace(/^\uFEFF/, '').split(/\n[ \t]*\n/);
  if (!/^WEBVTT\b/.test(chunks[0]?.trimStart() ?? '')) {
    throw new QualtagError(
      'CORRUPT_FILE',
      'the file does not start with "WEBVTT", so it is not a WebVTT caption file',
      'Export the transcript again from Teams or Zoom as .vtt, or rename it to .txt',
      where,
    );
  }
  const cues: Cue[] = [];
  for (const chunk of chunks) {
    const lines = chunk.split('\n').filter((l) => l.trim() !== '');
    const t = lines.findIndex((l) => VTT_TIMING.test(l));
    if (t === -1) continue; // header, NOTE, STYLE, REGION
    const m = VTT_TIMING.exec(lines[t]!)!;
    cues.push(...payloadCues(lines.slice(t + 1), parseClock(m[1]!), parseClock(m[2]!)));
  }
  return captionDocument(cues, 'vtt', where);
}

const SRT_TIMING = /^\s*(\d{1,2}:\d{2}:\d{2}[,.]\d{1,3})\s+-->\s+(\d{1,2}:\d{2}:\d{2}[,.]\d{1,3})/;

export function parseSrt(text: string, where: string): ExtractedDocument {
  const cues: Cue[] = [];
  let timed = 0;
  for (const chunk of text.split(/\n[ \t]*\n/)) {
    const lines = chunk.split('\n').filter((l) => l.trim() !== '');
    const t = lines.findIndex((l) => SRT_TIMING.test(l));
    if (t === -1) continue;
    timed++;
    const m = SRT_TIMING.exec(lines[t]!)!;
    cues.push(...payloadCues(lines.slice(t + 1), parseClock(m[1]!), parseClock(m[2]!)));
  }
  if (!timed) {
    throw new QualtagError(
      'CORRUPT_FILE',
      'no subtitle timings ("00:00:01,000 --> 00:00:04,000") were found, so this is not an SRT file',
      'Export the transcript again as .srt, or rename it to .txt',
      where,
    );
  }
  return captionDocument(cues, 'srt', where);
}

/** `Speaker 1  0:03` / `Jan de Vries  1:02:03`: an Otter speaker line. */
const OTTER_HEADER = /^(\S.{0,59}?)[ \t]+((?:\d{1,2}:)?\d{1,2}:\d{2})[ \t]*$/;

/** The speaker and time of an Otter speaker line, when the name part looks like a speaker. */
function otterHeader(line: string): { speaker: string; startMs: number } | null {
  const m = OTTER_HEADER.exec(line);
  if (!m || !parseSpeakerLabel(`${m[1]!.trim()}:`)) return null;
  return { speaker: m[1]!.trim(), startMs: parseClock(m[2]!) };
}

/** Otter-looking text: at least two speaker lines, each followed by text. */
export function looksLikeOtter(text: string): boolean {
  const lines = text.split('\n');
  let headers = 0;
  for (let i = 0; i < lines.length - 1 && headers < 2; i++) {
    if (otterHeader(lines[i]!) && /\S/.test(lines[i + 1]!)) headers++;
  }
  return headers >= 2;
}

export function parseOtter(text: string, where: string): ExtractedDocument {
  const cues: Cue[] = [];
  let cur: Cue | null = null;
  for (const line of text.split('\n')) {
    const h = otterHeader(line);
    if (h) {
      cur = { ...h, text: '' };
      cues.push(cur);
    } else if (/\S/.test(line) && !/^\s*Transcribed by https?:\/\/otter\.ai/i.test(line)) {
      if (!cur) {
        cur = { text: '' };
        cues.push(cur);
      }
      cur.text = cur.text ? `${cur.text} ${line.trim()}` : line.trim();
    }
  }
  // Otter gives start times only: a block ends where the next one starts.
  for (let i = 0; i + 1 < cues.length; i++) {
    const next = cues[i + 1]!.startMs;
    if (next !== undefined) cues[i]!.endMs = next;
  }
  for (const c of cues) c.text = c.text.replace(/\s+/g, ' ').trim();
  return captionDocument(cues, 'otter', where);
}
