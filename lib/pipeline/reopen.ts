// A re-tag after a codebook change must not reopen a finished document (every proposal decided) with
// proposals a reviewer would mostly reject. There, a new proposal is written only at or above
// RETAG_REOPEN_MIN_CONFIDENCE (lib/coding/rules.ts, where the web UI reads it too): more likely right than
// wrong, so reopening the document is worth the reviewer's time. Documents with undecided proposals left are open anyway and get every proposal.
import type { Proposal } from '../model.js';
import { RETAG_REOPEN_MIN_CONFIDENCE, type Coding } from '../coding/index.js';

/** A proposal as the tagger gives it; the learned ranker (issue 11) adds a calibrated `confidence`. */
type Scored = Proposal;

/**
 * The chance that a proposal is right. The tagger's calibrated `confidence` when it gives one; until then
 * an estimate from the rule score and the proposal's rank in its segment, measured on the three gold files
 * of ../shared/corpus (509 proposals of the codebooks' suggested rules, top 3 per passage; see
 * tests/unit/pipeline/reopen.test.ts, which re-measures it): the segment's best proposal is right 62% of the
 * time when it scores at least 2 (176 proposals) and never below that (9); the second best 15%, the third 9%.
 * The absolute score alone hardly separates right from wrong (30% above any threshold up to 3).
 */
export function proposalConfidence(p: Scored, rank: number): number {
  if (typeof p.confidence === 'number') return p.confidence;
  if (rank === 0) return p.score >= TOP_MIN_SCORE ? 0.62 : 0;
  return rank === 1 ? 0.15 : 0.09;
}

/** Below this score even a segment's best proposal was never right in the measurement above. */
export const TOP_MIN_SCORE = 2;

export interface Gated<T> {
  tagged: T[];
  /** Whether the document was finished (it had codings, none of them an undecided proposal). */
  finished: boolean;
  /** New proposals left out because the document was finished and they were below the threshold. */
  withheld: number;
}

/** Leaves out the new low-confidence proposals of a finished document; proposals already stored stay as they are. */
export function gateReopening<T extends { segment: { index: number }; proposals: Scored[] }>(tagged: T[], existing: readonly Coding[]): Gated<T> {
  const finished = existing.length > 0 && existing.every((c) => c.status !== 'proposed');
  if (!finished) return { tagged, finished, withheld: 0 };
  const stored = new Set(existing.map((c) => `${c.segmentIndex}\0${c.code}`));
  let withheld = 0;
  const gated = tagged.map((t) => ({
    ...t,
    proposals: t.proposals.filter((p, rank) => {
      if (stored.has(`${t.segment.index}\0${p.code}`)) return true;
      const keep = proposalConfidence(p, rank) >= RETAG_REOPEN_MIN_CONFIDENCE;
      if (!keep) withheld++;
      return keep;
    }),
  }));
  return { tagged: gated, finished, withheld };
}
