// .qdpx import into a project through the API handlers and the real pipeline (DynamoDB Local + s3rver):
// sources become documents, the codebook a version, codings accepted human codings with their coder and
// date, cases respondents, notes kept; and export → import → export gives the same file.
import { beforeAll, describe, expect, it } from 'vitest';
import { allCodes } from '../../../lib/codebook/index.js';
import { projectCodings, reviewedPassages } from '../../../lib/review/reviewed-codings.js';
import { makeDocx } from '../../fixtures/extract/make-docx.js';
import { makePdf } from '../../fixtures/extract/make-pdf.js';
import { zipFixture } from '../../helpers/qdpx-fixture.js';
import { exportQdpx, importApi, runImport, type Api } from '../helpers/import.js';
import { testPipeline, type TestPipeline } from '../helpers/pipeline.js';

let p: TestPipeline;
let api: Api;

async function project(id: string, name = id): Promise<void> {
  await p.svc.store.createProject({ id, name, members: ['tester'], createdBy: 'tester' });
}

beforeAll(async () => {
  p = await testPipeline('import');
  api = importApi(p);
}, 60_000);

describe('import a .qdpx into a project', () => {
  it('sources become documents, codings accepted human codings with coder and date, notes and cases kept', async () => {
    await project('imp-memos');
    const { started, applied } = await runImport(p, api, 'imp-memos', zipFixture('cases-sets-without-names'), 'buurt.qdpx');
    expect(started.documents.map((d) => [d.fileName, d.codings])).toEqual([
      ['Interview 1.txt', 2],
      ['Interview 2.txt', 1],
    ]);
    expect(started.codebook).toMatchObject({ created: true, codes: 2, added: 2 });
    expect(applied.map((a) => [a.status, a.imported, a.skipped.length])).toEqual([
      ['TAGGED', 2, 0],
      ['TAGGED', 1, 0],
    ]);
    const { docs, codings } = await projectCodings(p.svc.store, 'imp-memos');
    const human = codings.filter((c) => c.origin === 'human');
    expect(human.map((c) => [c.code, c.status, c.decidedBy, c.decidedAt, c.segmentText.slice(c.span?.start ?? 0, c.span?.end)]).sort()).toEqual(
      [
        ['vertrouwen/gemeente', 'accepted', 'Anna', '2024-03-01T10:00:00Z', 'de gemeente luistert niet'],
        ['vertrouwen/politie', 'accepted', 'Anna', '2024-03-01T10:00:00Z', 'ik vertrouw de wijkagent'],
        ['vertrouwen/politie', 'accepted', 'Anna', '2024-03-01T10:00:00Z', 'ik vertrouw de wijkagent'],
      ].sort(),
    );
    // The case without a name is named after its source; named cases become respondents of their documents.
    const d2 = docs.find((d) => d.fileName === 'Interview 2.txt')!;
    expect(d2.respondents).toEqual(expect.arrayContaining(['Respondent 2', 'Zelfde GUID als een code']));
    // The reader the tagger learns from sees them as reviewed decisions.
    const { examples } = reviewedPassages(codings);
    expect(examples.filter((e) => e.accepted.includes('vertrouwen/politie'))).toHaveLength(2);
    // An audit event says where the decision came from.
    const audit = (await p.svc.store.auditTrail({ projectId: 'imp-memos' })).items;
    expect(audit.filter((e) => e.action === 'add' && e.note === 'imported from buurt.qdpx by tester')).toHaveLength(3);
  }, 120_000);

  it('notes on codings, sources and the project are exported again', async () => {
    await project('imp-notes');
    await runImport(p, api, 'imp-notes', zipFixture('memos-without-author'), 'memos.qdpx');
    const { qde } = await exportQdpx(api, 'imp-notes');
    for (const text of [
      'Twijfel: bedoelt ze de oude wijkagent?',
      'Deze codering is met Piet besproken.',
      'Opgenomen in het buurthuis.',
      'Projectmemo: nog twee interviews te gaan.',
    ])
      expect(qde).toContain(`<PlainTextContent>${text}</PlainTextContent>`);
    // NoteRefs on the coding, on the source and on the project; the codings keep their GUIDs.
    expect(qde).toMatch(/<Coding guid="00000000-0000-4000-8000-000000000002"[^>]*>\s*<CodeRef [^>]*\/>\s*(<NoteRef [^>]*\/>\s*){2}<\/Coding>/);
    expect(qde).toMatch(/<NoteRef targetGUID="00000000-0000-4000-8000-000000000052"\/>\s*<\/TextSource>/);
    expect(qde).toMatch(/<NoteRef targetGUID="00000000-0000-4000-8000-000000000053"\/>\s*<\/Project>/);
    // The review UI reads a document's notes through the API.
    const doc = (await p.svc.store.listDocuments('imp-notes')).items[0]!;
    const notes = (await api.documentNotes({
      userId: 'tester',
      params: { projectId: 'imp-notes', documentId: doc.id },
      query: undefined as never,
      body: undefined as never,
      event: {} as never,
    })) as { items: Array<{ text: string; codingId?: string }> };
    expect(
      notes.items
        .filter((n) => n.codingId)
        .map((n) => n.text)
        .sort(),
    ).toEqual(['Deze codering is met Piet besproken.', 'Twijfel: bedoelt ze de oude wijkagent?']);
    expect(
      notes.items
        .filter((n) => !n.codingId)
        .map((n) => n.text.split('\n')[0])
        .sort(),
    ).toEqual(['Let op de toon hier.', 'Opgenomen in het buurthuis.']);
  }, 120_000);

  it('PDF and DOCX sources go through the same extraction; their codings are placed on the extracted text, a PDF area coding is reported', async () => {
    await project('imp-pdf');
    const pdf = makePdf([{ lines: ['Evaluatie wijkaanpak', '', 'De wijkagent kent de bewoners goed. De samenwerking met de gemeente verloopt stroef.'] }]);
    const docx = makeDocx(['Verslag bewonersavond', '', 'Bewoners vertrouwen de wijkagent. De gemeente komt afspraken niet na.']);
    const { started, applied } = await runImport(
      p,
      api,
      'imp-pdf',
      zipFixture('pdf-docx-sources', { 'sources/00000000-0000-4000-8000-000000000090.pdf': pdf, 'sources/00000000-0000-4000-8000-000000000100.docx': docx }),
      'mixed.qdpx',
    );
    expect(started.documents.map((d) => [d.fileName, d.kind])).toEqual([
      ['Interview 1.txt', 'text'],
      ['Bewonersavond.docx', 'docx'],
      ['Evaluatie.pdf', 'pdf'],
    ]);
    expect(started.report.skipped).toEqual([expect.objectContaining({ message: expect.stringMatching(/area of a PDF page/) })]);
    expect(applied.map((a) => [a.name, a.imported, a.skipped.length])).toEqual([
      ['Interview 1', 2, 0],
      ['Bewonersavond', 2, 0],
      ['Evaluatie', 2, 0],
    ]);
    const { codings, docs } = await projectCodings(p.svc.store, 'imp-pdf');
    const pdfDoc = docs.find((d) => d.fileName === 'Evaluatie.pdf')!;
    const onPdf = codings.filter((c) => c.documentId === pdfDoc.id && c.origin === 'human').map((c) => c.segmentText.slice(c.span?.start ?? 0, c.span?.end));
    expect(onPdf.sort()).toEqual(['De wijkagent kent de bewoners goed.', 'verloopt stroef']);
  }, 120_000);

  it('importing the same file twice writes nothing new', async () => {
    await project('imp-twice');
    await runImport(p, api, 'imp-twice', zipFixture('nested-codes'), 'nested.qdpx');
    const again = await runImport(p, api, 'imp-twice', zipFixture('nested-codes'), 'nested.qdpx');
    expect(again.started.documents.map((d) => d.reused)).toEqual([true]);
    expect(again.started.codebook.added).toBe(0);
    expect(again.applied.map((a) => [a.imported, a.already])).toEqual([[0, 5]]);
  }, 120_000);

  it('a hostile .qdpx is refused with the reason, and nothing is stored', async () => {
    await project('imp-bad');
    await expect(runImport(p, api, 'imp-bad', new TextEncoder().encode('not a zip'), 'bad.qdpx')).rejects.toThrow(/bad\.qdpx: not a zip archive/);
    expect(await p.svc.store.getCurrentCodebook('imp-bad')).toBeNull();
  }, 60_000);
});

describe('round trip: export → import → export', () => {
  it('gives the same project file (sources, codes, codings, positions, notes, users, GUIDs) for an imported project', async () => {
    await project('rt-a', 'Buurtonderzoek');
    await project('rt-b', 'Buurtonderzoek');
    await runImport(p, api, 'rt-a', zipFixture('memos-without-author'), 'memos.qdpx');
    await runImport(p, api, 'rt-a', zipFixture('emoji-utf16-units'), 'emoji.qdpx');
    const first = await exportQdpx(api, 'rt-a');
    await runImport(p, api, 'rt-b', first.bytes, 'rt-a.qdpx');
    const second = await exportQdpx(api, 'rt-b');
    expect(second.qde).toBe(first.qde);
    expect(second.files).toEqual(first.files);
    const cb = (await p.svc.store.getCurrentCodebook('rt-b'))!.codebook;
    expect(allCodes(cb).map((c) => c.name)).toEqual(['Politie', 'Gemeente']);
  }, 180_000);
});
