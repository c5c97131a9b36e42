// Rule terms learnt from reviewed decisions, as proposals for people to review (never applied by
// themselves). Each reviewed segment says which codes a reviewer accepted (or added) and which they
// rejected. For every code, candidate terms are the stems, stem bigrams ("phrases"), Dutch compound
// parts and stem prefixes (`stem*`) of its accepted segments; each candidate is compiled with the
// tagger's own Matcher, so its figures are exactly what the rule would match. A candidate is ranked by
// its smoothed log-odds of occurring in the code's accepted segments against the other reviewed
// segments (a segment where the code was rejected counts `rejectedWeight` times as a negative).
// Candidates the code's rules in force (own or suggested) already match, stop words, and terms in fewer
// than `minSupport` accepted segments are left out.
import { codebookVersion } from '../codebook/build.js';
import { parseRule } from '../codebook/rules.js';
import type { Code, Codebook, Language } from '../model.js';
import { compileTagger } from './index.js';
import { stripCitations } from './citations.js';
import { canonicalStem, stem } from './language.js';
import { Matcher } from './matcher.js';
import { tokenize } from './normalize.js';
import { isCompoundSplit, isRuleStopword } from './words.js';

/** One reviewed segment: the codes a reviewer accepted or added, and those they rejected. */
export interface ReviewedExample {
  id: string;
  text: string;
  accepted: string[];
  rejected: string[];
}

/** Defaults of the learning, chosen on general grounds (not tuned to a corpus). */
export const LEARN_PARAMS = {
  /** A term must occur in at least this many distinct accepted segments of the code. */
  minSupport: 2,
  /** Most suggestions per code. */
  top: 10,
  /** A segment where the code was rejected weighs this many ordinary negative segments. */
  rejectedWeight: 2,
  /** Added to every cell of the 2×2 table (Haldane–Anscombe), so unseen counts stay finite. */
  smoothing: 0.5,
  /** A term must be over-represented in the code's accepted segments at this one-sided significance
   * (hypergeometric tail: the chance of at least that many of its matches falling on them by luck). */
  maxPValue: 0.05,
  /** Shortest word (folded) that can become a term. */
  minWord: 3,
  /** Shortest stem offered as a `stem*` wildcard. */
  minPrefix: 5,
  /** Shortest part of a closed Dutch compound offered as a term. */
  minPart: 4,
  maxExamples: 3,
};

export interface LearnOptions {
  minSupport?: number;
  top?: number;
  rejectedWeight?: number;
  /** Rules in force per code; default: the codebook's own rules, or the suggested ones where a code has none. */
  rulesInForce?: ReadonlyMap<string, readonly string[]>;
}

export type TermKind = 'term' | 'prefix' | 'phrase';

export interface TermSuggestion {
  /** The rule in qualtag's rule language: a word, `stem*` or a "phrase". */
  rule: string;
  kind: TermKind;
  /** Smoothed log-odds of the rule matching an accepted segment of the code versus another reviewed segment. */
  score: number;
  /** Accepted segments of the code the rule matches. */
  support: number;
  /** Of those, segments none of the code's rules in force match. */
  newlyCovered: number;
  /** Of those, segments the tagger does not propose the code for now (not in its top 3). */
  unproposed: number;
  /** Other reviewed segments (not accepted under this code) the rule matches. */
  otherMatches: number;
  /** Of those, segments where a reviewer rejected this code. */
  rejectedMatches: number;
  /** support / (support + otherMatches) on the reviewed segments: an estimate of the rule's precision. */
  precision: number;
  /** Up to three ids of accepted segments it matches (uncovered ones first). */
  examples: string[];
}

export interface CodeLearning {
  code: string;
  name: string;
  /** Reviewed segments with the code accepted or added. */
  accepted: number;
  /** Reviewed segments with the code rejected. */
  rejected: number;
  /** Accepted segments none of the code's rules in force match. */
  uncovered: number;
  /** Accepted segments the tagger does not propose the code for now (not in its top 3). */
  unproposed: number;
  suggestions: TermSuggestion[];
}

export interface LearnResult {
  /** Reviewed segments (examples merged by id). */
  segments: number;
  /** One entry per code of the codebook with at least one accepted segment, in codebook order. */
  codes: CodeLearning[];
  /** Codes named by the examples that the codebook does not have (ignored). */
  unknownCodes: string[];
}

interface Candidate {
  kind: TermKind;
  /** Surface forms seen, to write the rule with a real word. */
  surfaces: Map<string, number>;
  segments: Set<number>;
}

