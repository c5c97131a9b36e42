// Reconciles a document's fresh rule proposals with its existing codings. The rule: the tagger owns
// only undecided rule proposals. Those are added, updated or removed to match the new rules; anything a
// human decided (accepted/rejected) or added is never changed or dropped, and a decided proposal that the
// new rules propose again simply keeps its decision.
import type { Evidence, Proposal, Segment } from '../model.js';
import { onSegment, type Coding, type CodingChange } from '../coding/index.js';

export interface ProposedSegment {
  segment: Segment;
  proposals: Proposal[];
}

export interface ReconcileInput {
  projectId: string;
  documentId: string;
  codebookVersion: string;
  /** code id → category id in the codebook being applied. */
  categoryOf: ReadonlyMap<string, string>;
  tagged: ProposedSegment[];
  existing: Coding[];
  now: string;
}

const refKey = (segmentIndex: number, code: string): string => `${segmentIndex}\u0000${code}`;

function sameProposal(c: Coding, next: Coding): boolean {
  return (
    c.score === next.score &&
    c.confidence === next.confidence &&
    c.codebookVersion === next.codebookVersion &&
    c.categoryId === next.categoryId &&
    c.segmentId === next.segmentId &&
    c.segmentStart === next.segmentStart &&
    c.segmentEnd === next.segmentEnd &&
    c.segmentText === next.segmentText &&
    (c.speaker ?? null) === next.speaker &&
    (c.page ?? null) === next.page &&
    c.respondent === next.respondent &&
    sameEvidence(c.evidence, next.evidence)
  );
}

// Field by field: DynamoDB does not keep the key order of maps, so JSON text would differ.
function sameEvidence(a: Evidence[], b: Evidence[]): boolean {
  return a.length === b.length && a.every((e, i) => e.start === b[i]!.start && e.end === b[i]!.end && e.rule === b[i]!.rule);
}

/** The conditional writes that bring the stored codings in line with the new proposals. */
export function reconcile(input: ReconcileInput): CodingChange[] {
  const existing = new Map(input.existing.map((c) => [refKey(c.segmentIndex, c.code), c]));
  const changes: CodingChange[] = [];
  const proposed = new Set<string>();

  for (const { segment, proposals } of input.tagged) {
    for (const p of proposals) {
      const key = refKey(segment.index, p.code);
      if (proposed.has(key)) continue;
      proposed.add(key);
      const next: Coding = {
        projectId: input.projectId,
        documentId: input.documentId,
        ...onSegment(segment),
        code: p.code,
        categoryId: input.categoryOf.get(p.code) ?? '',
        origin: 'rule',
        status: 'proposed',
        score: p.score,
        ...(p.confidence !== undefined ? { confidence: p.confidence } : {}),
        evidence: p.evidence,
        codebookVersion: input.codebookVersion,
        version: 1,
        createdAt: input.now,
      };
      const old = existing.get(key);
      if (!old) {
        changes.push({ kind: 'put', coding: next, expectedVersion: null });
      } else if (old.origin === 'rule' && old.status === 'proposed' && !sameProposal(old, next)) {
        changes.push({ kind: 'put', coding: { ...next, createdAt: old.createdAt, version: old.version + 1 }, expectedVersion: old.version });
      }
      // Decided or human codings: untouched.
    }
  }

  for (const [key, old] of existing) {
    if (!proposed.has(key) && old.origin === 'rule' && old.status === 'proposed') {
      changes.push({ kind: 'delete', ref: { documentId: old.documentId, segmentIndex: old.segmentIndex, code: old.code }, expectedVersion: old.version });
    }
  }
  return changes;
}
