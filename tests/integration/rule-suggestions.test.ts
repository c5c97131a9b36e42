// Rule terms learnt from a project's decisions, through the HTTP API on the local server against the real
// DynamoDB Local and s3rver: GET the suggestions with their figures, apply chosen terms as a new codebook
// version, re-tag with the real tag handler, and check that the decisions are still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyRuleTermsResult, CodebookView, DocumentDetail, RuleSuggestions } from '../../lib/api/contract.js';
import { startHttpServer, type RunningHttpServer } from '../../lib/local/http.js';
import type { Adapters } from '../../lib/store/index.js';
import { reviewedTurns, seedReviewedProject } from './helpers/api-seed.js';
import { CapturingTagQueue, drainTags } from './helpers/pipeline.js';
import { testStore } from './helpers/services.js';

const tokens = { ann: 'ann-token-0123456789abcdef0123456789', eve: 'eve-token-0123456789abcdef0123456789' };
type User = keyof typeof tokens;
const P = '/projects/proj-rules';

// After the reviewed turns of seedReviewedProject, a last turn names the wijkagent without any proposal (yet).
const LAST_TURN = 'R14: De wijkagent komt vaak langs.';

let server: RunningHttpServer;
let adapters: Adapters;
const queue = new CapturingTagQueue();

async function call<T>(user: User, method: 'GET' | 'POST', p: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${server.url}/api${p}`, {
    method,
    headers: { authorization: `Bearer ${tokens[user]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as T };
}

const statusOf = (d: DocumentDetail, index: number, code: string) => d.segments[index]!.codings.find((c) => c.code === code)?.status;

beforeAll(async () => {
  adapters = await testStore('rule-sugg');
  const { codebook } = await seedReviewedProject(adapters.store, adapters.blobs, 'proj-rules', 'ann', [LAST_TURN]);
  // A detached coding (its passage left the file on a re-upload) whose old text names the wijkagent under
  // another code: it must not count as a reviewed passage.
  const text = 'R99: De wijkagent is weg.';
  const r = await adapters.store.applyCodingChanges([
    {
      kind: 'put',
      expectedVersion: null,
      coding: {
        projectId: 'proj-rules',
        documentId: 'doc-1',
        segmentIndex: 100,
        segmentId: 'doc-1:old-t0099',
        segmentStart: 0,
        segmentEnd: text.length,
        segmentText: text,
        code: 'effecten/samenwerking',
        categoryId: 'effecten',
        respondent: 'R99',
        origin: 'human',
        status: 'accepted',
        score: 1,
        evidence: [],
        codebookVersion: codebook.version,
        version: 1,
        createdAt: new Date().toISOString(),
        decidedBy: 'ann',
        decidedAt: new Date().toISOString(),
        anchor: { state: 'detached', fromIndex: 14, fromText: text, sourceVersion: 'v0', at: new Date().toISOString() },
      },
    },
  ]);
  expect(r.conflicts).toEqual([]);
  server = await startHttpServer({
    port: 0,
    token: tokens.ann,
    userId: 'ann',
    extraTokens: [{ token: tokens.eve, userId: 'eve' }],
    deps: { store: adapters.store, blobs: adapters.blobs, tagQueue: queue },
  });
});
afterAll(async () => server?.close());

