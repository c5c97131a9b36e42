// The qualtag rule language (documented in README "Codebooks and the rule language").
// A rule is a boolean expression over words, "exact phrases" and prefix wildcards (stem*), with
// AND / OR / NOT, parentheses and NEAR/n, and an optional weight `^1.5` at its end.
// Parsing is pure syntax: normalisation and stemming happen when the tagger compiles the rule.
// No user-supplied regular expressions are ever built (ReDoS): words are matched through Map lookups.

/** One word of a term or phrase; `prefix` is true for a trailing `*` wildcard. */
export interface RuleWord {
  text: string;
  prefix: boolean;
}

export type RuleNode =
  | { type: 'leaf'; words: RuleWord[]; phrase: boolean }
  | { type: 'and'; children: RuleNode[] }
  | { type: 'or'; children: RuleNode[] }
  | { type: 'not'; child: RuleNode }
  | { type: 'near'; distance: number; left: RuleNode; right: RuleNode };

export interface ParsedRule {
  source: string;
  root: RuleNode;
  /** Weight added to the code's score when the rule matches (default 1). */
  weight: number;
}

/** A syntax error in a rule, with the 0-based column where it was found. */
export class RuleSyntaxError extends Error {
  override readonly name = 'RuleSyntaxError';
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Fewer letters before `*` would match a large part of the language. */
export const MIN_PREFIX_LENGTH = 3;
export const MAX_NEAR_DISTANCE = 50;
const MAX_RULE_LENGTH = 2000;

type Token =
  | { kind: 'word'; word: RuleWord; col: number }
  | { kind: 'phrase'; words: RuleWord[]; col: number }
  | { kind: 'and' | 'or' | 'not' | 'lparen' | 'rparen'; col: number }
  | { kind: 'near'; distance: number; col: number }
  | { kind: 'weight'; value: number; col: number };

// Letters, digits and marks, with inner hyphens, apostrophes and dots (e-mail, auto's, o.a.).
const WORD_CHAR = /[\p{L}\p{N}\p{M}'’.-]/u;

function readWord(raw: string, col: number): RuleWord[] {
  const prefix = raw.endsWith('*');
  const body = prefix ? raw.slice(0, -1) : raw;
  if (body.includes('*')) throw new RuleSyntaxError(`wildcard * is only allowed at the end of a word ("${raw}")`, col);
  const trimmed = body.replace(/^['’.-]+|['’.-]+$/gu, '');
  if (!trimmed) throw new RuleSyntaxError(`"${raw}" has no letters or digits`, col);
  if (prefix && [...trimmed.replace(/[^\p{L}\p{N}]/gu, '')].length < MIN_PREFIX_LENGTH) {
    throw new RuleSyntaxError(`wildcard "${raw}" needs at least ${MIN_PREFIX_LENGTH} letters before *`, col);
  }
  return [{ text: trimmed, prefix }];
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', col: i });
      i++;
      continue;
    }
    if (ch === '"' || ch === '“' || ch === '”') {
      const close = source.slice(i + 1).search(/["“”]/u);
      if (close < 0) throw new RuleSyntaxError('unbalanced quote', i);
      const inner = source.slice(i + 1, i + 1 + close);
      const words = inner
        .split(/\s+/u)
        .filter(Boolean)
        .flatMap((w) => {
          if (!/^[\p{L}\p{N}\p{M}'’.\-*]+$/u.test(w)) throw new RuleSyntaxError(`unexpected character in phrase "${inner}"`, i);
          return readWord(w, i);
        });
      if (!words.length) throw new RuleSyntaxError('empty phrase ""', i);
      tokens.push({ kind: 'phrase', words, col: i });
      i += close + 2;
      continue;
    }
    if (ch === '^') {
      const m = /^\^(\d+(?:\.\d+)?)/u.exec(source.slice(i));
      if (!m) throw new RuleSyntaxError('a weight is ^ followed by a number, e.g. ^1.5', i);
      tokens.push({ kind: 'weight', value: Number(m[1]), col: i });
      i += m[0].length;
      continue;
    }
    const near = /^NEAR\/(\d+)/u.exec(source.slice(i));
    if (near) {
      const distance = Number(near[1]);
      if (distance < 1 || distance > MAX_NEAR_DISTANCE) throw new RuleSyntaxError(`NEAR/n needs 1 ≤ n ≤ ${MAX_NEAR_DISTANCE}`, i);
      tokens.push({ kind: 'near', distance, col: i });
      i += near[0].length;
      continue;
    }
    if (source.startsWith('NEAR', i) && !WORD_CHAR.test(source[i + 4] ?? ' ')) {
      throw new RuleSyntaxError('NEAR needs a distance, e.g. NEAR/5', i);
    }
    let j = i;
    while (j < source.length && (WORD_CHAR.test(source[j]!) || source[j] === '*')) j++;
    if (j === i) throw new RuleSyntaxError(`unexpected character "${ch}" (regular expressions are not supported)`, i);
    const raw = source.slice(i, j);
    if (raw === 'AND' || raw === 'OR' || raw === 'NOT') tokens.push({ kind: raw === 'AND' ? 'and' : raw === 'OR' ? 'or' : 'not', col: i });
    else for (const word of readWord(raw, i)) tokens.push({ kind: 'word', word, col: i });
    i = j;
  }
  return tokens;
}

class Parser {
  pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private col(): number {
    return this.peek()?.col ?? this.length;
  }

  parseExpr(): RuleNode {
    const children = [this.parseAnd()];
    while (this.peek()?.kind === 'or') {
      this.pos++;
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  private startsOperand(t: Token | undefined): boolean {
    return t !== undefined && (t.kind === 'word' || t.kind === 'phrase' || t.kind === 'lparen' || t.kind === 'not');
  }

  // `a b` and `a AND b` are conjunctions; `a NOT b` is `a AND NOT b`.
  private parseAnd(): RuleNode {
    const children = [this.parseNear()];
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'and') {
        this.pos++;
        children.push(this.parseNear());
      } else if (this.startsOperand(t)) {
        children.push(this.parseNear());
      } else break;
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private parseNear(): RuleNode {
    let left = this.parseUnary();
    for (let t = this.peek(); t?.kind === 'near'; t = this.peek()) {
      this.pos++;
      const right = this.parseUnary();
      if (left.type === 'not' || right.type === 'not') throw new RuleSyntaxError('NEAR cannot take a NOT operand', t.col);
      left = { type: 'near', distance: t.distance, left, right };
    }
    return left;
  }

  private parseUnary(): RuleNode {
    const t = this.peek();
    if (t?.kind === 'not') {
      this.pos++;
      return { type: 'not', child: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): RuleNode {
    const t = this.peek();
    if (!t) throw new RuleSyntaxError('the rule ends where a word, phrase or ( was expected', this.length);
    if (t.kind === 'word') {
      this.pos++;
      return { type: 'leaf', words: [t.word], phrase: false };
    }
    if (t.kind === 'phrase') {
      this.pos++;
      return { type: 'leaf', words: t.words, phrase: true };
    }
    if (t.kind === 'lparen') {
      this.pos++;
      const inner = this.parseExpr();
      if (this.peek()?.kind !== 'rparen') throw new RuleSyntaxError('unbalanced parenthesis: missing )', this.col());
      this.pos++;
      return inner;
    }
    if (t.kind === 'rparen') throw new RuleSyntaxError('unbalanced parenthesis: ) without (', t.col);
    if (t.kind === 'weight') throw new RuleSyntaxError('a weight ^n may only close the rule', t.col);
    throw new RuleSyntaxError(`${t.kind.toUpperCase()} needs a word, phrase or ( before and after it`, t.col);
  }
}

/** True when the node can only match if at least one of its words occurs (so the tagger can index it). */
export function isAnchored(node: RuleNode): boolean {
  switch (node.type) {
    case 'leaf':
      return true;
    case 'not':
      return false;
    case 'and':
      return node.children.some(isAnchored);
    case 'or':
      return node.children.every(isAnchored);
    case 'near':
      return isAnchored(node.left) && isAnchored(node.right);
  }
}

/** Parses one rule; throws RuleSyntaxError naming the problem and its column. */
export function parseRule(source: string): ParsedRule {
  if (source.length > MAX_RULE_LENGTH) throw new RuleSyntaxError(`rule longer than ${MAX_RULE_LENGTH} characters`, MAX_RULE_LENGTH);
  const tokens = tokenize(source);
  let weight = 1;
  const last = tokens[tokens.length - 1];
  if (last?.kind === 'weight') {
    if (!(last.value > 0)) throw new RuleSyntaxError('the weight must be greater than 0', last.col);
    weight = last.value;
    tokens.pop();
  }
  if (!tokens.length) throw new RuleSyntaxError('empty rule', 0);
  const parser = new Parser(tokens, source.length);
  const root = parser.parseExpr();
  const rest = tokens[parser.pos];
  if (rest) {
    const why =
      rest.kind === 'rparen'
        ? 'unbalanced parenthesis: ) without ('
        : rest.kind === 'weight'
          ? 'a weight ^n may only close the rule'
          : `unexpected ${rest.kind}`;
    throw new RuleSyntaxError(why, rest.col);
  }
  if (!isAnchored(root)) throw new RuleSyntaxError('a rule needs at least one word or phrase that is not negated', 0);
  return { source, root, weight };
}

/** Every leaf of a rule, in order. */
export function ruleLeaves(node: RuleNode, out: Array<Extract<RuleNode, { type: 'leaf' }>> = []): Array<Extract<RuleNode, { type: 'leaf' }>> {
  switch (node.type) {
    case 'leaf':
      out.push(node);
      break;
    case 'not':
      ruleLeaves(node.child, out);
      break;
    case 'and':
    case 'or':
      for (const c of node.children) ruleLeaves(c, out);
      break;
    case 'near':
      ruleLeaves(node.left, out);
      ruleLeaves(node.right, out);
      break;
  }
  return out;
}
