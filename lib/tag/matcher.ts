// The compiled matcher: every rule of a codebook turned into one trie over normalised word keys.
// Tagging walks the text's words once; each distinct word is analysed once (stem, prefix wildcards,
// closed-compound parts) and then looked up in Maps, so the cost per character does not grow with
// the number of rules. Only rules with at least one matched word are evaluated afterwards.
import type { Evidence, Language } from '../model.js';
import { parseRule, type RuleNode } from '../codebook/rules.js';
import { stem, variantStems } from './language.js';
import { fold, foldedWords, forEachWord } from './normalize.js';
import { isCompoundSplit } from './words.js';

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

/** What the scan needs of a distinct word: its keys, the leaves its trie nodes hold, and the nodes
 * from which a phrase continues. */
interface WordEntry {
  keys: string[];
  /** Nodes reached from which a phrase continues (walked at each occurrence of the word). */
  walks: TrieNode[];
  /** Whether any key can continue a phrase (is a second or later word of one): else no walk reaches it. */
  inner: boolean;
  /** The leaves of the nodes reached, each once, as leafPool[ls .. le): next to the entry's other
   * fields, so the scan reads them from one compact array instead of following a pointer. */
  ls: number;
  le: number;
}

const MIN_PART = 3;
/** Keys of a word that folds to nothing (only marks): skipped, as tokenize() skips it. */
const NO_KEYS: string[] = [];
const MIN_HEAD = 4;
const MAX_POOL = 1 << 22;
const NO_ROOTS: TrieNode[] = [];
const NO_LEAVES: number[] = [];
const NO_ENTRY: WordEntry = { keys: NO_KEYS, walks: NO_ROOTS, inner: false, ls: 0, le: 0 };

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
  /** Keys that occur as a second or later word of a phrase. */
  private readonly innerKeys = new Set<string>();

  constructor(private readonly lang: Language) {}

  private keyOf(folded: string, prefix: boolean): string {
    return prefix ? `*${folded}` : stem(folded, this.lang);
  }

  private insert(keys: string[], leaf: number): void {
    let map = this.root;
    let node: TrieNode | undefined;
    for (const key of keys) {
      // A node gets a `next` map only when a longer phrase continues from it, so the scan never walks
      // into an empty map after a single-word hit.
      if (node) {
        map = node.next ??= new Map();
        this.innerKeys.add(key);
      }
      node = map.get(key);
      if (!node) {
        node = { leaves: [], next: undefined };
        map.set(key, node);
      }
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
    this.analysedRaw.clear();
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
      // A part of a closed compound counts only where the word really splits there (both sides Dutch
      // words, words.ts), never as a substring: not `bel` in "belangrijke" nor `ling` in "taakstelling".
      for (let i = MIN_PART; i <= folded.length - MIN_HEAD; i++) {
        const rest = folded.slice(i);
        const head = stem(rest, this.lang);
        let modifier = folded.slice(0, i);
        const plain = modifier;
        if (/[se]$/.test(modifier) && modifier.length > MIN_PART) modifier = modifier.slice(0, -1);
        const ms = stem(modifier, this.lang);
        const hits = [head, plain, ms].filter((k) => this.vocabulary.has(k) && !keys.includes(k));
        if (hits.length && isCompoundSplit(plain, rest)) for (const k of hits) if (!keys.includes(k)) keys.push(k);
      }
    }
    if (this.analysed.size > 100_000) this.analysed.clear();
    this.analysed.set(folded, keys);
    return keys;
  }

  // Per-scan state, reused from text to text: the hits of each leaf are a linked list in flat typed
  // arrays, and a leaf/rule is "touched" in this scan when its stamp equals the scan's epoch. So
  // scanning allocates nothing per hit, and only rules with a hit leaf are looked at afterwards.
  private epoch = 0;
  private leafStamp = new Int32Array(0);
  private leafHead = new Int32Array(0);
  private leafDistinct = new Int32Array(0);
  private leafLastP0 = new Int32Array(0);
  private leafSpans: Array<Span[] | undefined> = [];
  /** A leaf's entry in leafSpans is from this scan only when its stamp here is the epoch (no clearing per hit). */
  private leafSpansStamp = new Int32Array(0);
  private hitP0 = new Int32Array(1024);
  private hitP1 = new Int32Array(1024);
  private hitNext = new Int32Array(1024);
  private hitCount = 0;
  private touchedLeaves = new Int32Array(64);
  private touchedCount = 0;
  private ruleStamp = new Int32Array(0);
  private ruleIsLeaf: Int32Array = new Int32Array(0);
  /** Rules of each leaf, flat: those of leaf l are leafRuleList[leafRuleStart[l] .. leafRuleStart[l + 1]). */
  private leafRuleStart: Int32Array = new Int32Array(1);
  private leafRuleList: Int32Array = new Int32Array(0);
  /** Per leaf, the one rule it triggers when that is a single-leaf rule of its own (else -1): the usual
   * case, taken without the rule stamps (such a rule has no other leaf to be reached from twice). */
  private leafSoleRule: Int32Array = new Int32Array(0);
  /** Leaves that must all have a hit for a rule to hold (checked before it is evaluated), flat as above. */
  private requiredStart: Int32Array = new Int32Array(1);
  private requiredList: Int32Array = new Int32Array(0);
  private tokStart = new Int32Array(256);
  private tokEnd = new Int32Array(256);
  /** Rules that held in the last scan and how many distinct places matched them: the first
   * `matchedCount` entries of these parallel arrays. */
  matchedRules = new Int32Array(0);
  matchedDistinct = new Int32Array(0);
  matchedCount = 0;

  private prepare(): void {
    const leaves = this.leafRules.length;
    if (this.leafStamp.length !== leaves) {
      this.leafStamp = new Int32Array(leaves);
      this.leafHead = new Int32Array(leaves);
      this.leafDistinct = new Int32Array(leaves);
      this.leafLastP0 = new Int32Array(leaves);
      this.leafSpans = new Array<Span[] | undefined>(leaves);
      this.leafSpansStamp = new Int32Array(leaves);
      this.touchedLeaves = new Int32Array(Math.max(64, leaves));
      this.epoch = 0;
    }
    if (this.ruleStamp.length !== this.rules.length) {
      this.ruleStamp = new Int32Array(this.rules.length);
      this.matchedRules = new Int32Array(this.rules.length);
      this.matchedDistinct = new Int32Array(this.rules.length);
      this.ruleIsLeaf = new Int32Array(this.rules.length).fill(-1);
      const required = this.rules.map((r, i) => {
        if (r.root.type === 'leaf') this.ruleIsLeaf[i] = r.root.leaf;
        return [...new Set(requiredLeaves(r.root))];
      });
      [this.requiredStart, this.requiredList] = flatten(required);
      // A rule that needs certain leaves is looked at only when the first of them was hit (it cannot
      // hold otherwise); one without (OR, NOT at the top) whenever any of its leaves was.
      const triggers = this.leafRules.map((rules, leaf) => rules.filter((r) => !required[r]!.length || required[r]![0] === leaf));
      [this.leafRuleStart, this.leafRuleList] = flatten(triggers);
      this.leafSoleRule = Int32Array.from(triggers, (rules, leaf) => (rules.length === 1 && this.ruleIsLeaf[rules[0]!] === leaf ? rules[0]! : -1));
      this.epoch = 0;
    }
    if (++this.epoch >= 0x7fffffff) {
      this.leafStamp.fill(0);
      this.leafSpansStamp.fill(0);
      this.ruleStamp.fill(0);
      this.epoch = 1;
    }
  }

  private recordHit(leaf: number, p0: number, p1: number): void {
    const e = this.epoch;
    if (this.leafStamp[leaf] !== e) {
      this.leafStamp[leaf] = e;
      this.leafHead[leaf] = -1;
      this.leafDistinct[leaf] = 0;
      this.leafLastP0[leaf] = -1;
      this.touchedLeaves[this.touchedCount++] = leaf;
    } else {
      // Two keys of one word (stem and variant) can reach the same leaf: keep one hit.
      for (let h = this.leafHead[leaf]!; h >= 0 && this.hitP0[h] === p0; h = this.hitNext[h]!) if (this.hitP1[h] === p1) return;
    }
    if (this.hitCount === this.hitP0.length) this.growHits(this.hitCount + 1);
    const h = this.hitCount++;
    this.hitP0[h] = p0;
    this.hitP1[h] = p1;
    this.hitNext[h] = this.leafHead[leaf]!;
    this.leafHead[leaf] = h;
    if (this.leafLastP0[leaf] !== p0) {
      this.leafLastP0[leaf] = p0;
      this.leafDistinct[leaf]!++;
    }
  }

  private growHits(min: number): void {
    let size = this.hitP0.length * 2;
    while (size < min) size *= 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.hitP0 = grow(this.hitP0);
    this.hitP1 = grow(this.hitP1);
    this.hitNext = grow(this.hitNext);
  }

  /** The spans of a leaf in the last scan, in text order (built on demand), or null if it had none. */
  private spansOfLeaf = (leaf: number): Span[] | null => {
    if (this.leafStamp[leaf] !== this.epoch) return null;
    let spans = this.leafSpansStamp[leaf] === this.epoch ? this.leafSpans[leaf] : undefined;
    if (!spans) {
      spans = [];
      for (let h = this.leafHead[leaf]!; h >= 0; h = this.hitNext[h]!) {
        const p0 = this.hitP0[h]!;
        const p1 = this.hitP1[h]!;
        spans.push({ p0, p1, start: this.tokStart[p0]!, end: this.tokEnd[p1]! });
      }
      spans.reverse();
      this.leafSpans[leaf] = spans;
      this.leafSpansStamp[leaf] = this.epoch;
    }
    return spans;
  };

  private walk(map: Map<string, TrieNode>, keys: string[][], n: number, from: number, at: number): void {
    const list = keys[at]!;
    for (let k = 0; k < list.length; k++) {
      const node = map.get(list[k]!);
      if (!node) continue;
      const leaves = node.leaves;
      for (let j = 0; j < leaves.length; j++) this.recordHit(leaves[j]!, from, at);
      if (node.next && at + 1 < n && this.starts[at + 1]!.inner) this.walk(node.next, keys, n, from, at + 1);
    }
  }

  private keys: string[][] = [];
  /** Per word of the current text: the trie nodes its keys reach from the root (usually none). */
  private starts: WordEntry[] = [];
  /** Entry per key list, resolved once per distinct word (the lists are shared through the caches). */
  private entries = new WeakMap<string[], WordEntry>();
  private leafPool = new Int32Array(4096);
  private poolSize = 0;
  private wordCount = 0;
  /** Entry per word as written (so a word seen before costs one lookup: no folding, no stemming). */
  private readonly analysedRaw = new Map<string, WordEntry>();
  private readonly onWord = (raw: string, start: number, end: number): void => {
    let entry = this.analysedRaw.get(raw);
    if (!entry) {
      const folded = fold(raw);
      entry = folded ? this.entryOf(this.analyse(folded)) : NO_ENTRY;
      if (this.analysedRaw.size > 100_000) this.analysedRaw.clear();
      this.analysedRaw.set(raw, entry);
    }
    if (entry === NO_ENTRY) return;
    const i = this.wordCount++;
    if (i === this.tokStart.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.tokStart = grow(this.tokStart);
      this.tokEnd = grow(this.tokEnd);
    }
    this.keys[i] = entry.keys;
    this.starts[i] = entry;
    this.tokStart[i] = start;
    this.tokEnd[i] = end;
  };

  private entryOf(keys: string[]): WordEntry {
    let entry = this.entries.get(keys);
    if (!entry) {
      const roots: TrieNode[] = [];
      for (const key of keys) {
        const node = this.root.get(key);
        if (node) roots.push(node);
      }
      // The single-word hits are one flat list of leaves (in the order the nodes give them, a leaf
      // reached twice kept once, as recordHit would); most words reach nothing and share no list.
      const leaves = roots.length ? [...new Set(roots.flatMap((r) => r.leaves))] : NO_LEAVES;
      const walks = roots.some((r) => r.next) ? roots.filter((r) => r.next) : NO_ROOTS;
      let ls = 0;
      let le = 0;
      if (leaves.length) {
        if (this.poolSize + leaves.length > this.leafPool.length) {
          const pool = new Int32Array(Math.max(this.leafPool.length * 2, this.poolSize + leaves.length));
          pool.set(this.leafPool.subarray(0, this.poolSize));
          this.leafPool = pool;
        }
        ls = this.poolSize;
        for (const leaf of leaves) this.leafPool[this.poolSize++] = leaf;
        le = this.poolSize;
      }
      entry = { keys, walks, inner: keys.some((k) => this.innerKeys.has(k)), ls, le };
      this.entries.set(keys, entry);
    }
    return entry;
  }

  /**
   * Matches every rule against a text. Afterwards `matchedRules`/`matchedDistinct` list the rules that
   * hold, and `spansOf(rule)` gives a rule's spans, until the next scan. Returns the number of rules.
   */
  scan(text: string): number {
    this.prepare();
    this.hitCount = 0;
    this.touchedCount = 0;
    this.matchedCount = 0;
    this.wordCount = 0;
    // The leaf pool only grows as new words are seen: past a bound, start the word caches afresh.
    if (this.poolSize > MAX_POOL) {
      this.analysedRaw.clear();
      this.analysed.clear();
      this.entries = new WeakMap();
      this.poolSize = 0;
    }
    forEachWord(text, this.onWord);
    const keys = this.keys;
    const n = this.wordCount;
    const starts = this.starts;
    const e0 = this.epoch;
    const leafStamp = this.leafStamp;
    const leafHead = this.leafHead;
    const leafDistinct = this.leafDistinct;
    const leafLastP0 = this.leafLastP0;
    const touchedLeaves = this.touchedLeaves;
    for (let i = 0; i < n; i++) {
      const entry = starts[i]!;
      const ls = entry.ls;
      const le = entry.le;
      const len = le - ls;
      if (len) {
        // A flat list holds each leaf once and every earlier hit starts before word i, so no hit can
        // repeat here: record it without recordHit's duplicate check (same list, same counts).
        if (this.hitCount + len > this.hitP0.length) this.growHits(this.hitCount + len);
        const hitP0 = this.hitP0;
        const hitP1 = this.hitP1;
        const hitNext = this.hitNext;
        const pool = this.leafPool;
        for (let j = ls; j < le; j++) {
          const leaf = pool[j]!;
          let head: number;
          if (leafStamp[leaf] !== e0) {
            leafStamp[leaf] = e0;
            leafDistinct[leaf] = 1;
            touchedLeaves[this.touchedCount++] = leaf;
            head = -1;
          } else {
            head = leafHead[leaf]!;
            if (leafLastP0[leaf] !== i) leafDistinct[leaf]!++;
          }
          leafLastP0[leaf] = i;
          const h = this.hitCount++;
          hitP0[h] = i;
          hitP1[h] = i;
          hitNext[h] = head;
          leafHead[leaf] = h;
        }
      }
      // Phrases starting here: their hits start at word i too, after the single words (recordHit keeps
      // a hit reached twice once).
      const walks = entry.walks;
      if (walks.length && i + 1 < n && starts[i + 1]!.inner) for (let k = 0; k < walks.length; k++) this.walk(walks[k]!.next!, keys, n, i, i + 1);
    }
    const e = this.epoch;
    const touched = this.touchedLeaves;
    const touchedCount = this.touchedCount;
    const ruleStart = this.leafRuleStart;
    const ruleList = this.leafRuleList;
    const ruleStamp = this.ruleStamp;
    const ruleIsLeaf = this.ruleIsLeaf;
    const leafSoleRule = this.leafSoleRule;
    const matchedRules = this.matchedRules;
    const matchedDistinct = this.matchedDistinct;
    let matched = 0;
    for (let t = 0; t < touchedCount; t++) {
      const leaf = touched[t]!;
      const sole = leafSoleRule[leaf]!;
      if (sole >= 0) {
        matchedRules[matched] = sole;
        matchedDistinct[matched++] = leafDistinct[leaf]!;
        continue;
      }
      for (let j = ruleStart[leaf]!, end = ruleStart[leaf + 1]!; j < end; j++) {
        const r = ruleList[j]!;
        if (ruleStamp[r] === e) continue;
        ruleStamp[r] = e;
        if (ruleIsLeaf[r] === leaf) {
          matchedRules[matched] = r;
          matchedDistinct[matched++] = leafDistinct[leaf]!;
          continue;
        }
        if (!this.allHit(r)) continue;
        const spans = evaluate(this.rules[r]!.root, this.spansOfLeaf);
        if (spans?.length) {
          matchedRules[matched] = r;
          matchedDistinct[matched++] = distinctStarts(spans);
        }
      }
    }
    this.matchedCount = matched;
    return matched;
  }

  private allHit(rule: number): boolean {
    const list = this.requiredList;
    const stamp = this.leafStamp;
    const e = this.epoch;
    for (let i = this.requiredStart[rule]!, end = this.requiredStart[rule + 1]!; i < end; i++) if (stamp[list[i]!] !== e) return false;
    return true;
  }

  /** Spans of a rule that held in the last scan (text order for single-leaf rules). */
  spansOf(rule: number): Span[] {
    return evaluate(this.rules[rule]!.root, this.spansOfLeaf) ?? [];
  }

  /**
   * Appends a rule's spans in the last scan to `out` as evidence (any order). A single-leaf rule reads
   * its hit list directly, without building Span objects first.
   */
  pushEvidence(rule: number, out: Evidence[]): void {
    const source = this.rules[rule]!.source;
    const leaf = this.ruleIsLeaf[rule]!;
    if (leaf < 0) {
      for (const s of this.spansOf(rule)) out.push({ start: s.start, end: s.end, rule: source });
      return;
    }
    if (this.leafStamp[leaf] !== this.epoch) return;
    // The hit list runs backwards through the text: push it as it comes, then turn that stretch round.
    const from = out.length;
    for (let h = this.leafHead[leaf]!; h >= 0; h = this.hitNext[h]!)
      out.push({ start: this.tokStart[this.hitP0[h]!]!, end: this.tokEnd[this.hitP1[h]!]!, rule: source });
    for (let a = from, b = out.length - 1; a < b; a++, b--) {
      const t = out[a]!;
      out[a] = out[b]!;
      out[b] = t;
    }
  }

  /** Matches every rule against a text; returns the rules that hold, with their spans. */
  match(text: string): RuleMatch[] {
    const count = this.scan(text);
    return Array.from(this.matchedRules.subarray(0, count), (rule) => ({ rule, spans: this.spansOf(rule) }));
  }
}

