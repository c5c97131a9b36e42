// Tagging of one document with its project's current codebook, reconciled with the existing codings
// (see reconcile.ts). Safe to run again: the same inputs give no writes.
import { createHash } from 'node:crypto';
import { allCodes } from '../codebook/index.js';
import type { Codebook } from '../model.js';
import { all } from '../paging.js';
import { projectCodings, reviewedPassages } from '../review/reviewed-codings.js';
import { compileTagger, type Tagger } from '../tag/index.js';
import { languageMismatch } from '../tag/detect-language.js';
import { buildProposer, type CodeProposer } from '../tag/propose.js';
import type { LabelledPassage } from '../tag/ranker/index.js';
import { tagSegments } from '../tag/structure.js';
import type { Coding, CodingRef, Store, TagRequest } from '../coding/index.js';
import { silentLog, type PipelineDeps } from './deps.js';
import { reanchorDocument } from './reanchor-store.js';
import { reconcile } from './reconcile.js';
import { gateReopening } from './reopen.js';

export interface TagOutcome {
  documentId: string;
  status: 'TAGGED' | 'SKIPPED';
  written?: number;
  proposals?: number;
  reason?: string;
}

/** Compiled taggers per codebook version: a warm Lambda or the local stack compiles each once. */
const taggers = new Map<string, Tagger>();
const MAX_TAGGERS = 8;

function taggerFor(codebook: Codebook): Tagger {
  let t = taggers.get(codebook.version);
  if (!t) {
    t = compileTagger(codebook);
    if (taggers.size >= MAX_TAGGERS) taggers.delete(taggers.keys().next().value as string);
    taggers.set(codebook.version, t);
  }
  return t;
}

/**
 * Proposers (the learned ranker with its calibration) per project and codebook version, with the
 * fingerprint of the reviewed codings they learnt from: re-read after PROPOSER_TTL_MS, retrained only
 * when a decision changed them. A warm Lambda or the local stack tags several documents in a row.
 */
const proposers = new Map<string, { at: number; fingerprint: string; proposer: CodeProposer }>();
export const PROPOSER_TTL_MS = 3_000;
const MAX_PROPOSERS = 16;

/** The project's reviewed passages as the ranker learns them: accepted and added codes, and rejections. */
export function labelledPassages(codings: readonly Coding[]): { labelled: LabelledPassage[]; fingerprint: string } {
  const { examples } = reviewedPassages(codings);
  const labelled = examples.map((e) => ({ text: e.text, accepted: e.accepted, rejected: e.rejected }));
  // What the ranker learns from, not the codings' versions: an undo and a redo (or a re-anchoring that
  // keeps the text) teach nothing new and must not change the proposals of a redelivered request.
  const lines = labelled.map((l) => [l.text, [...l.accepted].sort().join(','), [...l.rejected].sort().join(',')].join('\u0001'));
  return { labelled, fingerprint: createHash('sha256').update(lines.sort().join('\n')).digest('base64url') };
}

async function proposerFor(store: Store, projectId: string, codebook: Codebook): Promise<CodeProposer> {
  const key = `${projectId}\0${codebook.version}`;
  const now = Date.now();
  const hit = proposers.get(key);
  if (hit && now - hit.at < PROPOSER_TTL_MS) return hit.proposer;
  const { codings } = await projectCodings(store, projectId);
  const { labelled, fingerprint } = labelledPassages(codings);
  const proposer = hit && hit.fingerprint === fingerprint ? hit.proposer : buildProposer(codebook, { labelled, tagger: taggerFor(codebook) });
  proposers.delete(key);
  if (proposers.size >= MAX_PROPOSERS) proposers.delete(proposers.keys().next().value as string);
  proposers.set(key, { at: now, fingerprint, proposer });
  return proposer;
}

/** Forgets the cached proposers (tests; a process that must see decisions at once). */
export function clearProposerCache(): void {
  proposers.clear();
}

const MAX_ROUNDS = 5;

/** Tagging writes codings only: it needs no tag queue. */
export type TagDeps = Omit<PipelineDeps, 'tagQueue'>;

