// The compiled matcher: every rule of a codebook turned into one trie over normalised word keys.
// Tagging walks the text's words once; each distinct word is analysed once (stem, prefix wildcards,
// closed-compound parts) and then looked up in Maps, so the cost per character does not grow with
// the number of rules. Only rules with at least one matched word are evaluated afterwards.
import type { Language } from '../model.js';
import { parseRule, ruleLeaves, type RuleNode } from '../codebook/rules.js';
import { stem, variantStems } from './language.js';
import { foldedWords, tokenize } from './normalize.js';

interface TrieNode {
  leaves: number[];
  next: Map<string, TrieNode> | undefined;
}

/** A matched stretch of words: positions (word indexes) and offsets into the text. */
export interface Span {
  p0: number;
  p1: number;
  start: number;
  end: number;
}

type CompiledNode =
  | { type: 'leaf'; leaf: number }
  | { type: 'and'; children: CompiledNode[] }
  | { type: 'or'; children: CompiledNode[] }
  | { type: 'not'; child: CompiledNode }
  | { type: 'near'; distance: number; left: CompiledNode; right: CompiledNode };

export interface CompiledRule {
  source: string;
  weight: number;
  root: CompiledNode;
}

export interface RuleMatch {
  rule: number;
  spans: Span[];
}

const MIN_PART = 3;
const MIN_HEAD = 4;

export class Matcher {
  readonly rules: CompiledRule[] = [];
  private readonly root = new Map<string, TrieNode>();
  private readonly leafRules: number[][] = [];
  private readonly leafIds = new Map<string, number>();
  private readonly prefixes = new Set<string>();
  private minPrefix = Infinity;
  private maxPrefix = 0;
  /** Stems of single plain words in the rules: the vocabulary closed compounds are split against. */
  private readonly vocabulary = new Set<string>();
  private readonly analysed = new Map<string, string[]>();

  constructor(private readonly lang: Language) {}

  private keyOf(folded: string, prefix: boolean): string {
    return prefix ? `*${folded}` : stem(folded, this.lang);
  }

  private insert(keys: string[], leaf: number): void {
    let map = this.root;
    let node: TrieNode | undefined;
    for (const key of keys) {
      node = map.get(key);
      if (!node) {
        node = { leaves: [], next: undefined };
        map.set(key, node);
      }
      map = node.next ??= new Map();
    }
    if (node && !node.leaves.includes(leaf)) node.leaves.push(leaf);
  }

  private compileLeaf(words: Array<{ text: string; prefix: boolean }>, ruleIndex: number): CompiledNode {
    const keys: string[] = [];
    const plain: string[] = [];
    for (const w of words) {
      const parts = foldedWords(w.text);
      parts.forEach((part, i) => {
        const prefix = w.prefix && i === parts.length - 1;
        keys.push(this.keyOf(part, prefix));
        if (prefix) {
          this.prefixes.add(part);
          this.minPrefix = Math.min(this.minPrefix, part.length);
          this.maxPrefix = Math.max(this.maxPrefix, part.length);
        } else plain.push(part);
      });
    }
    const signature = keys.join(' ');
    let leaf = this.leafIds.get(signature);
    if (leaf === undefined) {
      leaf = this.leafRules.length;
      this.leafIds.set(signature, leaf);
      this.leafRules.push([]);
      this.insert(keys, leaf);
      if (keys.length === 1 && plain.length === 1) {
        this.vocabulary.add(keys[0]!);
        for (const v of variantStems(plain[0]!, this.lang)) {
          this.insert([v], leaf);
          this.vocabulary.add(v);
        }
      }
      // A Dutch phrase also matches its closed compound: "informatie uitwisseling" ~ informatieuitwisseling.
      if (this.lang === 'nl' && keys.length > 1 && plain.length === keys.length) {
        this.insert([stem(plain.join(''), this.lang)], leaf);
        if (keys.length === 2) this.insert([stem(`${plain[0]}s${plain[1]}`, this.lang)], leaf);
      }
    }
    const owners = this.leafRules[leaf]!;
    if (owners[owners.length - 1] !== ruleIndex) owners.push(ruleIndex);
    return { type: 'leaf', leaf };
  }

  private compileNode(node: RuleNode, ruleIndex: number): CompiledNode {
    switch (node.type) {
      case 'leaf':
        return this.compileLeaf(node.words, ruleIndex);
      case 'not':
        return { type: 'not', child: this.compileNode(node.child, ruleIndex) };
      case 'and':
      case 'or':
        return { type: node.type, children: node.children.map((c) => this.compileNode(c, ruleIndex)) };
      case 'near':
        return { type: 'near', distance: node.distance, left: this.compileNode(node.left, ruleIndex), right: this.compileNode(node.right, ruleIndex) };
    }
  }