/** Leaves that any match of the node needs (AND and NEAR need all their parts; OR and NOT none). */
function requiredLeaves(node: CompiledNode): number[] {
  switch (node.type) {
    case 'leaf':
      return [node.leaf];
    case 'and':
      return node.children.flatMap(requiredLeaves);
    case 'near':
      return [...requiredLeaves(node.left), ...requiredLeaves(node.right)];
    default:
      return [];
  }
}

/** Lists of numbers as one flat array plus start offsets (list i is flat[start[i] .. start[i + 1])). */
function flatten(lists: readonly (readonly number[])[]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) start[i + 1] = start[i]! + lists[i]!.length;
  const flat = new Int32Array(start[lists.length]!);
  for (let i = 0; i < lists.length; i++) flat.set(lists[i]!, start[i]!);
  return [start, flat];
}

/** Distinct places (start words) among a rule's spans. */
function distinctStarts(spans: Span[]): number {
  if (spans.length === 1) return 1;
  const seen = new Set<number>();
  for (const s of spans) seen.add(s.p0);
  return seen.size;
}

/** Spans that make the node true, or null when it is false (NOT gives [] when true). */
function evaluate(node: CompiledNode, hits: (leaf: number) => Span[] | null): Span[] | null {
  switch (node.type) {
    case 'leaf':
      return hits(node.leaf);
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
