import { describe, expect, it } from 'vitest';
import { hueFor, toRuns } from '../../../web/src/highlight.js';
import { filterCodes, fold } from '../../../web/src/picker.js';
import { formatRoute, parseRoute } from '../../../web/src/route.js';
import { splitTokenFromHash } from '../../../web/src/token.js';
import { indexCodebook } from '../../../web/src/context.js';
import { heatStyle } from '../../../web/src/views/report.js';
import { jwtSecondsLeft } from '../../../web/src/cognito.js';

describe('toRuns', () => {
  it('splits overlapping spans into runs that know every span over them', () => {
    const runs = toRuns('abcdefghij', [
      { start: 2, end: 6, key: 'x' },
      { start: 4, end: 8, key: 'y' },
    ]);
    expect(runs.map((r) => [r.text, r.keys])).toEqual([
      ['ab', []],
      ['cd', ['x']],
      ['ef', ['x', 'y']],
      ['gh', ['y']],
      ['ij', []],
    ]);
    expect(runs.map((r) => r.text).join('')).toBe('abcdefghij');
  });

  it('clips spans outside the text and drops empty ones', () => {
    const runs = toRuns('abc', [
      { start: 2, end: 99, key: 'x' },
      { start: 1, end: 1, key: 'empty' },
    ]);
    expect(runs.map((r) => [r.text, r.keys])).toEqual([
      ['ab', []],
      ['c', ['x']],
    ]);
  });

  it('gives a stable hue per key', () => {
    expect(hueFor('a/b')).toBe(hueFor('a/b'));
    expect(hueFor('a/b')).toBeGreaterThanOrEqual(0);
    expect(hueFor('a/b')).toBeLessThan(360);
  });
});

describe('routes', () => {
  it('round-trips a review route with a segment', () => {
    const hash = formatRoute('review', 'doc/1 x', { segment: 's-3' });
    const r = parseRoute(hash);
    expect(r.view).toBe('review');
    expect(r.id).toBe('doc/1 x');
    expect(r.query.get('segment')).toBe('s-3');
  });

  it('falls back to upload for unknown views and drops empty query values', () => {
    expect(parseRoute('#/nope').view).toBe('upload');
    expect(parseRoute('').view).toBe('upload');
    expect(formatRoute('queue', null, { code: '', status: 'proposed' })).toBe('#/queue?status=proposed');
  });
});

describe('splitTokenFromHash', () => {
  it('takes the token and keeps the rest of the fragment', () => {
    expect(splitTokenFromHash('#token=abc123')).toEqual({ token: 'abc123', rest: '' });
    expect(splitTokenFromHash('#token=abc&x=1')).toEqual({ token: 'abc', rest: '#x=1' });
  });

  it('leaves a route fragment alone', () => {
    expect(splitTokenFromHash('#/review/doc-1')).toEqual({ token: null, rest: '#/review/doc-1' });
    expect(splitTokenFromHash('#token=')).toEqual({ token: null, rest: '' });
  });
});

describe('code search', () => {
  const index = indexCodebook({
    id: 'cb',
    language: 'nl',
    version: 'v1',
    categories: [
      {
        id: 'voorwaarden',
        name: 'Voorwaarden',
        codes: [
          {
            id: 'voorwaarden/vertrouwen',
            name: 'Vertrouwen',
            categoryId: 'voorwaarden',
            indicators: [],
            questions: [],
            aliases: [],
            rules: [],
            exclude: [],
            examples: [],
          },
          {
            id: 'voorwaarden/ideeen',
            name: 'Ideeën delen',
            categoryId: 'voorwaarden',
            indicators: [],
            questions: [],
            aliases: [],
            rules: [],
            exclude: [],
            examples: [],
          },
        ],
      },
      {
        id: 'uitkomsten',
        name: 'Uitkomsten',
        codes: [
          {
            id: 'uitkomsten/weerbaarheid',
            name: 'Weerbaarheid',
            categoryId: 'uitkomsten',
            definition: 'Vertrouwen in eigen kunnen',
            indicators: [],
            questions: [],
            aliases: [],
            rules: [],
            exclude: [],
            examples: [],
          },
        ],
      },
    ],
  });

  it('folds case and diacritics', () => {
    expect(fold('Ideeën')).toBe('ideeen');
    expect(filterCodes(index, 'IDEEEN').map((c) => c.id)).toEqual(['voorwaarden/ideeen']);
  });

  it('matches every word in name, category or definition, in codebook order', () => {
    expect(filterCodes(index, 'vertrouwen').map((c) => c.id)).toEqual(['voorwaarden/vertrouwen', 'uitkomsten/weerbaarheid']);
    expect(filterCodes(index, 'uitkomsten vertrouwen').map((c) => c.id)).toEqual(['uitkomsten/weerbaarheid']);
    expect(filterCodes(index, '').length).toBe(3);
  });
});

describe('heatStyle', () => {
  it('keeps empty cells white and darkens with the value, switching to white text', () => {
    expect(heatStyle(0, 5).background).toBe('#ffffff');
    const low = heatStyle(1, 10);
    const high = heatStyle(10, 10);
    expect(low.color).toBe('#1b1f24');
    expect(high.color).toBe('#ffffff');
    expect(low.background).not.toBe(high.background);
  });
});

describe('jwtSecondsLeft', () => {
  const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
  it('reads exp from the payload', () => {
    expect(jwtSecondsLeft(jwt({ exp: 1_000 }), 400_000)).toBe(600);
    expect(jwtSecondsLeft(jwt({ exp: 1_000 }), 2_000_000)).toBeLessThan(0);
  });
  it('treats an unreadable token as expired', () => {
    expect(jwtSecondsLeft('not-a-jwt')).toBe(-1);
    expect(jwtSecondsLeft(jwt({ sub: 'x' }))).toBe(-1);
  });
});