  /** Adds a rule (syntax already checked by the codebook loader) and returns its index. */
  add(source: string): number {
    const parsed = parseRule(source);
    const index = this.rules.length;
    this.rules.push({ source, weight: parsed.weight, root: { type: 'leaf', leaf: -1 } });
    this.rules[index]!.root = this.compileNode(parsed.root, index);
    this.analysed.clear();
    return index;
  }

  /** Every key a text word stands for: its stem, matching wildcard prefixes, closed-compound parts. */
  private analyse(folded: string): string[] {
    let keys = this.analysed.get(folded);
    if (keys) return keys;
    keys = [stem(folded, this.lang), ...variantStems(folded, this.lang)];
    for (let k = Math.max(this.minPrefix, 1); k <= Math.min(this.maxPrefix, folded.length); k++) {
      const p = folded.slice(0, k);
      if (this.prefixes.has(p)) keys.push(`*${p}`);
    }
    if (this.lang === 'nl' && folded.length >= MIN_PART + MIN_HEAD) {
      for (let i = MIN_PART; i <= folded.length - MIN_HEAD; i++) {
        const head = stem(folded.slice(i), this.lang);
        if (this.vocabulary.has(head) && !keys.includes(head)) keys.push(head);
        let modifier = folded.slice(0, i);
        if (this.vocabulary.has(modifier) && !keys.includes(modifier)) keys.push(modifier);
        if (/[se]$/.test(modifier) && modifier.length > MIN_PART) modifier = modifier.slice(0, -1);
        const ms = stem(modifier, this.lang);
        if (this.vocabulary.has(ms) && !keys.includes(ms)) keys.push(ms);
      }
    }
    if (this.analysed.size > 100_000) this.analysed.clear();
    this.analysed.set(folded, keys);
    return keys;
  }

  /** Matches every rule against a text; returns the rules that hold, with their spans. */
  match(text: string): RuleMatch[] {
    const tokens = tokenize(text);
    const n = tokens.length;
    const keys: string[][] = new Array<string[]>(n);
    for (let i = 0; i < n; i++) keys[i] = this.analyse(tokens[i]!.folded);
    const hits = new Map<number, Span[]>();
    const walk = (map: Map<string, TrieNode>, from: number, at: number): void => {
      for (const key of keys[at]!) {
        const node = map.get(key);
        if (!node) continue;
        for (const leaf of node.leaves) {
          const span: Span = { p0: from, p1: at, start: tokens[from]!.start, end: tokens[at]!.end };
          const list = hits.get(leaf);
          if (!list) hits.set(leaf, [span]);
          else if (!hasSpan(list, from, at)) list.push(span);
        }
        if (node.next && at + 1 < n) walk(node.next, from, at + 1);
      }
    };
    for (let i = 0; i < n; i++) walk(this.root, i, i);
    const candidates = new Set<number>();
    for (const leaf of hits.keys()) for (const r of this.leafRules[leaf]!) candidates.add(r);
    const out: RuleMatch[] = [];
    for (const r of candidates) {
      const spans = evaluate(this.rules[r]!.root, hits);
      if (spans?.length) out.push({ rule: r, spans });
    }
    return out;
  }
}

/** Two keys of one word (stem and variant) can reach the same leaf: keep one span. */
function hasSpan(list: Span[], p0: number, p1: number): boolean {
  for (let i = list.length - 1; i >= 0 && list[i]!.p0 === p0; i--) if (list[i]!.p1 === p1) return true;
  return false;
}

/** Spans that make the node true, or null when it is false (NOT gives [] when true). */
function evaluate(node: CompiledNode, hits: Map<number, Span[]>): Span[] | null {
  switch (node.type) {
    case 'leaf':
      return hits.get(node.leaf) ?? null;
    case 'not':
      return evaluate(node.child, hits) ? null : [];
    case 'and': {
      const all: Span[] = [];
      for (const c of node.children) {
        const s = evaluate(c, hits);
        if (!s) return null;
        all.push(...s);
      }
      return all;
    }
    case 'or': {
      let all: Span[] | null = null;
      for (const c of node.children) {
        const s = evaluate(c, hits);
        if (s) (all ??= []).push(...s);
      }
      return all;
    }
    case 'near': {
      const left = evaluate(node.left, hits);
      const right = left && evaluate(node.right, hits);
      if (!left || !right) return null;
      const used = new Set<Span>();
      for (const l of left) {
        for (const r of right) {
          const gap = r.p0 > l.p1 ? r.p0 - l.p1 : l.p0 > r.p1 ? l.p0 - r.p1 : 0;
          if (gap <= node.distance) {
            used.add(l);
            used.add(r);
          }
        }
      }
      return used.size ? [...used] : null;
    }
  }
}

/** All leaf words of a rule, for tools that show what a rule looks for. */
export function ruleWords(source: string): string[] {
  return ruleLeaves(parseRule(source).root).map((l) => l.words.map((w) => w.text + (w.prefix ? '*' : '')).join(' '));
}
