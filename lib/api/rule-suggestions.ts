// Rule terms learnt from a project's reviewed codings, for the review UI: the codings read through the
// store become reviewed passages for the learner (lib/tag/learn.ts), its figures come back with short
// excerpts of the example passages, and chosen terms become a new codebook (YAML for the loader).
import { allCodes, parseRule, RuleSyntaxError } from '../codebook/index.js';
import { codebookToYaml } from '../codebook/to-yaml.js';
import { QualtagError } from '../errors.js';
import type { Codebook } from '../model.js';
import type { LearnResult } from '../tag/learn.js';
import type { ReviewedPassage } from '../review/reviewed-codings.js';
import { Matcher } from '../tag/matcher.js';
import type { CodeRuleSuggestions, RuleSuggestionExample } from './contract.js';

export { reviewedPassages, type ReviewedPassage } from '../review/reviewed-codings.js';

const EXCERPT = 200;

/** About EXCERPT characters of the text around [start, end), cut at word boundaries where possible. */
export function excerptAround(
  text: string,
  span: { start: number; end: number } | null,
): Omit<RuleSuggestionExample, 'documentId' | 'documentName' | 'segmentId' | 'segmentIndex'> {
  if (text.length <= EXCERPT) return { excerpt: text, match: span, clippedStart: false, clippedEnd: false };
  const s = span ?? { start: 0, end: 0 };
  const room = Math.max(0, EXCERPT - (s.end - s.start));
  let from = Math.max(0, s.start - Math.floor(room / 2));
  let to = Math.min(text.length, from + Math.max(EXCERPT, s.end - s.start));
  from = Math.max(0, Math.min(from, to - EXCERPT));
  // Move the cuts to the nearest space inside the window so no word is cut in half.
  if (from > 0) {
    const sp = text.indexOf(' ', from);
    if (sp >= 0 && sp < s.start) from = sp + 1;
  }
  if (to < text.length) {
    const sp = text.lastIndexOf(' ', to);
    if (sp > s.end) to = sp;
  }
  return {
    excerpt: text.slice(from, to),
    match: span ? { start: span.start - from, end: span.end - from } : null,
    clippedStart: from > 0,
    clippedEnd: to < text.length,
  };
}

/** The learner's result per code, with the code's rules in force and excerpts of the example passages. */
export function suggestionsView(
  cb: Codebook,
  learned: LearnResult,
  rulesInForce: ReadonlyMap<string, readonly string[]>,
  passages: ReadonlyMap<string, ReviewedPassage>,
  documentNames: ReadonlyMap<string, string>,
): CodeRuleSuggestions[] {
  const codes = new Map(allCodes(cb).map((c) => [c.id, c]));
  // Every suggested term compiled once, to find where it matches in its example passages.
  const matcher = new Matcher(cb.language);
  const index = new Map<string, number>();
  for (const c of learned.codes) for (const s of c.suggestions) if (!index.has(s.rule)) index.set(s.rule, matcher.add(s.rule));
  const spansIn = new Map<string, Map<number, { start: number; end: number }>>();
  const firstSpan = (text: string, rule: string): { start: number; end: number } | null => {
    let m = spansIn.get(text);
    if (!m) {
      m = new Map();
      for (const hit of matcher.match(text)) {
        const sp = hit.spans[0];
        if (sp) m.set(hit.rule, { start: sp.start, end: sp.end });
      }
      spansIn.set(text, m);
    }
    return m.get(index.get(rule)!) ?? null;
  };
  return learned.codes.map((c) => {
    const code = codes.get(c.code)!;
    return {
      code: c.code,
      name: c.name,
      categoryId: code.categoryId,
      accepted: c.accepted,
      rejected: c.rejected,
      uncovered: c.uncovered,
      unproposed: c.unproposed,
      rules: [...(rulesInForce.get(c.code) ?? code.rules)],
      ownRules: code.rules.length > 0,
      suggestions: c.suggestions.map((s) => ({
        rule: s.rule,
        kind: s.kind,
        score: s.score,
        support: s.support,
        newlyCovered: s.newlyCovered,
        unproposed: s.unproposed,
        otherMatches: s.otherMatches,
        rejectedMatches: s.rejectedMatches,
        precision: s.precision,
        examples: s.examples.flatMap((id) => {
          const p = passages.get(id);
          if (!p) return [];
          return [
            {
              documentId: p.documentId,
              documentName: documentNames.get(p.documentId) ?? p.documentId,
              segmentId: p.segmentId,
              segmentIndex: p.segmentIndex,
              ...excerptAround(p.text, firstSpan(p.text, s.rule)),
            },
          ];
        }),
      })),
    };
  });
}

export interface AddedTerms {
  /** The new codebook as YAML, for the codebook loader. */
  yaml: string;
  added: Array<{ code: string; rules: string[] }>;
  unchanged: Array<{ code: string; rule: string }>;
}

/**
 * Appends chosen terms to their codes' rules. A code without rules of its own first gets its rules in force
 * (the suggested ones), so it keeps matching what it matched before. Every term must parse (BAD_RULE naming
 * it) and name a code of the codebook; a term the code already has is left alone.
 */
export function withAddedTerms(
  cb: Codebook,
  terms: ReadonlyArray<{ code: string; rule: string }>,
  rulesInForce: ReadonlyMap<string, readonly string[]>,
): AddedTerms {
  const known = new Set(allCodes(cb).map((c) => c.id));
  const perCode = new Map<string, string[]>();
  const unchanged: AddedTerms['unchanged'] = [];
  terms.forEach(({ code, rule }, i) => {
    if (!known.has(code)) {
      throw new QualtagError(
        'BAD_REQUEST',
        `code "${code}" is not in the project's current codebook`,
        'Choose terms from GET /projects/{projectId}/rule-suggestions',
        `body.terms[${i}].code`,
      );
    }
    try {
      parseRule(rule);
    } catch (e) {
      if (!(e instanceof RuleSyntaxError)) throw e;
      throw new QualtagError(
        'BAD_RULE',
        `the term ${JSON.stringify(rule)} is not a valid rule: ${e.message}`,
        'Use a word, a "phrase", stem* or AND/OR/NOT/NEAR/n as in "Codebooks and the rule language" in the README',
        `body.terms[${i}].rule`,
      );
    }
    const current = rulesInForce.get(code) ?? [];
    const list = perCode.get(code) ?? perCode.set(code, []).get(code)!;
    if (current.includes(rule) || list.includes(rule)) unchanged.push({ code, rule });
    else list.push(rule);
  });
  const categories = cb.categories.map((cat) => ({
    ...cat,
    codes: cat.codes.map((code) => {
      const add = perCode.get(code.id) ?? [];
      return add.length ? { ...code, rules: [...(code.rules.length ? code.rules : (rulesInForce.get(code.id) ?? [])), ...add] } : code;
    }),
  }));
  return {
    yaml: codebookToYaml({ ...cb, categories }),
    added: [...perCode].filter(([, rules]) => rules.length).map(([code, rules]) => ({ code, rules })),
    unchanged,
  };
}