describe('rule suggestions from reviewed decisions', () => {
  let suggestions: RuleSuggestions;

  it("learns a distinctive term of a code's accepted passages, with its figures and example excerpts", async () => {
    const r = await call<RuleSuggestions>('ann', 'GET', `${P}/rule-suggestions`);
    expect(r.status).toBe(200);
    suggestions = r.json;
    // 12 reviewed turns: not the undecided Samenwerking turn, the untouched last turn or the detached coding.
    expect(suggestions.segments).toBe(12);
    expect(suggestions.minSupport).toBe(2);
    const cb = await call<CodebookView>('ann', 'GET', `${P}/codebook`);
    expect(suggestions.codebookVersion).toBe(cb.json.version);
    const vertrouwen = suggestions.codes.find((c) => c.code === 'voorwaarden/vertrouwen')!;
    expect(vertrouwen).toMatchObject({ accepted: 3, rejected: 1, uncovered: 1, unproposed: 1, rules: ['vertrouwen'], ownRules: true });
    const term = vertrouwen.suggestions.find((s) => s.rule === 'wijkagent')!;
    expect(term).toMatchObject({ kind: 'term', support: 3, newlyCovered: 1, unproposed: 1, otherMatches: 0, rejectedMatches: 0, precision: 1 });
    // The passage no rule matches comes first; the excerpt is the passage with the match placed in it.
    const first = term.examples[0]!;
    expect(first).toMatchObject({
      documentId: 'doc-1',
      documentName: 'interview-1.txt',
      segmentIndex: 3,
      excerpt: reviewedTurns[3],
      clippedStart: false,
      clippedEnd: false,
    });
    expect(first.excerpt.slice(first.match!.start, first.match!.end)).toBe('wijkagent');
    expect(term.examples.map((e) => e.segmentIndex).sort()).toEqual([0, 1, 3]);
    // Samenwerking has no reviewed passage left once the detached coding is ignored.
    expect(suggestions.codes.map((c) => c.code)).not.toContain('effecten/samenwerking');
    // A higher minimum support than any term reaches leaves no suggestions.
    const strict = await call<RuleSuggestions>('ann', 'GET', `${P}/rule-suggestions?minSupport=9&top=1`);
    expect(strict.json.codes.every((c) => c.suggestions.length === 0)).toBe(true);
    expect((await call('ann', 'GET', `${P}/rule-suggestions?minSupport=0`)).status).toBe(400);
    const misspelt = await call<{ message: string; where: string }>('ann', 'GET', `${P}/rule-suggestions?min_support=3`);
    expect(misspelt.status).toBe(400);
    expect(misspelt.json.message).toContain('min_support');
  });

  it('refuses a term that does not parse (400 naming it), an unknown code, a stale version (409) and non-members (403)', async () => {
    const base = suggestions.codebookVersion;
    const bad = await call<{ message: string; where: string }>('ann', 'POST', `${P}/rule-suggestions/apply`, {
      baseVersion: base,
      terms: [
        { code: 'voorwaarden/vertrouwen', rule: 'wijkagent' },
        { code: 'voorwaarden/tijd', rule: '"overleg nummer' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('"\\"overleg nummer"');
    expect(bad.json.where).toBe('body.terms[1].rule');
    const unknown = await call<{ where: string }>('ann', 'POST', `${P}/rule-suggestions/apply`, {
      baseVersion: base,
      terms: [{ code: 'nope/nope', rule: 'wijkagent' }],
    });
    expect([unknown.status, unknown.json.where]).toEqual([400, 'body.terms[0].code']);
    const stale = await call<{ message: string }>('ann', 'POST', `${P}/rule-suggestions/apply`, {
      baseVersion: '0123456789abcdef',
      terms: [{ code: 'voorwaarden/vertrouwen', rule: 'wijkagent' }],
    });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toMatch(/codebook changed/);
    expect((await call('eve', 'GET', `${P}/rule-suggestions`)).status).toBe(403);
    expect(
      (await call('eve', 'POST', `${P}/rule-suggestions/apply`, { baseVersion: base, terms: [{ code: 'voorwaarden/vertrouwen', rule: 'wijkagent' }] })).status,
    ).toBe(403);
    // Nothing was stored or re-tagged by the refused requests.
    expect((await call<CodebookView>('ann', 'GET', `${P}/codebook`)).json.version).toBe(base);
    expect(queue.requests).toEqual([]);
  });

  it('applies two terms as a new codebook version, re-tags, and keeps every decision', async () => {
    const before = (await call<DocumentDetail>('ann', 'GET', `${P}/documents/doc-1`)).json;
    const tijdTerm = suggestions.codes.find((c) => c.code === 'voorwaarden/tijd')?.suggestions[0]?.rule;
    expect(tijdTerm).toBeTruthy();
    const r = await call<ApplyRuleTermsResult>('ann', 'POST', `${P}/rule-suggestions/apply`, {
      baseVersion: suggestions.codebookVersion,
      terms: [
        { code: 'voorwaarden/vertrouwen', rule: 'wijkagent' },
        { code: 'voorwaarden/tijd', rule: tijdTerm },
        { code: 'voorwaarden/tijd', rule: 'tijd' }, // already a rule of the code: left alone
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.previousVersion).toBe(suggestions.codebookVersion);
    expect(r.json.version).not.toBe(suggestions.codebookVersion);
    expect(r.json.added).toEqual([
      { code: 'voorwaarden/vertrouwen', rules: ['wijkagent'] },
      { code: 'voorwaarden/tijd', rules: [tijdTerm] },
    ]);
    expect(r.json.unchanged).toEqual([{ code: 'voorwaarden/tijd', rule: 'tijd' }]);
    expect(r.json.retag).toEqual({ requested: true, documents: 1 });

    const cb = (await call<CodebookView>('ann', 'GET', `${P}/codebook`)).json;
    expect(cb.version).toBe(r.json.version);
    const rules = new Map(cb.categories.flatMap((c) => c.codes.map((k) => [k.id, k.rules])));
    expect(rules.get('voorwaarden/vertrouwen')).toEqual(['vertrouwen', 'wijkagent']);
    expect(rules.get('voorwaarden/tijd')).toEqual(['tijd', tijdTerm]);
    const versions = (await call<{ items: Array<{ version: string; current: boolean; fileName: string | null }> }>('ann', 'GET', `${P}/codebook/versions`)).json
      .items;
    expect(versions.map((v) => [v.version, v.current])).toEqual([
      [r.json.version, true],
      [suggestions.codebookVersion, false],
    ]);
    expect(versions[0]!.fileName).toBe('api-test.yaml');

    // The real tag handler re-tags the document with the new version.
    expect(await drainTags({ store: adapters.store, blobs: adapters.blobs, tagQueue: queue }, queue)).toBe(1);
    const after = (await call<DocumentDetail>('ann', 'GET', `${P}/documents/doc-1`)).json;
    expect(after.document.codebookVersion).toBe(r.json.version);
    // The learnt term now proposes the code where no rule did before.
    expect(statusOf(before, 13, 'voorwaarden/vertrouwen')).toBeUndefined();
    expect(statusOf(after, 13, 'voorwaarden/vertrouwen')).toBe('proposed');
    // Every decision made before is still there, unchanged.
    const decided = (d: DocumentDetail) =>
      d.segments.flatMap((s) => s.codings.filter((c) => c.status !== 'proposed').map((c) => [c.segmentIndex, c.code, c.status, c.origin, c.version]));
    expect(decided(after)).toEqual(decided(before));
    expect(decided(after)).toHaveLength(12);

    // The applied term is in force now, so it is no longer suggested; the old base version is stale.
    const again = (await call<RuleSuggestions>('ann', 'GET', `${P}/rule-suggestions`)).json;
    expect(again.codebookVersion).toBe(r.json.version);
    expect(again.codes.find((c) => c.code === 'voorwaarden/vertrouwen')!.suggestions.map((s) => s.rule)).not.toContain('wijkagent');
    expect(
      (
        await call('ann', 'POST', `${P}/rule-suggestions/apply`, {
          baseVersion: suggestions.codebookVersion,
          terms: [{ code: 'voorwaarden/tijd', rule: 'overleg' }],
        })
      ).status,
    ).toBe(409);
  });
});
