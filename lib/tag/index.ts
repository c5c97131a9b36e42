// The tagger: a codebook's rules (its own, or suggested where a code has none) compiled once into a
// Matcher; tagging a segment returns proposals ranked by score, each with its evidence spans.
import type { Codebook, Evidence, Proposal } from '../model.js';
import { Matcher } from './matcher.js';
import { suggestRules } from './suggest.js';

export { suggestRules } from './suggest.js';

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
}

export interface Tagger {
  readonly codebookVersion: string;
  /** The rules in force per code (own or suggested), in the order they were compiled. */
  readonly rulesByCode: ReadonlyMap<string, readonly string[]>;
  tag(text: string, opts?: TagOptions): Proposal[];
}

const MAX_EVIDENCE = 20;
/** A rule found several times counts more, with diminishing returns. */
const REPEAT_DAMPING = 0.35;

const DEFAULTS = { relativeCutoff: 0.3, topK: 3, minScore: 0.2, categoryPrior: 0 };

class CompiledTagger implements Tagger {
  private readonly matcher: Matcher;
  private readonly owner: Array<{ code: string; exclude: boolean }> = [];
  private readonly categoryOf = new Map<string, string>();
  readonly rulesByCode = new Map<string, string[]>();
  readonly codebookVersion: string;

  constructor(
    cb: Codebook,
    private readonly opts: Required<Omit<TaggerOptions, 'suggest'>> & { suggest: boolean },
  ) {
    this.codebookVersion = cb.version;
    this.matcher = new Matcher(cb.language);
    const suggested = opts.suggest ? suggestRules(cb) : new Map<string, string[]>();
    for (const code of cb.categories.flatMap((c) => c.codes)) {
      const rules = code.rules.length ? code.rules : (suggested.get(code.id) ?? []);
      this.rulesByCode.set(code.id, rules);
      this.categoryOf.set(code.id, code.categoryId);
      for (const rule of rules) this.owner[this.matcher.add(rule)] = { code: code.id, exclude: false };
      for (const rule of code.exclude) this.owner[this.matcher.add(rule)] = { code: code.id, exclude: true };
    }
  }

  tag(text: string, opts: TagOptions = {}): Proposal[] {
    const topK = opts.topK ?? this.opts.topK;
    const minScore = opts.minScore ?? this.opts.minScore;
    const relativeCutoff = opts.relativeCutoff ?? this.opts.relativeCutoff;
    const scores = new Map<string, { score: number; matches: Array<{ rule: string; spans: Array<{ start: number; end: number }> }> }>();
    const vetoed = new Set<string>();
    for (const m of this.matcher.match(text)) {
      const owner = this.owner[m.rule]!;
      if (owner.exclude) {
        vetoed.add(owner.code);
        continue;
      }
      const rule = this.matcher.rules[m.rule]!;
      let distinct = 1;
      for (let i = 1; i < m.spans.length; i++) if (m.spans[i]!.start !== m.spans[i - 1]!.start) distinct++;
      const entry = scores.get(owner.code);
      const add = rule.weight * (1 + REPEAT_DAMPING * Math.log(distinct));
      if (entry) {
        entry.score += add;
        entry.matches.push({ rule: rule.source, spans: m.spans });
      } else scores.set(owner.code, { score: add, matches: [{ rule: rule.source, spans: m.spans }] });
    }
    // Evidence for a category (all its codes together) lifts each of its codes a little.
    const prior = this.opts.categoryPrior;
    const byCategory = new Map<string, number>();
    if (prior) {
      for (const [code, e] of scores) {
        const cat = this.categoryOf.get(code)!;
        byCategory.set(cat, (byCategory.get(cat) ?? 0) + e.score);
      }
    }
    const ranked = [...scores.entries()]
      .filter(([code]) => !vetoed.has(code))
      .map(([code, e]) => {
        const score = prior ? e.score + prior * (byCategory.get(this.categoryOf.get(code)!)! - e.score) : e.score;
        return { code, score: Math.round(score * 1000) / 1000, matches: e.matches };
      })
      .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
    const best = ranked[0]?.score ?? 0;
    return ranked
      .filter((p) => p.score >= minScore && p.score >= best * relativeCutoff)
      .slice(0, topK)
      .map((p) => ({ code: p.code, score: p.score, evidence: tidy(p.matches.flatMap((m) => m.spans.map((s) => ({ start: s.start, end: s.end, rule: m.rule })))) }));
  }
}

function tidy(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .filter((e) => {
      const key = `${e.start}:${e.end}:${e.rule}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_EVIDENCE);
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
