// `qualtag code <file...> --codebook <file>`: extract, segment and tag files; one JSON object per
// segment (the segment fields plus ranked proposals), or a table or CSV.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { isQualtagError } from '../../errors.js';
import { extractBounded } from '../../extract/pool.js';
import type { Proposal, Segment, SegmentUnit } from '../../model.js';
import { segmentDocument } from '../../segment/index.js';
import { languageMismatch } from '../../tag/detect-language.js';
import { buildProposer } from '../../tag/propose.js';
import { tagSegments, type SegmentPlan, type SkipReason } from '../../tag/structure.js';
import { loadCodebookFile, positiveInt } from './codebook-file.js';

interface CodeOptions {
  codebook: string;
  unit?: SegmentUnit;
  format: 'jsonl' | 'table' | 'csv';
  top: number;
  minConfidence?: number;
}

/** A CSV cell, quoted, with spreadsheet formulas neutralised (=, +, -, @ at the start). */
export function csvCell(value: string | number | null | undefined): string {
  let s = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_HEADER = ['document', 'segment', 'start', 'end', 'speaker', 'respondent', 'rank', 'code', 'score', 'evidence', 'text'];

/** The words behind a proposal: segment spans as quoted; context spans marked as from the question; a classifier note as is. */
function evidenceTexts(seg: Segment, p: Proposal, context: string | undefined): string[] {
  const texts = p.evidence.map((e) => {
    if (e.source === 'classifier' || e.source === 'example') return e.rule;
    if (e.source === 'context') {
      const q = (context ?? '').slice(e.start, e.end).replace(/\s+/g, ' ');
      return `question: ${q.length > 60 ? `${q.slice(0, 60)}…` : q}`;
    }
    return seg.text.slice(e.start, e.end);
  });
  return [...new Set(texts)];
}

function csvRows(document: string, seg: Segment, proposals: Proposal[], context?: string): string[] {
  const base = [document, seg.id, seg.start, seg.end, seg.speaker, seg.respondent];
  if (!proposals.length) return [[...base, '', '', '', '', seg.text].map(csvCell).join(',')];
  return proposals.map((p, i) => {
    const evidence = evidenceTexts(seg, p, context).join('; ');
    return [...base, i + 1, p.code, p.score, evidence, seg.text].map(csvCell).join(',');
  });
}

const SKIP_NOTE: Record<SkipReason, string> = { interviewer: 'interviewer turn: context only', title: 'title or metadata line' };

function tableRow(document: string, seg: Segment, proposals: Proposal[], plan: SegmentPlan): string {
  const head = `${document} ${seg.id}${seg.speaker ? ` [${seg.speaker}]` : ''}: ${seg.text.replace(/\s+/g, ' ').slice(0, 100)}${seg.text.length > 100 ? '…' : ''}`;
  const lines = proposals.map((p) => {
    const words = evidenceTexts(seg, p, plan.context).slice(0, 6).join(', ');
    return `    ${p.score.toFixed(2).padStart(6)}  ${p.code}  (${words})`;
  });
  return [head, ...(lines.length ? lines : [`    (no proposals${plan.skip ? `: ${SKIP_NOTE[plan.skip]}` : ''})`])].join('\n');
}

export function registerCode(program: Command): void {
  program
    .command('code')
    .description('Propose codes from a codebook for every segment of the given files')
    .argument('<file...>', 'transcripts, documents or survey files (PDF, DOCX, TXT, MD, VTT, SRT, CSV, JSONL)')
    .requiredOption('--codebook <file>', 'codebook (YAML, CSV or REFI-QDA .qdc)')
    .addOption(new Option('--unit <unit>', 'segment unit').choices(['turn', 'paragraph', 'sentence']))
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'table', 'csv']).default('jsonl'))
    .option('--top <k>', 'at most k proposals per segment', positiveInt, 3)
    .option('--min-confidence <p>', 'drop proposals whose confidence (0..1) is below this', Number)
    .action(async (files: string[], opts: CodeOptions) => {
      const cb = await loadCodebookFile(opts.codebook);
      // The same proposer as the pipeline gives a project without decisions: the codebook and its anchor examples.
      const proposer = buildProposer(cb);
      const out = process.stdout;
      if (opts.format === 'csv') out.write(`${CSV_HEADER.join(',')}\n`);
      let failed = 0;
      for (const file of files) {
        const document = path.basename(file);
        try {
          const bytes = new Uint8Array(await readFile(file));
          const doc = await extractBounded(bytes, document, {}, { popplerInProcess: true });
          const segments = segmentDocument(doc, { ...(opts.unit ? { unit: opts.unit } : {}), documentId: document });
          // The same segments, contexts and skips as an upload of the file (lib/tag/structure.ts).
          const tagged = tagSegments(proposer, segments, {
            format: doc.format,
            topK: opts.top,
            ...(opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {}),
          });
          const languageWarning = languageMismatch(
            cb.language,
            tagged.filter((t) => t.plan.taggable).map((t) => t.segment.text),
          );
          if (languageWarning) process.stderr.write(`qualtag: warning: ${document}: ${languageWarning}\n`);
          for (const { segment: seg, plan, proposals } of tagged) {
            if (opts.format === 'jsonl')
              out.write(`${JSON.stringify({ document, ...seg, codebookVersion: cb.version, ...(plan.skip ? { skip: plan.skip } : {}), proposals })}\n`);
            else if (opts.format === 'csv') out.write(`${csvRows(document, seg, proposals, plan.context).join('\n')}\n`);
            else out.write(`${tableRow(document, seg, proposals, plan)}\n`);
          }
        } catch (e) {
          failed++;
          const why = isQualtagError(e) ? e.describe() : e instanceof Error ? e.message : String(e);
          process.stderr.write(`qualtag: ${document}: ${why}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
