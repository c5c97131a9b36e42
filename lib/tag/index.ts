// The tagger: a codebook's rules (its own, or suggested where a code has none) compiled once into a
// Matcher; tagging a segment returns proposals ranked by score, each with its evidence spans.
import type { Codebook, Evidence, Proposal } from '../model.js';
import { CONTEXT_PARAMS, type ContextMatch, type ContextScorer, contextScorer } from './context.js';
import { Matcher } from './matcher.js';
import { suggestRules } from './suggest.js';

export { suggestRules } from './suggest.js';
export { CONTEXT_PARAMS, interviewerContexts } from './context.js';

export interface TaggerOptions {
  /** Suggest rules for codes without rules (default true); false leaves such codes unproposed. */
  suggest?: boolean;
  /** Keep proposals scoring at least this share of the best proposal (default 0.3). */
  relativeCutoff?: number;
  /** Default top-k for tag() (default 3). */
  topK?: number;
  /** Default minimum score for tag() (default 0.2). */
  minScore?: number;
  /** Share of the category's other codes' scores added to each of its codes (default 0: measured no gain). */
  categoryPrior?: number;
}

export interface TagOptions {
  topK?: number;
  minScore?: number;
  relativeCutoff?: number;
  /**
   * What the segment answers: the interviewer's question before a respondent's turn. It is scored
   * against each code's questions (and, weaker, its name and indicators) and adds to the segment's own
   * scores; codes it supports get evidence with `source: 'context'` (offsets into this text).
   */
  context?: string;
  /** Weight of the context (share of the answer's best score at a perfect match); default CONTEXT_PARAMS.weight. */
  contextWeight?: number;
}

export interface Tagger {
  readonly codebookVersion: string;
  /** The rules in force per code (own or suggested), in the order they were compiled. */
  readonly rulesByCode: ReadonlyMap<string, readonly string[]>;
  tag(text: string, opts?: TagOptions): Proposal[];
  /** Codes an exclusion rule vetoed in the last tag() call (never to be proposed for that text). */
  vetoedInLastTag(): Set<string>;
}

const MAX_EVIDENCE = 20;
const NO_CONTEXT: readonly ContextMatch[] = [];
/** A rule found several times counts more, with diminishing returns. */
const REPEAT_DAMPING = 0.35;

const DEFAULTS = { relativeCutoff: 0.3, topK: 3, minScore: 0.2, categoryPrior: 0 };

class CompiledTagger implements Tagger {
  private readonly matcher: Matcher;
  /** Per compiled rule: index of its code, and whether it vetoes the code instead of scoring it. */
  private readonly ruleCode: Int32Array;
  private readonly ruleExcludes: Uint8Array;
  private readonly ruleWeight: Float64Array;
  private readonly codeIds: string[] = [];
  private readonly codeCategory: number[] = [];
  private readonly codeRank: Int32Array;
  // Scratch arrays reused by every tag() call: a code is touched in this call when its stamp is the epoch.
  private readonly score: Float64Array;
  private readonly stamp: Int32Array;
  private readonly vetoStamp: Int32Array;
  /** The scoring rules of each code that held in this call, as a linked list in the order they were
   * matched (about text order, which spares tidy() a sort): head and tail per code, -1 ends. */
  private readonly codeHitHead: Int32Array;
  private readonly codeHitTail: Int32Array;
  private readonly ruleHitNext: Int32Array;
  private epoch = 0;
  private context: ContextScorer | undefined;
  readonly rulesByCode = new Map<string, string[]>();
  readonly codebookVersion: string;

