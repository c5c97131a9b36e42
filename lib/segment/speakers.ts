// Speaker labels at the start of a transcript line, and the respondent a label stands for.
// Recognised: `Interviewer:`, `I:`, `R:`, `R1:`, `Respondent 6:`, `Resp. 6:`, `Speaker 2:`, `[Jan de Vries]`,
// `Jan de Vries (00:01:02):` and plain names (`Jan de Vries:`). Plain names are "weak": a caller accepts
// them only when the same name labels more than one line, so prose like `Conclusie: ...` is not a speaker.

export interface SpeakerLabel {
  /** The speaker as written, without brackets, timestamp or colon (e.g. "Resp. 6", "Jan de Vries"). */
  speaker: string;
  /** Characters the label takes at the start of the line, including the colon and following spaces. */
  length: number;
  /** A role label, bracketed name or timestamped label (`strong`), or a bare capitalised name (`weak`). */
  strength: 'strong' | 'weak';
  /** Media time given in the label (`Name (00:01:02):`), in milliseconds. */
  startMs?: number;
}

const INTERVIEWER = /^(?:interviewer|interviewster|interviewer\s*\d+|int\.?|i\d?|onderzoeker|moderator|facilitator|gespreksleider)$/i;
const RESPONDENT_NUMBERED = /^(?:r|resp\.?|respondent|res|participant|deelnemer|geïnterviewde|p)\s*\.?\s*(\d{1,4})$/i;
const RESPONDENT_BARE = /^(?:r|resp\.?|respondent|geïnterviewde)$/i;
const SPEAKER_NUMBERED = /^(?:speaker|spreker)\s*(\d{1,4})$/i;

// Lower-case name particles (Dutch, German, French, ...) allowed between capitalised name parts.
const PARTICLES = new Set([
  'de',
  'der',
  'den',
  'van',
  'von',
  'het',
  "'t",
  'ter',
  'ten',
  'te',
  'in',
  'la',
  'le',
  'du',
  'di',
  'da',
  'del',
  'dos',
  'op',
  'bin',
  'al',
  'el',
]);
const NAME_WORD = /^\p{Lu}[\p{L}'’.-]*$/u;

const BRACKET = /^\[([^\]\n]{1,60})\]\s*:?[ \t]*/;
const TIMESTAMPED = /^([^\n:()[\]]{1,60}?)\s*[([](\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[)\]]\s*:?[ \t]*/;
const COLON = /^([^\n:[\]()]{1,60}?)\s*:(?:[ \t]+|$)/;

/** True for role labels (Interviewer, R6, Resp. 6, Speaker 2): a speaker even without context. */
function isRole(s: string): boolean {
  return INTERVIEWER.test(s) || RESPONDENT_NUMBERED.test(s) || RESPONDENT_BARE.test(s) || SPEAKER_NUMBERED.test(s);
}

/** A person's name: 1–5 words, capitalised or particles, starting with a capital, no digits. */
export function isNameLike(s: string): boolean {
  if (s.length > 40 || /\d/.test(s)) return false;
  const words = s.split(/\s+/);
  if (words.length > 5 || !NAME_WORD.test(words[0] ?? '')) return false;
  return words.every((w) => NAME_WORD.test(w) || PARTICLES.has(w.toLowerCase()));
}

/** Parses a speaker label at the start of `line`; null when the line does not start with one. */
export function parseSpeakerLabel(line: string): SpeakerLabel | null {
  const lead = line.length - line.trimStart().length;
  const rest = lead ? line.slice(lead) : line;
  const first = rest.charCodeAt(0);
  if (Number.isNaN(first)) return null;

  if (first === 0x5b /* [ */) {
    const m = BRACKET.exec(rest);
    if (!m) return null;
    const inner = m[1]!.trim();
    if (isRole(inner) || isNameLike(inner)) return { speaker: inner, length: lead + m[0].length, strength: 'strong' };
    return null; // [inaudible], [00:01:02], [lacht]: annotations, not speakers
  }

  const t = TIMESTAMPED.exec(rest);
  if (t) {
    const name = t[1]!.trim();
    if (isRole(name) || isNameLike(name)) {
      return { speaker: name, length: lead + t[0].length, strength: 'strong', startMs: parseClock(t[2]!) };
    }
  }

  const c = COLON.exec(rest);
  if (!c) return null;
  const name = c[1]!.trim();
  if (isRole(name)) return { speaker: name, length: lead + c[0].length, strength: 'strong' };
  if (isNameLike(name)) return { speaker: name, length: lead + c[0].length, strength: 'weak' };
  return null;
}

/** `1:02`, `01:02:03`, `00:01:02.500` → milliseconds. */
export function parseClock(s: string): number {
  const [clock, frac = ''] = s.split(/[.,]/);
  const parts = clock!.split(':').map(Number);
  let secs = 0;
  for (const p of parts) secs = secs * 60 + p;
  return secs * 1000 + (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
}

export function isInterviewer(label: string): boolean {
  return INTERVIEWER.test(stripBrackets(label));
}

function stripBrackets(label: string): string {
  return label
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/:$/, '')
    .trim();
}

/**
 * The respondent a speaker label stands for: null for the interviewer, `Respondent N` for the
 * numbered forms (`R6`, `Resp. 6`, `respondent 6`), `Respondent` for a bare `R`, and otherwise the
 * label itself without brackets (`[Jan de Vries]` → `Jan de Vries`).
 */
export function normaliseRespondent(label: string | null | undefined): string | null {
  if (label == null) return null;
  const s = stripBrackets(label).replace(/\s+/g, ' ');
  if (!s || INTERVIEWER.test(s)) return null;
  const numbered = RESPONDENT_NUMBERED.exec(s);
  if (numbered) return `Respondent ${Number(numbered[1])}`;
  if (RESPONDENT_BARE.test(s)) return 'Respondent';
  const speaker = SPEAKER_NUMBERED.exec(s);
  if (speaker) return `Speaker ${Number(speaker[1])}`;
  return s;
}
