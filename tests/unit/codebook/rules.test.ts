import { describe, expect, it } from 'vitest';
import { parseRule, ruleLeaves, RuleSyntaxError } from '../../../lib/codebook/rules.js';

const syntaxError = (rule: string): RuleSyntaxError => {
  try {
    parseRule(rule);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${rule} to be refused`);
};

describe('parseRule', () => {
  it('reads terms, phrases, wildcards and the weight', () => {
    const r = parseRule('samenwerking* "gevoelige informatie"^2.5');
    expect(r.weight).toBe(2.5);
    expect(r.root).toEqual({
      type: 'and',
      children: [
        { type: 'leaf', phrase: false, words: [{ text: 'samenwerking', prefix: true }] },
        {
          type: 'leaf',
          phrase: true,
          words: [
            { text: 'gevoelige', prefix: false },
            { text: 'informatie', prefix: false },
          ],
        },
      ],
    });
  });

  it('gives AND precedence over OR and binds NEAR tightest', () => {
    const r = parseRule('a OR b AND c NEAR/3 d');
    expect(r.root.type).toBe('or');
    if (r.root.type !== 'or') return;
    expect(r.root.children[0]).toMatchObject({ type: 'leaf' });
    expect(r.root.children[1]).toMatchObject({ type: 'and', children: [{ type: 'leaf' }, { type: 'near', distance: 3 }] });
  });

  it('reads `a NOT b` as a AND NOT b, and parentheses group', () => {
    expect(parseRule('vertrouwen NOT wantrouwen').root).toMatchObject({ type: 'and', children: [{ type: 'leaf' }, { type: 'not' }] });
    expect(parseRule('(police OR politie) AND trust').root).toMatchObject({ type: 'and', children: [{ type: 'or' }, { type: 'leaf' }] });
  });

  it('keeps hyphenated compounds and diacritics as one word', () => {
    const leaves = ruleLeaves(parseRule('informatie-uitwisseling OR ideeën').root);
    expect(leaves.map((l) => l.words[0]!.text)).toEqual(['informatie-uitwisseling', 'ideeën']);
  });

  it.each([
    ['"unbalanced', 'unbalanced quote'],
    ['(a OR b', 'missing )'],
    ['a OR b)', ') without ('],
    ['NOT a', 'not negated'],
    ['a OR NOT b', 'not negated'],
    ['sa*', 'at least 3 letters'],
    ['sa*men', 'only allowed at the end'],
    ['a NEAR b', 'NEAR needs a distance'],
    ['a NEAR/0 b', 'NEAR/n needs'],
    ['a AND', 'ends where'],
    ['OR b', 'needs a word'],
    ['a.*b', 'only allowed at the end'],
    ['[a-z]+', 'regular expressions are not supported'],
    ['a ^x', 'weight'],
    ['a^2 b', 'may only close the rule'],
    ['', 'empty rule'],
  ])('refuses %j (%s)', (rule, message) => {
    expect(syntaxError(rule).message).toContain(message);
  });

  it('reports the column of the problem', () => {
    expect(syntaxError('police AND "half open').column).toBe(11);
  });
});
