import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeGuid, codebookToQdc, parseCodebook, stableGuid } from '../../../lib/codebook/index.js';
import { describeShared, projectRoot, sharedPath } from '../../helpers/shared.js';

const fixture = (name: string) => readFileSync(path.join(projectRoot, 'tests/fixtures/codebook', name), 'utf8');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

describe('codebookToQdc', () => {
  const cb = parseCodebook(fixture('small-en.yaml'), 'small-en.yaml');

  it('derives GUIDs from ids, so re-exports are identical', () => {
    expect(stableGuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(codeGuid('trust/police')).toBe(codeGuid('trust/police'));
    expect(codeGuid('trust/police')).not.toBe(codeGuid('trust/neighbours'));
    expect(codebookToQdc(cb)).toBe(codebookToQdc(parseCodebook(fixture('small-en.yaml'), 'copy.yaml')));
    expect(codebookToQdc(cb)).toContain(`guid="${codeGuid('trust/police')}"`);
  });

  it('round-trips names, definitions, indicators, rules and exclusions', () => {
    const back = parseCodebook(codebookToQdc(cb), 'small-en.qdc', { language: 'en' });
    expect(back.categories.map((c) => c.name)).toEqual(cb.categories.map((c) => c.name));
    const [a, b] = [cb.categories[0]!.codes[0]!, back.categories[0]!.codes[0]!];
    expect({ ...b, id: a.id }).toEqual(a);
  });

  it('escapes markup in names', () => {
    const evil = parseCodebook('categories: [{name: "A <b> & \\"c\\"", codes: [{name: "x</Code>"}]}]', 'e.yaml');
    const xml = codebookToQdc(evil);
    expect(xml).toContain('name="A &lt;b&gt; &amp; &quot;c&quot;"');
    expect(parseCodebook(xml, 'e.qdc').categories[0]!.codes[0]!.name).toBe('x</Code>');
  });

  it.skipIf(!hasXmllint)('validates against Codebook.xsd with xmllint', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qdc-'));
    const file = path.join(dir, 'cb.qdc');
    writeFileSync(file, codebookToQdc(cb));
    const xsd = path.join(projectRoot, 'tests/fixtures/codebook/Codebook.xsd');
    expect(() => execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('parseCodebook (.qdc)', () => {
  it('reads parent codes as categories and their children as codes', () => {
    const cb = parseCodebook(fixture('minimal.qdc'), 'minimal.qdc');
    expect(cb.categories).toHaveLength(1);
    expect(cb.categories[0]).toMatchObject({ id: 'emotions', name: 'Emotions', definition: 'Parent code; only its children are applied to text.' });
    expect(cb.categories[0]!.codes.map((c) => [c.id, c.color])).toEqual([['emotions/anxiety', '#f0a']]);
  });

  it('refuses XML that is not a codebook', () => {
    expect(() => parseCodebook('<Project/>', 'p.qdc')).toThrow(/no <CodeBook>/);
  });
});

describeShared('corpus codebooks', () => {
  it.each(['zoetermeer-2021', 'wodc-versterking-2021', 'collectieve-weerbaarheid'])('%s loads unchanged and exports a valid .qdc', (name) => {
    const cb = parseCodebook(readFileSync(sharedPath('corpus/codebooks', `${name}.yaml`), 'utf8'), `${name}.yaml`);
    expect(cb.id).toBe(name);
    expect(cb.categories.flatMap((c) => c.codes).every((c) => c.id.startsWith(`${c.categoryId}/`))).toBe(true);
    if (!hasXmllint) return;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'qdc-')), `${name}.qdc`);
    writeFileSync(file, codebookToQdc(cb));
    execFileSync('xmllint', ['--noout', '--schema', sharedPath('refi-qda/Codebook.xsd'), file], { stdio: 'pipe' });
  });
});