const KIND_ORDER: Record<TermKind, number> = { term: 0, phrase: 1, prefix: 2 };
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/** Examples with the same id merged; a code both accepted and rejected for a segment counts as accepted. */
function mergeExamples(examples: readonly ReviewedExample[]): ReviewedExample[] {
  const byId = new Map<string, { id: string; text: string; accepted: Set<string>; rejected: Set<string> }>();
  for (const e of examples) {
    let m = byId.get(e.id);
    if (!m) byId.set(e.id, (m = { id: e.id, text: e.text, accepted: new Set(), rejected: new Set() }));
    for (const c of e.accepted) m.accepted.add(c);
    for (const c of e.rejected) m.rejected.add(c);
  }
  return [...byId.values()].map((m) => ({ id: m.id, text: m.text, accepted: [...m.accepted], rejected: [...m.rejected].filter((c) => !m.accepted.has(c)) }));
}

const isContent = (folded: string, lang: Language): boolean => folded.length >= LEARN_PARAMS.minWord && !isRuleStopword(folded, lang) && !/\d/.test(folded);

/** Rule words must parse as plain words: letters and digits only (folded forms always are). */
const plainWord = (w: string): boolean => /^[\p{L}\p{N}]+$/u.test(w);

/** Candidate terms of every segment, keyed by what the matcher would compare (stem, stem pair, prefix). */
function candidatesOf(segments: readonly ReviewedExample[], lang: Language): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  const add = (key: string, kind: TermKind, surface: string, seg: number) => {
    let c = out.get(key);
    if (!c) out.set(key, (c = { kind, surfaces: new Map(), segments: new Set() }));
    c.surfaces.set(surface, (c.surfaces.get(surface) ?? 0) + 1);
    c.segments.add(seg);
  };
  // Candidates come from the text without literature references: no author names or years as terms.
  const texts = segments.map((s) => stripCitations(s.text));
  const words = texts.map((t) => tokenize(t));
  // Parts of closed compounds are offered when they occur as words of their own somewhere.
  const vocabulary = new Set(words.flatMap((ws) => ws.map((w) => w.folded).filter((w) => isContent(w, lang))));
  words.forEach((ws, seg) => {
    const text = texts[seg]!;
    ws.forEach((w, i) => {
      const f = w.folded;
      if (!isContent(f, lang) || !plainWord(f)) return;
      add(`t:${canonicalStem(f, lang)}`, 'term', f, seg);
      const s = stem(f, lang);
      if (s.length >= LEARN_PARAMS.minPrefix && f.startsWith(s)) add(`p:${s}`, 'prefix', s, seg);
      if (lang === 'nl') {
        const min = LEARN_PARAMS.minPart;
        for (let k = min; k <= f.length - min; k++) {
          const head = f.slice(k);
          // Only where the word really splits (both sides Dutch words): no substrings such as `ling` of "taakstelling".
          if (!isCompoundSplit(f.slice(0, k), head)) continue;
          if (vocabulary.has(head) && isContent(head, lang)) add(`t:${canonicalStem(head, lang)}`, 'term', head, seg);
          let modifier = f.slice(0, k);
          if (!vocabulary.has(modifier) && /[se]$/.test(modifier) && modifier.length > min) modifier = modifier.slice(0, -1);
          if (vocabulary.has(modifier) && isContent(modifier, lang)) add(`t:${canonicalStem(modifier, lang)}`, 'term', modifier, seg);
        }
      }
      // Two content words next to each other (a hyphen or spaces between, no punctuation) form a phrase.
      const next = ws[i + 1];
      if (next && isContent(next.folded, lang) && plainWord(next.folded) && /^[\s\-\u2010\u2011]*$/.test(text.slice(w.end, next.start))) {
        add(`b:${canonicalStem(f, lang)} ${canonicalStem(next.folded, lang)}`, 'phrase', `${f} ${next.folded}`, seg);
      }
    });
  });
  return out;
}

/** The most frequent surface form (then shorter, then alphabetical) written as a rule. */
function ruleText(c: Candidate): string {
  const [form] = [...c.surfaces.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || cmp(a[0], b[0]))[0]!;
  return c.kind === 'phrase' ? `"${form}"` : c.kind === 'prefix' ? `${form}*` : form;
}

/** The rules in force per code, compiled once: which codes' rules match a text. */
class RulesInForce {
  private readonly matcher: Matcher;
  private readonly ruleCode: string[] = [];
  private readonly memo = new Map<string, Set<string>>();

