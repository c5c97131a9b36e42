// Interview context: in a semi-structured interview the interviewer's question says what the answer is
// about, and the codebook often carries the interview guide's `questions` per code. The context text
// (the interviewer turn before an answer) is compared with every question of every code, and more
// weakly with the code's name, aliases, definition and indicators, as tf-idf vectors over the codebook's
// own stems (cosine). Words the codebook never uses are left out of the context vector, so a long turn
// with small talk around the question is not penalised. Nothing here depends on a particular codebook.
import type { Code, Codebook, Language } from '../model.js';
import { canonicalStem, isStopword } from './language.js';
import { tokenize } from './normalize.js';

/** Tuning of the context score; chosen on general grounds and documented in the README. */
export const CONTEXT_PARAMS = {
  /** Share of the answer's best score (or of `minReference`) added at a perfect context match. */
  weight: 1,
  /** Weight of the similarity to the code's name/aliases/definition/indicators, next to its best question. */
  profileWeight: 0.35,
  /** Context similarities below this are noise (shared general words), and add nothing. */
  minSimilarity: 0.2,
  /** Codes whose context similarity is below this share of the best code's are left out. */
  relativeCutoff: 0.5,
  /** Reference score when the answer itself matched nothing (one default-weight rule). */
  minReference: 1,
};

const MIN_WORD = 3;

/** A sparse tf-idf vector over stems, with its length. */
interface Vec {
  w: Map<string, number>;
  norm: number;
}

export interface ContextMatch {
  /** Index of the code in the codebook's order. */
  code: number;
  /** Similarity in [0, 1+profileWeight]: best question's cosine plus the weighted profile cosine. */
  similarity: number;
  /** The question that matched best, or null when only the name/indicators matched. */
  question: string | null;
  /** Offsets into the context text: from the first to the last word shared with that question/profile. */
  start: number;
  end: number;
}

interface ContextWord {
  stem: string;
  start: number;
  end: number;
}

export class ContextScorer {
  private readonly idf = new Map<string, number>();
  private readonly questions: Array<{ code: number; text: string; vec: Vec; specificity: number }> = [];
  private readonly profiles: Vec[] = [];
  private last: { text: string; matches: ContextMatch[] } | undefined;

  constructor(
    codes: readonly Code[],
    private readonly lang: Language,
  ) {
    const stemsOf = (text: string) => this.words(text).map((w) => w.stem);
    const profileTexts = codes.map((c) => [c.name, ...c.aliases, c.definition ?? '', ...c.indicators].join(' \n '));
    // Document frequency over codes: a stem in every code's questions or profile tells nothing.
    const df = new Map<string, number>();
    codes.forEach((c, i) => {
      for (const s of new Set([...stemsOf(profileTexts[i]!), ...c.questions.flatMap(stemsOf)])) df.set(s, (df.get(s) ?? 0) + 1);
    });
    for (const [s, n] of df) this.idf.set(s, Math.log(1 + codes.length / n));
    // A question the guide lists under n codes says less about each: its match counts 1/sqrt(n).
    const sharing = new Map<string, Set<number>>();
    const keyOf = (q: string) => [...new Set(stemsOf(q))].sort().join(' ');
    codes.forEach((c, i) => {
      for (const q of c.questions) sharing.set(keyOf(q), (sharing.get(keyOf(q)) ?? new Set()).add(i));
    });
    codes.forEach((c, i) => {
      this.profiles.push(this.vector(stemsOf(profileTexts[i]!)));
      for (const q of c.questions) {
        const vec = this.vector(stemsOf(q));
        if (vec.norm > 0) this.questions.push({ code: i, text: q, vec, specificity: 1 / Math.sqrt(sharing.get(keyOf(q))!.size) });
      }
    });
  }

  private words(text: string): ContextWord[] {
    const out: ContextWord[] = [];
    for (const t of tokenize(text)) {
      if (t.folded.length < MIN_WORD || isStopword(t.folded, this.lang)) continue;
      out.push({ stem: canonicalStem(t.folded, this.lang), start: t.start, end: t.end });
    }
    return out;
  }

  /** tf-idf (1 + ln tf) over stems the codebook knows; other stems are dropped. */
  private vector(stems: string[]): Vec {
    const tf = new Map<string, number>();
    for (const s of stems) if (this.idf.has(s)) tf.set(s, (tf.get(s) ?? 0) + 1);
    const w = new Map<string, number>();
    let sq = 0;
    for (const [s, n] of tf) {
      const v = (1 + Math.log(n)) * this.idf.get(s)!;
      w.set(s, v);
      sq += v * v;
    }
    return { w, norm: Math.sqrt(sq) };
  }

  /** Codes the context points at, strongest first (the last context is remembered: answers share it). */
  score(context: string): ContextMatch[] {
    if (this.last?.text === context) return this.last.matches;
    const words = this.words(context);
    const ctx = this.vector(words.map((w) => w.stem));
    const matches: ContextMatch[] = [];
    if (ctx.norm > 0) {
      const best = new Map<number, { sim: number; question: string | null; vec: Vec }>();
      for (const q of this.questions) {
        const sim = cosine(q.vec, ctx) * q.specificity;
        const cur = best.get(q.code);
        if (sim > 0 && (!cur || sim > cur.sim)) best.set(q.code, { sim, question: q.text, vec: q.vec });
      }
      this.profiles.forEach((p, code) => {
        const sim = cosine(p, ctx) * CONTEXT_PARAMS.profileWeight;
        if (sim <= 0) return;
        const cur = best.get(code);
        if (cur) cur.sim += sim;
        else best.set(code, { sim, question: null, vec: p });
      });
      const top = Math.max(0, ...[...best.values()].map((b) => b.sim));
      for (const [code, b] of best) {
        if (b.sim < CONTEXT_PARAMS.minSimilarity || b.sim < top * CONTEXT_PARAMS.relativeCutoff) continue;
        const shared = words.filter((w) => b.vec.w.has(w.stem));
        matches.push({ code, similarity: b.sim, question: b.question, start: shared[0]?.start ?? 0, end: shared[shared.length - 1]?.end ?? 0 });
      }
      matches.sort((a, b) => b.similarity - a.similarity || a.code - b.code);
    }
    this.last = { text: context, matches };
    return matches;
  }
}

function cosine(a: Vec, b: Vec): number {
  if (!a.norm || !b.norm) return 0;
  const [small, large] = a.w.size <= b.w.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [s, v] of small.w) {
    const u = large.w.get(s);
    if (u !== undefined) dot += u * v;
  }
  return dot / (a.norm * b.norm);
}

/** Builds the context scorer of a codebook (all its codes, in codebook order). */
export function contextScorer(cb: Codebook): ContextScorer {
  return new ContextScorer(
    cb.categories.flatMap((c) => c.codes),
    cb.language,
  );
}

/** The speaker fields of a segment that decide its context. */
export interface TurnLike {
  text: string;
  speaker: string | null;
  respondent: string | null;
}

/**
 * The context of each segment, in order: for a respondent's turn, the text of the nearest preceding
 * interviewer turn (a turn with a speaker and no respondent); undefined for everything else (interviewer
 * turns, titles, paragraphs of documents without speakers).
 */
export function interviewerContexts(segments: readonly TurnLike[]): Array<string | undefined> {
  let question: string | undefined;
  return segments.map((s) => {
    if (s.speaker !== null && s.respondent === null) {
      question = s.text;
      return undefined;
    }
    return s.respondent !== null ? question : undefined;
  });
}
