// The .qdpx reader on one fixture per quirk of real exports (tests/fixtures/qdpx, see make-fixtures.py):
// every coding lands on exactly the text it coded, or is reported with its source and position.
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readQdpx, type ImportedProject } from '../../../lib/import/qdpx.js';
import { makeDocx } from '../../fixtures/extract/make-docx.js';
import { makePdf } from '../../fixtures/extract/make-pdf.js';
import { zipFixture } from '../../helpers/qdpx-fixture.js';

const read = (name: string, extra?: Record<string, Uint8Array>) => readQdpx(zipFixture(name, extra), `${name}.qdpx`);

const quotes = (p: ImportedProject) => p.codings.map((c) => [p.codebook.categories.flatMap((k) => k.codes).find((k) => k.id === c.codeId)!.name, c.quote]);
const TWO = [
  ['Politie', 'ik vertrouw de wijkagent'],
  ['Gemeente', 'de gemeente luistert niet'],
];

/** Every coding slices its own source text. */
function slicesExactly(p: ImportedProject): void {
  for (const c of p.codings) {
    const s = p.sources.find((x) => x.guid === c.sourceGuid)!;
    expect(s.text.slice(c.start, c.end)).toBe(c.quote);
  }
}

describe('readQdpx: quirks of real exports', () => {
  it('takes the one .qde entry whatever its name (ATLAS.ti: "<project name>.qde"), with a warning', async () => {
    const p = await read('qde-named-after-project');
    expect(quotes(p)).toEqual(TWO);
    expect(p.report.warnings.map((w) => w.message).join('\n')).toMatch(/Buurtonderzoek 2024\.qde", not project\.qde/);
    slicesExactly(p);
  });

  it('strips a BOM before <?xml and at the start of a source text, and counts positions without it', async () => {
    const p = await read('bom');
    expect(p.sources[0]!.text.startsWith('Interviewer:')).toBe(true);
    expect(quotes(p)).toEqual(TWO);
  });

  it('reads PlainTextContent inline', async () => {
    const p = await read('inline-text');
    expect(p.sources[0]!.text).toContain('Respondent 1: Ja');
    expect(quotes(p)).toEqual(TWO);
  });

  it('resolves internal://, relative:// (against basePath) and absolute:// inside the archive only, and skips a path outside it', async () => {
    const p = await read('source-paths');
    expect(p.sources.map((s) => s.name)).toEqual(['Interview 1', 'Interview 2', 'Interview 3']);
    expect(p.sources[1]!.text).toContain('Respondent 2');
    expect(p.sources[2]!.text).toContain('Respondent 3');
    expect(p.codings).toHaveLength(4);
    slicesExactly(p);
    const skipped = p.report.skipped.find((s) => s.where.includes('Interview 4'))!;
    expect(skipped.kind).toBe('source');
    expect(skipped.message).toMatch(/outside the archive, which is never read/);
    expect(p.report.warnings.some((w) => /relative:\/\/ path, read from interviews\/r2\.txt/.test(w.message))).toBe(true);
  });

  it('finds sources in a Sources/ folder with a capital S and upper-case file names', async () => {
    const p = await read('capital-sources');
    expect(quotes(p)).toEqual(TWO);
  });

  it('compares GUIDs in any case and with braces, and keeps them normalised', async () => {
    const p = await read('guid-case-braces');
    expect(quotes(p)).toEqual(TWO);
    expect(p.sources[0]!.guid).toBe('6e5d4c3b-2a19-4f08-b7e6-d5c4b3a29180');
    expect([...p.codeGuids.values()]).toContain('8d1e4b7a-2c3f-4a5b-8e9d-0f1a2b3c4d5e');
    expect(p.codings.map((c) => c.user)).toEqual(['Anna', 'Anna']);
  });

  it('CRLF counted as two characters (NVivo): found from the word edges, text stored with LF', async () => {
    const p = await read('crlf-counted-two');
    expect(p.sources[0]!.text).not.toContain('\r');
    expect(p.sources[0]!.reading).toBe('code points');
    expect(quotes(p)).toEqual(TWO);
  });

  it('CRLF counted as one character (ATLAS.ti): found from the selection names, with a warning', async () => {
    const p = await read('crlf-counted-one');
    expect(p.sources[0]!.reading).toBe('code points, CRLF as one');
    expect(quotes(p)).toEqual(TWO);
    expect(p.report.warnings.some((w) => /counted as code points, CRLF as one/.test(w.message))).toBe(true);
  });

  it('emoji: code points (the standard) and UTF-16 units (Qt editors) both land exactly, in UTF-16 offsets', async () => {
    const cp = await read('emoji-code-points');
    const u16 = await read('emoji-utf16-units');
    expect(cp.sources[0]!.reading).toBe('code points');
    expect(u16.sources[0]!.reading).toBe('UTF-16 units');
    expect(quotes(cp)).toEqual(TWO);
    expect(quotes(u16)).toEqual(TWO);
    expect(cp.codings.map((c) => [c.start, c.end])).toEqual(u16.codings.map((c) => [c.start, c.end]));
    slicesExactly(u16);
  });

  it('keeps memos and notes without author or date: on the coding, the source, the project; a memo without coding is a note, not a coding', async () => {
    const p = await read('memos-without-author');
    expect(p.codings).toHaveLength(2);
    const on = (kind: string) => p.notes.filter((n) => n.target.kind === kind).map((n) => n.text);
    expect(on('coding')).toEqual(expect.arrayContaining(['Twijfel: bedoelt ze de oude wijkagent?', 'Deze codering is met Piet besproken.']));
    expect(on('source')).toEqual(expect.arrayContaining(['Opgenomen in het buurthuis.', expect.stringMatching(/^Let op de toon hier\.\n\n\(on "Maar"/)]));
    expect(on('project')).toEqual(['Projectmemo: nog twee interviews te gaan.']);
    const unsigned = p.notes.find((n) => n.text === 'Deze codering is met Piet besproken.')!;
    expect(unsigned.user).toBeUndefined();
    expect(unsigned.at).toBeUndefined();
    expect(p.notes.find((n) => n.target.kind === 'project')!.user).toBe('Anna');
  });

  it('cases without names are named after their source; a set without a name is a warning, not a refusal', async () => {
    const p = await read('cases-sets-without-names');
    expect(p.cases.map((c) => [c.name, c.sourceGuids.length])).toEqual([
      ['Interview 1', 1],
      ['Respondent 2', 1],
      ['Zelfde GUID als een code', 1],
    ]);
    const w = p.report.warnings.map((x) => x.message).join('\n');
    expect(w).toMatch(/a Set without a name/);
    expect(w).toMatch(/has no name: named "Interview 1"/);
    expect(p.codings).toHaveLength(3);
  });

  it('users missing: codings are recorded as "imported", with a warning', async () => {
    const p = await read('users-missing');
    expect(p.codings.map((c) => c.user)).toEqual(['imported', 'imported']);
    expect(p.codings.every((c) => c.at === undefined)).toBe(true);
    expect(p.report.warnings.some((w) => /2 codings name no user/.test(w.message))).toBe(true);
  });

  it('nested codes: top-level parents become categories, deeper codes their codes; a codable parent is a code too; colours and descriptions kept', async () => {
    const p = await read('nested-codes');
    const cats = p.codebook.categories.map((c) => [c.name, c.codes.map((k) => k.name)]);
    expect(cats).toEqual([
      ['Vertrouwen', ['Politie', 'Gemeente']],
      ['Samenwerking', ['Samenwerking', 'Partners', 'Woningcorporatie']],
      ['Codes', ['Overig']],
    ]);
    const politie = p.codebook.categories[0]!.codes[0]!;
    expect(politie.color).toBe('#FF8800');
    expect(politie.definition).toBe('Vertrouwen in de politie.');
    expect(politie.indicators).toEqual(['Bewoners rekenen op de wijkagent.']);
    expect(p.codebook.categories[0]!.codes[1]!.color).toBe('#00AA00');
    expect(p.codebook.categories[0]!.definition).toBe('Hoe bewoners instanties zien.');
    expect(quotes(p)).toEqual([...TWO, ['Woningcorporatie', 'de gemeente'], ['Samenwerking', 'Maar'], ['Overig', 'Ja']]);
    expect(p.report.warnings.some((w) => /"Woningcorporatie" is nested 2 levels deep/.test(w.message))).toBe(true);
  });

  it('PDF and DOCX sources beside plain text: original files kept, the tool’s text and codings read; a PDF area coding is reported', async () => {
    const pdf = makePdf([{ lines: ['Evaluatie wijkaanpak', '', 'De wijkagent kent de bewoners goed. De samenwerking met de gemeente verloopt stroef.'] }]);
    const docx = makeDocx(['Verslag bewonersavond', '', 'Bewoners vertrouwen de wijkagent. De gemeente komt afspraken niet na.']);
    const p = await read('pdf-docx-sources', {
      'sources/00000000-0000-4000-8000-000000000090.pdf': pdf,
      'sources/00000000-0000-4000-8000-000000000100.docx': docx,
    });
    expect(p.sources.map((s) => [s.name, s.kind])).toEqual([
      ['Interview 1', 'text'],
      ['Bewonersavond', 'docx'],
      ['Evaluatie', 'pdf'],
    ]);
    expect(p.sources[2]!.file!.bytes).toEqual(pdf);
    expect(quotes(p)).toEqual([
      ...TWO,
      ['Politie', 'Bewoners vertrouwen de wijkagent.'],
      ['Gemeente', 'komt afspraken niet na'],
      ['Politie', 'De wijkagent kent de bewoners goed.'],
      ['Gemeente', 'verloopt stroef'],
    ]);
    expect(p.report.skipped).toEqual([
      expect.objectContaining({
        kind: 'coding',
        where: expect.stringMatching(/"Evaluatie".*page 1 area/),
        message: expect.stringMatching(/cannot be placed on text/),
      }),
    ]);
  });

  it('a selection that does not slice cleanly is reported with its source and position, never shifted', async () => {
    const p = await read('selection-not-slicing');
    expect(quotes(p)).toEqual(TWO);
    expect(p.report.skipped).toHaveLength(1);
    const s = p.report.skipped[0]!;
    expect(s.where).toMatch(/source "Interview 1" \(6e5d4c3b-2a19-4f08-b7e6-d5c4b3a29180\), selection \d+\.\.\d+/);
    expect(s.message).toMatch(/does not match the selection's name "de burgemeester".*never shifted/);
  });

  it('reports the counts', async () => {
    const p = await read('memos-without-author');
    expect(p.report.counts).toEqual({ sources: 1, codes: 2, codings: 2, notes: 5, cases: 0, users: 1 });
  });
});

// ------------------------------------------------------------------------------------ hostile archives

const QDE = (body = '') => `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">${body}</Project>`;
const zip = (files: Record<string, Uint8Array | string>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])));

