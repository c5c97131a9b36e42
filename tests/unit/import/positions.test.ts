import { describe, expect, it } from 'vitest';
import { readPositions } from '../../../lib/import/positions.js';

describe('readPositions', () => {
  it('refuses a position inside an emoji or between CR and LF, naming the positions', () => {
    const raw = 'a😀b\r\ncd';
    const r = readPositions(raw, [{ start: 2, end: 3 }]);
    // Under UTF-16 units 2 splits the emoji; under code points 2..3 is "b": that reading wins.
    expect(r.reading).toBe('code points');
    expect(r.text.slice(r.selections[0]!.range!.start, r.selections[0]!.range!.end)).toBe('b');
    const crlf = readPositions('ab\r\ncd', [{ start: 3, end: 6 }]);
    // 3 lies between CR and LF when CRLF counts two; counted as one, 3..6 would be out of range (5 positions).
    expect(crlf.selections[0]!.problem).toMatch(/split a character|outside the text/);
  });

  it('maps code points to UTF-16 offsets after astral characters', () => {
    const raw = '😀😀 hello world';
    const r = readPositions(raw, [{ start: 3, end: 8, name: 'hello' }]);
    expect(r.reading).toBe('code points');
    expect(r.selections[0]!.range).toEqual({ start: 5, end: 10 });
  });

  it('reports an empty or reversed selection', () => {
    const r = readPositions('hello', [
      { start: 3, end: 3 },
      { start: 4, end: 2 },
    ]);
    expect(r.selections.map((s) => s.problem)).toEqual(['an empty selection (3..3)', 'an empty selection (4..2)']);
  });
});