  constructor(lang: Language, rules: ReadonlyMap<string, readonly string[]>) {
    this.matcher = new Matcher(lang);
    for (const [code, list] of rules) {
      for (const rule of list) {
        try {
          this.ruleCode[this.matcher.add(rule)] = code;
        } catch {
          // A rule the codebook loader accepted always compiles; a hand-passed bad one is just skipped.
        }
      }
    }
  }

  codesMatching(text: string): Set<string> {
    let codes = this.memo.get(text);
    if (!codes) {
      codes = new Set(this.matcher.match(text).map((m) => this.ruleCode[m.rule]!));
      this.memo.set(text, codes);
    }
    return codes;
  }
}

/** Proposes new rule terms per code from reviewed decisions. Deterministic for the same input. */
export function learnRuleTerms(cb: Codebook, examples: readonly ReviewedExample[], opts: LearnOptions = {}): LearnResult {
  const minSupport = Math.max(1, opts.minSupport ?? LEARN_PARAMS.minSupport);
  const top = opts.top ?? LEARN_PARAMS.top;
  const rejectedWeight = opts.rejectedWeight ?? LEARN_PARAMS.rejectedWeight;
  const alpha = LEARN_PARAMS.smoothing;
  const lang = cb.language;
  const codes: Code[] = cb.categories.flatMap((c) => c.codes);
  const known = new Set(codes.map((c) => c.id));
  const segments = mergeExamples(examples);
  const unknownCodes = [...new Set(segments.flatMap((s) => [...s.accepted, ...s.rejected]).filter((c) => !known.has(c)))].sort(cmp);

  // Keep candidates that reach the support in some code's accepted segments (a cheap first cut; the
  // matcher decides the real figures below).
  const positives = new Map<string, number[]>();
  segments.forEach((s, i) => {
    for (const c of s.accepted) if (known.has(c)) (positives.get(c) ?? positives.set(c, []).get(c)!).push(i);
  });
  const candidates = [...candidatesOf(segments, lang).values()].filter((cand) => {
    const perCode = new Map<string, number>();
    for (const i of cand.segments) for (const c of segments[i]!.accepted) perCode.set(c, (perCode.get(c) ?? 0) + 1);
    return [...perCode.values()].some((n) => n >= minSupport);
  });

  // Compile every candidate as a rule and match all segments: hits and the matched words per segment.
  const learner = new Matcher(lang);
  const rules: Array<{ rule: string; kind: TermKind }> = [];
  const seenRules = new Set<string>();
  for (const cand of candidates) {
    const rule = ruleText(cand);
    if (seenRules.has(rule)) continue;
    try {
      parseRule(rule);
    } catch {
      continue;
    }
    seenRules.add(rule);
    rules[learner.add(rule)] = { rule, kind: cand.kind };
  }
  const hits: number[][] = rules.map(() => []);
  /** Per rule and segment: the distinct texts it matched there. */
  const spans: Array<Map<number, Set<string>>> = rules.map(() => new Map());
  segments.forEach((s, i) => {
    for (const m of learner.match(s.text)) {
      hits[m.rule]!.push(i);
      spans[m.rule]!.set(i, new Set(m.spans.map((sp) => s.text.slice(sp.start, sp.end))));
    }
  });

  const tagger = compileTagger(cb);
  const inForce = new RulesInForce(lang, opts.rulesInForce ?? tagger.rulesByCode);
  const matchedBy = segments.map((s) => inForce.codesMatching(s.text));
  const proposedFor = segments.map((s) => new Set(tagger.tag(s.text).map((p) => p.code)));

  const out: CodeLearning[] = [];
  for (const code of codes) {
    const pos = positives.get(code.id) ?? [];
    if (!pos.length) continue;
    const posSet = new Set(pos);
    const rejectedSegs = new Set<number>();
    segments.forEach((s, i) => {
      if (s.rejected.includes(code.id)) rejectedSegs.add(i);
    });
    const nP = pos.length;
    const nN = segments.length - nP + (rejectedWeight - 1) * rejectedSegs.size;
    const uncovered = new Set(pos.filter((i) => !matchedBy[i]!.has(code.id)));
    const unproposed = new Set(pos.filter((i) => !proposedFor[i]!.has(code.id)));
    const ranked: Ranked[] = [];
    rules.forEach(({ rule, kind }, r) => {
      const h = hits[r]!;
      const inPos = h.filter((i) => posSet.has(i));
      const a = inPos.length;
      if (a < minSupport) return;
      const others = h.length - a;
      const rejectedMatches = h.filter((i) => rejectedSegs.has(i)).length;
      const b = others + (rejectedWeight - 1) * rejectedMatches;
      const logOdds = Math.log((a + alpha) / (nP - a + alpha)) - Math.log((b + alpha) / (nN - b + alpha));
      if (!(logOdds > 0)) return;
      if (upperTail(Math.round(nP + nN), nP, Math.round(a + b), a) > LEARN_PARAMS.maxPValue) return;
      // Already covered: wherever it matches in the code's accepted segments, the code's rules match that very text.
      const covered = inPos.every((i) => [...spans[r]!.get(i)!].every((t) => inForce.codesMatching(t).has(code.id)));
      if (covered) return;
      const fresh = inPos.filter((i) => uncovered.has(i));
      const helps = inPos.filter((i) => unproposed.has(i));
      const examples = [...new Set([...fresh, ...helps, ...inPos])].slice(0, LEARN_PARAMS.maxExamples).map((i) => segments[i]!.id);
      ranked.push({
        rule,
        kind,
        score: round(logOdds),
        support: a,
        newlyCovered: fresh.length,
        unproposed: helps.length,
        otherMatches: others,
        rejectedMatches,
        precision: round(a / (a + others)),
        examples,
        hitSet: h,
        posSet: inPos,
      });
    });
    ranked.sort((x, y) => y.score - x.score || y.support - x.support || KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || cmp(x.rule, y.rule));
    // A rule is left out when a better-ranked pick matches all of its accepted segments at no lower
    // precision (`belangrijk*` after `belangrijke`, `ervoor` after "ervoor zorgt"): it adds nothing.
    const picked: Ranked[] = [];
    for (const cand of ranked) {
      if (picked.length >= top) break;
      if (picked.some((p) => p.precision >= cand.precision && isSubset(cand.posSet, p.posSet))) continue;
      picked.push(cand);
    }
    out.push({
      code: code.id,
      name: code.name,
      accepted: nP,
      rejected: rejectedSegs.size,
      uncovered: uncovered.size,
      unproposed: unproposed.size,
      suggestions: picked.map(({ hitSet: _h, posSet: _p, ...s }) => s),
    });
  }
  return { segments: segments.length, codes: out, unknownCodes };
}

