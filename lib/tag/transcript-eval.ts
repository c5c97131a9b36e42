// Gold answers in real transcripts (../shared/corpus/transcripts/<study>/index.jsonl): each line names a
// transcript file beside the index and its respondent answers in order with their gold code. The file
// is extracted and segmented as an upload would be; the respondent turns, in order, are the answers,
// each with the nearest preceding interviewer turn as its context.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { QualtagError } from '../errors.js';
import { extractFile } from '../extract/index.js';
import { segmentDocument } from '../segment/index.js';
import { parseJsonLines } from './jsonl.js';
import type { GoldItem } from './eval.js';
import { segmentPlans } from './structure.js';

const TranscriptEntry = z.object({
  file: z.string().min(1),
  answers: z
    .array(
      z.object({
        code: z.string().min(1),
        also: z
          .array(z.string())
          .nullish()
          .transform((v) => v ?? []),
      }),
    )
    .min(1),
});

export interface TranscriptAnswer extends GoldItem {
  /** The interviewer turn before the answer, if any. */
  context?: string;
  file: string;
}

export interface TranscriptGold {
  items: TranscriptAnswer[];
  /** Files that could not be used, with the reason (one bad file does not sink the others). */
  skipped: Array<{ file: string; reason: string }>;
}

/** Reads an index.jsonl and its transcripts into gold answers with their interviewer context. */
export async function loadTranscriptGold(indexPath: string): Promise<TranscriptGold> {
  let text: string;
  try {
    text = await readFile(indexPath, 'utf8');
  } catch {
    throw new QualtagError('NOT_FOUND', `cannot read the transcript index ${indexPath}`, 'Check the path given to --transcripts', indexPath);
  }
  const dir = path.dirname(indexPath);
  const name = path.basename(indexPath);
  const out: TranscriptGold = { items: [], skipped: [] };
  for (const entry of parseJsonLines(text, name, TranscriptEntry, '{"file": ..., "answers": [{"code": ..., "also"?: [...]}]}')) {
    try {
      const bytes = await readFile(path.join(dir, entry.file));
      const doc = await extractFile(bytes, entry.file);
      const segments = segmentDocument(doc, { unit: 'turn' });
      // The respondent turns an upload would tag, with the same context (lib/tag/structure.ts).
      const plans = segmentPlans(segments, doc.format);
      const answers = segments
        .map((s, j) => ({ s, context: plans[j]!.context, taggable: plans[j]!.taggable }))
        .filter((a) => a.taggable && a.s.respondent !== null);
      if (answers.length !== entry.answers.length) {
        out.skipped.push({ file: entry.file, reason: `${answers.length} respondent turns but ${entry.answers.length} gold answers` });
        continue;
      }
      answers.forEach((a, j) => {
        const gold = entry.answers[j]!;
        out.items.push({ id: `${entry.file}#${j + 1}`, text: a.s.text, code: gold.code, also: gold.also, context: a.context, file: entry.file });
      });
    } catch (err) {
      out.skipped.push({ file: entry.file, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
