// Review progress per code: how many proposals still wait for a decision, in how many documents, and how
// often reviewers accepted the tagger's proposals of the code so far. Tells a team where review work is
// left and which codes' rules propose poorly. Counts every status (the `status` option does not apply).
import * as z from 'zod';
import { defineReport } from './define.js';
import { codeList, taggerProposed } from './reports.js';
import { CodeRef } from './schemas.js';

export const ReviewProgressReport = z.object({
  codes: z.array(
    CodeRef.extend({
      /** Undecided proposals. */
      open: z.number().int(),
      /** Documents with undecided proposals of the code. */
      documentsOpen: z.number().int(),
      accepted: z.number().int(),
      rejected: z.number().int(),
      /** Of the accepted: codings the tagger never proposed (a reviewer added them). */
      added: z.number().int(),
      /** Accepted share of the tagger's decided proposals; null before the first decision. */
      acceptRate: z.number().nullable(),
    }),
  ),
  open: z.number().int(),
  documentsOpen: z.number().int(),
});
export type ReviewProgressReport = z.infer<typeof ReviewProgressReport>;

/** One coding (or an aggregate row of `n` alike) as this report counts it. */
interface Counted {
  code: string;
  categoryId: string;
  documentId: string;
  status: 'proposed' | 'accepted' | 'rejected';
  tagger: boolean;
  n: number;
}

function progress(codebook: Parameters<typeof codeList>[0], counted: readonly Counted[], category: string | undefined): ReviewProgressReport {
  const rows = counted.filter((c) => !category || c.categoryId === category);
  const tally = new Map<
    string,
    { open: number; docs: Set<string>; accepted: number; rejected: number; added: number; taggerAccepted: number; taggerRejected: number }
  >();
  for (const c of rows) {
    const t =
      tally.get(c.code) ??
      tally.set(c.code, { open: 0, docs: new Set(), accepted: 0, rejected: 0, added: 0, taggerAccepted: 0, taggerRejected: 0 }).get(c.code)!;
    if (c.status === 'proposed') {
      t.open += c.n;
      t.docs.add(c.documentId);
    } else if (c.status === 'accepted') {
      t.accepted += c.n;
      if (c.tagger) t.taggerAccepted += c.n;
      else t.added += c.n;
    } else {
      t.rejected += c.n;
      if (c.tagger) t.taggerRejected += c.n;
    }
  }
  const codes = codeList(codebook, rows, category).map((info) => {
    const t = tally.get(info.code);
    const decided = (t?.taggerAccepted ?? 0) + (t?.taggerRejected ?? 0);
    return {
      ...info,
      open: t?.open ?? 0,
      documentsOpen: t?.docs.size ?? 0,
      accepted: t?.accepted ?? 0,
      rejected: t?.rejected ?? 0,
      added: t?.added ?? 0,
      acceptRate: decided ? Math.round((t!.taggerAccepted / decided) * 10_000) / 10_000 : null,
    };
  });
  const openDocs = new Set(rows.filter((c) => c.status === 'proposed').map((c) => c.documentId));
  return { codes, open: codes.reduce((s, c) => s + c.open, 0), documentsOpen: openDocs.size };
}

export const reviewProgress = defineReport({
  kind: 'review-progress',
  key: 'reviewProgress',
  title: 'Review progress per code: open proposals, decisions, and how often proposals were accepted',
  schema: ReviewProgressReport,
  compute: (input, opts) =>
    progress(
      input.codebook,
      input.documents.flatMap((d) =>
        d.rows.map((r) => ({ code: r.code, categoryId: r.categoryId, documentId: d.id, status: r.status, tagger: r.tagger, n: r.n })),
      ),
      opts.category,
    ),
  recompute: (input, opts) =>
    progress(
      input.codebook,
      input.codings.map((c) => ({ code: c.code, categoryId: c.categoryId, documentId: c.documentId, status: c.status, tagger: taggerProposed(c), n: 1 })),
      opts.category,
    ),
  tables: (r) => [
    {
      title: `Review progress (${r.open} open proposals in ${r.documentsOpen} documents)`,
      header: ['category', 'code', 'name', 'open', 'documents_open', 'accepted', 'rejected', 'added', 'accept_rate_%'],
      rows: r.codes.map((c) => [
        c.categoryId,
        c.code,
        c.name,
        c.open,
        c.documentsOpen,
        c.accepted,
        c.rejected,
        c.added,
        c.acceptRate === null ? null : Math.round(c.acceptRate * 1000) / 10,
      ]),
    },
  ],
});