  constructor(
    private readonly cb: Codebook,
    private readonly opts: Required<Omit<TaggerOptions, 'suggest'>> & { suggest: boolean },
  ) {
    this.codebookVersion = cb.version;
    this.matcher = new Matcher(cb.language);
    const suggested = opts.suggest ? suggestRules(cb) : new Map<string, string[]>();
    const categories = new Map<string, number>();
    const ruleCode: number[] = [];
    const ruleExcludes: number[] = [];
    for (const code of cb.categories.flatMap((c) => c.codes)) {
      const c = this.codeIds.length;
      this.codeIds.push(code.id);
      if (!categories.has(code.categoryId)) categories.set(code.categoryId, categories.size);
      this.codeCategory.push(categories.get(code.categoryId)!);
      const rules = code.rules.length ? code.rules : (suggested.get(code.id) ?? []);
      this.rulesByCode.set(code.id, rules);
      for (const rule of rules) {
        const r = this.matcher.add(rule);
        ruleCode[r] = c;
        ruleExcludes[r] = 0;
      }
      for (const rule of code.exclude) {
        const r = this.matcher.add(rule);
        ruleCode[r] = c;
        ruleExcludes[r] = 1;
      }
    }
    this.ruleWeight = Float64Array.from(this.matcher.rules, (r) => r.weight);
    this.ruleCode = Int32Array.from(ruleCode);
    this.ruleExcludes = Uint8Array.from(ruleExcludes);
    this.ruleHitNext = new Int32Array(ruleCode.length);
    const n = this.codeIds.length;
    // Rank of each code id in string order (equal ids share a rank), so ties compare as integers.
    const sortedIds = [...new Set(this.codeIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rankOf = new Map(sortedIds.map((id, i) => [id, i]));
    this.codeRank = Int32Array.from(this.codeIds, (id) => rankOf.get(id)!);
    this.score = new Float64Array(n);
    this.stamp = new Int32Array(n);
    this.vetoStamp = new Int32Array(n);
    this.codeHitHead = new Int32Array(n);
    this.codeHitTail = new Int32Array(n);
  }

  /** Whether the scan of this tag() call ran (so its vetoes are in vetoStamp at the epoch). */
  private scanned = false;

  vetoedInLastTag(): Set<string> {
    const out = new Set<string>();
    if (!this.scanned) return out;
    for (let c = 0; c < this.codeIds.length; c++) if (this.vetoStamp[c] === this.epoch) out.add(this.codeIds[c]!);
    return out;
  }

  tag(text: string, opts: TagOptions = {}): Proposal[] {
    this.scanned = false;
    return this.tagRules(text, opts);
  }

  private tagRules(text: string, opts: TagOptions): Proposal[] {
    const topK = opts.topK ?? this.opts.topK;
    const minScore = opts.minScore ?? this.opts.minScore;
    const relativeCutoff = opts.relativeCutoff ?? this.opts.relativeCutoff;
    const m = this.matcher;
    const count = m.scan(text);
    const contextMatches = opts.context ? (this.context ??= contextScorer(this.cb)).score(opts.context) : NO_CONTEXT;
    if (!count && !contextMatches.length) return [];
    if (++this.epoch >= 0x7fffffff) {
      this.stamp.fill(0);
      this.vetoStamp.fill(0);
      this.epoch = 1;
    }
    const e = this.epoch;
    this.scanned = true;
    const touched = this.touched;
    touched.length = 0;
    for (let i = 0; i < count; i++) {
      const r = m.matchedRules[i]!;
      const c = this.ruleCode[r]!;
      if (this.ruleExcludes[r]) {
        this.vetoStamp[c] = e;
        continue;
      }
      const distinct = m.matchedDistinct[i]!;
      const add = distinct === 1 ? this.ruleWeight[r]! : this.ruleWeight[r]! * (1 + REPEAT_DAMPING * Math.log(distinct));
      if (this.stamp[c] !== e) {
        this.stamp[c] = e;
        this.score[c] = add;
        this.codeHitHead[c] = r;
        touched.push(c);
      } else {
        this.score[c] = this.score[c]! + add;
        this.ruleHitNext[this.codeHitTail[c]!] = r;
      }
      this.codeHitTail[c] = r;
      this.ruleHitNext[r] = -1;
    }
    // Evidence for a category (all its codes together) lifts each of its codes a little.
    const prior = this.opts.categoryPrior;
    let byCategory: Map<number, number> | undefined;
    if (prior) {
      byCategory = new Map();
      for (const c of touched) byCategory.set(this.codeCategory[c]!, (byCategory.get(this.codeCategory[c]!) ?? 0) + this.score[c]!);
    }
    if (!contextMatches.length) return this.topProposals(touched, byCategory, topK, minScore, relativeCutoff, count);
    const ranked: Array<{ c: number; score: number }> = [];
    for (const c of touched) {
      if (this.vetoStamp[c] === e) continue;
      const raw = byCategory ? this.score[c]! + prior * (byCategory.get(this.codeCategory[c]!)! - this.score[c]!) : this.score[c]!;
      ranked.push({ c, score: raw });
    }
    // The question asked adds to the answer's own scores, relative to the answer's strongest evidence,
    // so context moves codes up the answer's ranking rather than drowning it; a veto still holds.
    const fromContext = new Map<number, ContextMatch>();
    const reference = Math.max(CONTEXT_PARAMS.minReference, ...ranked.map((p) => p.score));
    const weight = opts.contextWeight ?? CONTEXT_PARAMS.weight;
    for (const cm of contextMatches) {
      if (this.vetoStamp[cm.code] === e) continue;
      const add = weight * cm.similarity * reference;
      const p = ranked.find((x) => x.c === cm.code);
      if (p) p.score += add;
      else ranked.push({ c: cm.code, score: add });
      fromContext.set(cm.code, cm);
    }
    for (const p of ranked) p.score = Math.round(p.score * 1000) / 1000;
    ranked.sort((a, b) => b.score - a.score || (this.codeIds[a.c]! < this.codeIds[b.c]! ? -1 : 1));
    const best = ranked[0]?.score ?? 0;
    const out: Proposal[] = [];
    if (!ranked.length) return out;
    for (const p of ranked) {
      if (out.length >= topK || p.score < minScore || p.score < best * relativeCutoff) break;
      out.push(this.proposal(p.c, p.score, count, fromContext.get(p.c)));
    }
    return out;
  }

  private readonly touched: number[] = [];
  private topCode = new Int32Array(8);
  private topScore = new Float64Array(8);

  /**
   * Without context: the best `topK` codes by (score desc, code id asc), kept in a small sorted buffer
   * while going over the touched codes once, instead of sorting every candidate. Same order and cut
   * as sorting all of them.
   */
  private topProposals(
    touched: readonly number[],
    byCategory: Map<number, number> | undefined,
    topK: number,
    minScore: number,
    relativeCutoff: number,
    count: number,
  ): Proposal[] {
    const e = this.epoch;
    const prior = this.opts.categoryPrior;
    const n = touched.length;
    const k = topK < n ? Math.max(0, Math.ceil(topK)) : n;
    if (this.topCode.length < k) {
      this.topCode = new Int32Array(k);
      this.topScore = new Float64Array(k);
    }
    const tc = this.topCode;
    const ts = this.topScore;
    const ids = this.codeRank;
    let filled = 0;
    for (let t = 0; t < n; t++) {
      const c = touched[t]!;
      if (this.vetoStamp[c] === e) continue;
      const raw = byCategory ? this.score[c]! + prior * (byCategory.get(this.codeCategory[c]!)! - this.score[c]!) : this.score[c]!;
      const score = Math.round(raw * 1000) / 1000;
      if (k === 0) continue;
      // Insertion into the sorted buffer; a candidate not better than the last kept one is skipped.
      let j: number;
      if (filled < k) j = filled++;
      else {
        const ls = ts[k - 1]!;
        if (!(score > ls || (score === ls && ids[c]! < ids[tc[k - 1]!]!))) continue;
        j = k - 1;
      }
      while (j > 0) {
        const ps = ts[j - 1]!;
        if (score > ps || (score === ps && ids[c]! < ids[tc[j - 1]!]!)) {
          ts[j] = ps;
          tc[j] = tc[j - 1]!;
          j--;
        } else break;
      }
      ts[j] = score;
      tc[j] = c;
    }
    const out: Proposal[] = [];
    if (!filled) return out;
    const best = ts[0]!;
    for (let i = 0; i < filled; i++) {
      const score = ts[i]!;
      if (score < minScore || score < best * relativeCutoff) break;
      out.push(this.proposal(tc[i]!, score, count, undefined));
    }
    return out;
  }

  /** One proposal with its evidence: the spans of the code's rules that held (and the context, last). */
  private proposal(c: number, score: number, count: number, cm: ContextMatch | undefined): Proposal {
    const m = this.matcher;
    const evidence: Evidence[] = [];
    // tidy() puts the evidence in text order.
    if (count && this.stamp[c] === this.epoch) for (let r = this.codeHitHead[c]!; r >= 0; r = this.ruleHitNext[r]!) m.pushEvidence(r, evidence);
    const kept = tidy(evidence, cm ? MAX_EVIDENCE - 1 : MAX_EVIDENCE);
    // The answer's own spans stay the evidence; the question that supported the code comes last.
    if (cm)
      kept.push({ start: cm.start, end: cm.end, rule: cm.question === null ? `context: ${this.codeIds[c]}` : `question: ${cm.question}`, source: 'context' });
    return { code: this.codeIds[c]!, score, evidence: kept };
  }
}

const byPlace = (a: Evidence, b: Evidence): number => a.start - b.start || a.end - b.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);

function tidy(evidence: Evidence[], max = MAX_EVIDENCE): Evidence[] {
  if (evidence.length === 1 && max >= 1) return evidence;
  // Evidence of one rule usually arrives in text order already: sort only when it is not. Already in
  // strict order (so no repeats) and within the limit, it is kept as it is.
  let strict = true;
  for (let i = 1; i < evidence.length; i++) {
    const order = byPlace(evidence[i - 1]!, evidence[i]!);
    if (order > 0) {
      evidence.sort(byPlace);
      strict = false;
      break;
    }
    if (order === 0) strict = false;
  }
  if (strict && evidence.length <= max) return evidence;
  const out: Evidence[] = [];
  for (const e of evidence) {
    const last = out[out.length - 1];
    if (last && last.start === e.start && last.end === e.end && last.rule === e.rule) continue;
    out.push(e);
    if (out.length === max) break;
  }
  return out;
}

const cache = new Map<string, Tagger>();
const CACHE_LIMIT = 16;

/** Compiles (or reuses, per codebook version and options) the tagger for a codebook. */
export function compileTagger(cb: Codebook, opts: TaggerOptions = {}): Tagger {
  const full = { ...DEFAULTS, suggest: true, ...opts };
  const key = `${cb.id}@${cb.version}:${JSON.stringify(full)}`;
  let tagger = cache.get(key);
  if (!tagger) {
    tagger = new CompiledTagger(cb, full);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, tagger);
  }
  return tagger;
}