type Ranked = TermSuggestion & { hitSet: number[]; posSet: number[] };

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}
const logChoose = (n: number, k: number): number => logFactorial(n) - logFactorial(k) - logFactorial(n - k);

/**
 * One-sided hypergeometric tail: with `population` segments of which `positives` are the code's, the
 * chance that `draws` segments picked at random hold at least `hit` of the code's (Fisher's exact test).
 */
export function upperTail(population: number, positives: number, draws: number, hit: number): number {
  const n = Math.min(draws, population);
  const total = logChoose(population, n);
  let p = 0;
  for (let x = hit; x <= Math.min(positives, n); x++) {
    if (n - x > population - positives) continue;
    p += Math.exp(logChoose(positives, x) + logChoose(population - positives, n - x) - total);
  }
  return Math.min(1, p);
}

/** Whether sorted list a is contained in sorted list b. */
function isSubset(a: readonly number[], b: readonly number[]): boolean {
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j === b.length || b[j] !== x) return false;
  }
  return true;
}

/**
 * A copy of the codebook where each code with suggestions gets its rules in force plus its top `top`
 * learnt rules (what a researcher pasting the suggestions would have). Its version is recomputed.
 */
export function withLearnedRules(
  cb: Codebook,
  learned: LearnResult,
  top: number,
  rulesInForce: ReadonlyMap<string, readonly string[]> = compileTagger(cb).rulesByCode,
): Codebook {
  const extra = new Map(learned.codes.map((c) => [c.code, c.suggestions.slice(0, top).map((s) => s.rule)]));
  const categories = cb.categories.map((cat) => ({
    ...cat,
    codes: cat.codes.map((code) => {
      const add = extra.get(code.id) ?? [];
      return add.length ? { ...code, rules: [...(rulesInForce.get(code.id) ?? code.rules), ...add] } : code;
    }),
  }));
  const copy = { id: cb.id, ...(cb.title !== undefined ? { title: cb.title } : {}), language: cb.language, categories };
  return { ...copy, version: codebookVersion(copy) };
}
