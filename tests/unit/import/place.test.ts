import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { mergeCodebook, sourceFileName } from '../../../lib/import/apply.js';
import { findQuote, placeOnSegments, TextPlacer } from '../../../lib/import/place.js';

describe('placing imported codings', () => {
  it('finds a quote with other whitespace, nearest to where it was', () => {
    const text = 'De wijkagent kent\nde bewoners. En later: de wijkagent kent de bewoners weer.';
    expect(findQuote(text, 'wijkagent  kent de', 0)).toEqual({ start: 3, end: 20 });
    const later = findQuote(text, 'wijkagent kent de', 40)!;
    expect(text.slice(later.start, later.end)).toBe('wijkagent kent de');
    expect(later.start).toBeGreaterThan(30);
    expect(findQuote(text, 'burgemeester', 0)).toBeNull();
  });

  it('keeps offsets when the extracted text is the source text, and looks the words up when it is not', () => {
    expect(new TextPlacer('abc def', 'abc def').place({ start: 4, end: 7 })).toEqual({ start: 4, end: 7 });
    expect(new TextPlacer('abc  def-\nghi', 'Header\nabc def-ghi').place({ start: 5, end: 13 })).toBeNull();
    expect(new TextPlacer('abc  def ghi', 'Header\nabc def ghi').place({ start: 5, end: 12 })).toEqual({ start: 11, end: 18 });
  });

  it('places a range on the segments it overlaps: whole segments without span, parts as spans, labels counted outside', () => {
    const text = 'R1: een twee drie\n\nR1: vier vijf';
    const segs = [
      { index: 0, id: 's1', start: 4, end: 17 },
      { index: 1, id: 's2', start: 23, end: 32 },
    ];
    expect(placeOnSegments(text, segs, { start: 4, end: 17 })).toEqual({ placements: [{ segment: segs[0] }], outside: 0 });
    expect(placeOnSegments(text, segs, { start: 8, end: 12 })).toEqual({ placements: [{ segment: segs[0], span: { start: 4, end: 8 } }], outside: 0 });
    const both = placeOnSegments(text, segs, { start: 0, end: 28 });
    expect(both.placements.map((p) => p.span ?? null)).toEqual([null, { start: 0, end: 5 }]);
    expect(both.outside).toBe(6); // "R1:" twice
  });
});

describe('import into a project', () => {
  it('merges an imported codebook by category and code name, appending what is new', () => {
    const current = parseCodebook('id: a\ncategories:\n  - id: v\n    name: Vertrouwen\n    codes:\n      - id: v/politie\n        name: Politie\n', 'a.yaml');
    const imported = parseCodebook(
      'id: b\ncategories:\n  - name: vertrouwen\n    codes:\n      - name: POLITIE\n      - name: Gemeente\n  - name: Nieuw\n    codes:\n      - name: X\n',
      'b.yaml',
    );
    const { codebook, ids, added } = mergeCodebook(current, imported);
    expect(added).toBe(2);
    expect(codebook.categories.map((c) => [c.id, c.codes.map((k) => k.id)])).toEqual([
      ['v', ['v/politie', 'v/gemeente']],
      ['nieuw', ['nieuw/x']],
    ]);
    expect(ids.get('vertrouwen/politie')).toEqual({ codeId: 'v/politie', categoryId: 'v' });
  });

  it('names uploads so the pipeline reads them as what they are', () => {
    expect(sourceFileName('Interview 1', 'text')).toBe('Interview 1.txt');
    expect(sourceFileName('notes.txt', 'text')).toBe('notes.txt');
    expect(sourceFileName('r5.otter.txt', 'text')).toBe('r5.otter.txt.txt');
    expect(sourceFileName('a/b\\c.pdf', 'pdf')).toBe('a-b-c.pdf');
    expect(sourceFileName('verslag', 'docx')).toBe('verslag.docx');
  });
});