export async function tagDocument(deps: TagDeps, req: TagRequest): Promise<TagOutcome> {
  const log = deps.log ?? silentLog;
  const { store } = deps;
  const doc = await store.getDocument(req.documentId);
  if (!doc || doc.projectId !== req.projectId) return { documentId: req.documentId, status: 'SKIPPED', reason: 'no such document' };
  // UPLOADED: ingest is still running and will send its own request; FAILED: nothing to tag.
  if (doc.status === 'UPLOADED' || doc.status === 'FAILED') return { documentId: doc.id, status: 'SKIPPED', reason: `document is ${doc.status}` };

  const current = await store.getCurrentCodebook(doc.projectId);
  if (!current) {
    await store.updateDocument(doc.projectId, doc.id, { status: 'TAGGED', proposalCount: 0 });
    return { documentId: doc.id, status: 'TAGGED', written: 0, proposals: 0, reason: 'the project has no codebook yet' };
  }
  // Reviewed decisions teach the tagger (the learned ranker); its proposals stay proposals for people
  // to review like any other.
  // First every human decision follows its passage (a re-upload may have shifted or changed segments),
  // so the ranker learns from the passages as they are now; only then are the tagger's own proposals
  // reconciled around them.
  const segments = await all((p) => store.listSegments(doc.id, p));
  const anchored = await reanchorDocument(store, doc, segments);
  if (anchored.moved || anchored.detached) {
    log.info('codings re-anchored', { projectId: doc.projectId, documentId: doc.id, moved: anchored.moved, detached: anchored.detached });
  }
  const proposer = await proposerFor(store, doc.projectId, current.codebook);
  const categoryOf = new Map(allCodes(current.codebook).map((c) => [c.id, c.categoryId]));
  // Respondent turns are tagged with the interviewer's question before them as context; interviewer
  // turns and title/metadata lines get no proposals (lib/tag/structure.ts, shared with `qualtag code`).
  const results = tagSegments(proposer, segments, doc.format ? { format: doc.format } : {});
  const tagged = results.map(({ segment, proposals }) => ({ segment, proposals }));
  // A codebook in another language than the document stems and filters it wrongly: say so on the document.
  const languageWarning = languageMismatch(
    current.codebook.language,
    results.filter((r) => r.plan.taggable).map((r) => r.segment.text),
  );
  if (languageWarning) log.warn('codebook language does not match the document', { projectId: doc.projectId, documentId: doc.id, warning: languageWarning });

  let existing: Coding[] = anchored.codings;
  // A finished document (every proposal decided) is reopened only by confident new proposals (reopen.ts).
  const gate = gateReopening(tagged, existing);
  tagged.splice(0, tagged.length, ...gate.tagged);
  const proposals = tagged.reduce((n, t) => n + t.proposals.length, 0);
  let written = 0;
  let added = 0;
  for (let round = 0; ; round++) {
    const changes = reconcile({
      projectId: doc.projectId,
      documentId: doc.id,
      codebookVersion: current.version,
      categoryOf,
      tagged,
      existing,
      now: new Date().toISOString(),
    });
    const result = await store.applyCodingChanges(changes);
    written += result.written;
    const conflicted = new Set(result.conflicts.map((r) => `${r.segmentIndex}\0${r.code}`));
    added += changes.filter((c) => c.kind === 'put' && c.expectedVersion === null && !conflicted.has(`${c.coding.segmentIndex}\0${c.coding.code}`)).length;
    if (result.conflicts.length === 0) break;
    // Someone decided on some proposals meanwhile: read those again and reconcile them only.
    if (round + 1 >= MAX_ROUNDS) throw new Error(`codings of document ${doc.id} kept changing while tagging; retry`);
    existing = await rereadConflicts(store, existing, result.conflicts);
    const conflictKeys = new Set(result.conflicts.map((r) => `${r.segmentIndex}\0${r.code}`));
    tagged.forEach((t) => {
      t.proposals = t.proposals.filter((p) => conflictKeys.has(`${t.segment.index}\0${p.code}`));
    });
    existing = existing.filter((c) => conflictKeys.has(`${c.segmentIndex}\0${c.code}`));
  }
  // A run that wrote nothing (a redelivered request, a re-tag that changed nothing) keeps the record of
  // the run that did: tagging the same inputs again changes nothing, this item included.
  const unchanged = written === 0 && doc.lastTagging && doc.codebookVersion === current.version;
  const lastTagging = unchanged
    ? doc.lastTagging!
    : {
        at: new Date().toISOString(),
        codebookVersion: current.version,
        retag: req.reason === 'retag',
        added,
        finished: gate.finished,
        withheld: gate.withheld,
      };
  await store.updateDocument(doc.projectId, doc.id, {
    status: 'TAGGED',
    codebookVersion: current.version,
    proposalCount: proposals,
    languageWarning: languageWarning ?? undefined,
    lastTagging,
  });
  log.info('document tagged', { projectId: doc.projectId, documentId: doc.id, proposals, written });
  return { documentId: doc.id, status: 'TAGGED', written, proposals };
}

async function rereadConflicts(store: Store, existing: Coding[], refs: CodingRef[]): Promise<Coding[]> {
  const fresh = await Promise.all(refs.map((r) => store.getCoding(r)));
  const byKey = new Map(existing.map((c) => [`${c.segmentIndex}\0${c.code}`, c]));
  refs.forEach((r, i) => {
    const k = `${r.segmentIndex}\0${r.code}`;
    const c = fresh[i];
    if (c) byKey.set(k, c);
    else byKey.delete(k);
  });
  return [...byKey.values()];
}