describe('readQdpx: refuses unsafe or invalid projects clearly', () => {
  it('a zip bomb (an entry compressed 1000:1) is refused from the directory, before inflating', async () => {
    const bomb = zip({ 'project.qde': QDE(), 'sources/a.txt': new Uint8Array(50 * 1024 * 1024) });
    await expect(readQdpx(bomb, 'bomb.qdpx')).rejects.toThrow(/bomb\.qdpx: sources\/a\.txt: the entry is compressed \d+:1 \(a zip bomb\?\)/);
  });

  it('too many entries, or entries too large in total, are refused', async () => {
    const many = zip(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`sources/${i}.txt`, 'x'])));
    await expect(
      readQdpx(many, 'many.qdpx', { limits: { maxArchiveBytes: 1e9, maxEntries: 20, maxEntryBytes: 1e9, maxTotalBytes: 1e9, maxRatio: 200 } }),
    ).rejects.toThrow(/more than 20 entries/);
    const big = zip({ 'project.qde': QDE(), 'sources/a.txt': 'x'.repeat(5000) });
    await expect(
      readQdpx(big, 'big.qdpx', { limits: { maxArchiveBytes: 1e9, maxEntries: 20, maxEntryBytes: 1e9, maxTotalBytes: 1000, maxRatio: 1e9 } }),
    ).rejects.toMatchObject({ kind: 'TOO_LARGE' });
  });

  it.each([
    ['../evil.txt', /a "\.\." path segment/],
    ['/etc/passwd', /an absolute path/],
    ['sources\\..\\x.txt', /a backslash/],
  ])('an entry named %s is refused', async (name, re) => {
    await expect(readQdpx(zip({ 'project.qde': QDE(), [name]: 'x' }), 'p.qdpx')).rejects.toThrow(re);
  });

  it('a DOCTYPE (entity expansion, external entities) is refused before parsing', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a SYSTEM "file:///etc/passwd">]><Project xmlns="urn:QDA-XML:project:1.0" name="&a;"/>`;
    await expect(readQdpx(zip({ 'project.qde': xxe }), 'xxe.qdpx')).rejects.toThrow(/declares a DOCTYPE or entities/);
    const lol = `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;">]><Project xmlns="urn:QDA-XML:project:1.0" name="&l2;"/>`;
    await expect(readQdpx(zip({ 'project.qde': lol }), 'lol.qdpx')).rejects.toMatchObject({ kind: 'BAD_PROJECT' });
  });

  it('a schema error that is no known quirk is refused with the line and element path', async () => {
    const qde = QDE(`
<Sources>
<TextSource guid="6e5d4c3b-2a19-4f08-b7e6-d5c4b3a29180" name="a"><PlainTextContent>abc</PlainTextContent>
<PlainTextSelection guid="6e5d4c3b-2a19-4f08-b7e6-d5c4b3a29181" startPosition="0" endPosition="1"/>
<PlainTextSelection guid="not-a-guid" startPosition="0" endPosition="2"/>
</TextSource>
</Sources>`);
    await expect(readQdpx(zip({ 'project.qde': qde }), 'bad.qdpx')).rejects.toThrow(
      /bad\.qdpx: project\.qde line 5, Project\/Sources\/TextSource\[1\]\/PlainTextSelection\[2\]: does not follow the REFI-QDA project schema: Element 'PlainTextSelection', attribute 'guid'/,
    );
  });

  it('not a zip, or no project.qde, is refused', async () => {
    await expect(readQdpx(strToU8('hello'), 'x.qdpx')).rejects.toThrow(/not a zip archive/);
    await expect(readQdpx(zip({ 'readme.txt': 'x' }), 'x.qdpx')).rejects.toThrow(/no project\.qde in the archive/);
  });
});
