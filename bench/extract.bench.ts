// Extraction speed on the corpus PDFs: qualtag (pdf.js + layout) against poppler's pdftotext
// in the same run, in pages per second, plus peak memory; and segmentation speed on the transcripts.
// Skips with a note when ../shared is absent. Targets are informational.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile } from '../lib/extract/index.js';
import { segmentDocument } from '../lib/segment/index.js';
import { peakRssMb, type BenchReport } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = [process.env.QUALTAG_SHARED, path.resolve(root, '../shared')].find((p): p is string => Boolean(p) && existsSync(path.join(p!, 'corpus')));
const RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function pdftotextMs(file: string): number | null {
  const t0 = performance.now();
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) return null;
  return performance.now() - t0;
}

export default async function bench(): Promise<BenchReport> {
  if (!shared) return { rows: [], notes: ['../shared/corpus not found: nothing to measure (clone the shared material beside the project)'] };
  const docs = path.join(shared, 'corpus/documents');
  const rows: BenchReport['rows'] = [];
  const notes: string[] = [];
  const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
  if (!hasPoppler) notes.push('pdftotext not installed (apt-get install poppler-utils): comparison column left empty');

  let totalPages = 0;
  let totalMs = 0;
  const startRss = peakRssMb();
  for (const f of readdirSync(docs)
    .filter((n) => n.endsWith('.pdf'))
    .sort()) {
    const bytes = new Uint8Array(readFileSync(path.join(docs, f)));
    await extractFile(bytes, f); // warm-up (pdf.js compiles fonts and code paths once)
    const ours: number[] = [];
    let pages = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const doc = await extractFile(bytes, f);
      ours.push(performance.now() - t0);
      pages = doc.pages ?? 0;
    }
    const poppler = hasPoppler ? [...Array(RUNS)].map(() => pdftotextMs(path.join(docs, f))).filter((x): x is number => x !== null) : [];
    const ms = median(ours);
    totalPages += pages;
    totalMs += ms;
    rows.push({
      file: f,
      pages,
      'qualtag ms': Math.round(ms),
      'qualtag pages/s': Math.round((pages / ms) * 1000),
      'pdftotext ms': poppler.length ? Math.round(median(poppler)) : '',
      'pdftotext pages/s': poppler.length ? Math.round((pages / median(poppler)) * 1000) : '',
    });
  }

  // Segmentation of the transcripts (pure functions), as the pipeline runs it: 100 transcripts.
  const tdir = path.join(shared, 'corpus/transcripts/zoetermeer-2021');
  const transcripts = await Promise.all(
    readdirSync(tdir)
      .filter((n) => n.startsWith('respondent-') && n.endsWith('.txt') && !n.includes('.otter.'))
      .map((n) => extractFile(new Uint8Array(readFileSync(path.join(tdir, n))), n)),
  );
  const t0 = performance.now();
  let segments = 0;
  for (let i = 0; i < 100; i++) {
    const doc = transcripts[i % transcripts.length]!;
    for (const unit of ['turn', 'sentence'] as const) segments += segmentDocument(doc, { unit }).length;
  }
  const segMs = performance.now() - t0;
  rows.push({
    file: '100 transcripts: turns + sentences',
    pages: '',
    'qualtag ms': Math.round(segMs),
    'qualtag pages/s': '',
    'pdftotext ms': '',
    'pdftotext pages/s': '',
  });

  const overall = (totalPages / totalMs) * 1000;
  notes.push(`median of ${RUNS} runs after a warm-up; qualtag overall ${overall.toFixed(0)} pages/s over ${totalPages} pages`);
  notes.push(`segmentation: ${segments} segments in ${segMs.toFixed(0)} ms`);
  notes.push(`peak RSS ${peakRssMb()} MB (${startRss} MB before the PDFs)`);
  notes.push(`machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (other work on the machine slows both columns alike)`);
  return {
    rows,
    notes,
    targets: [
      { name: 'PDF extraction speed', want: '>= 20 pages/s', actual: `${overall.toFixed(0)} pages/s`, met: overall >= 20 },
      { name: 'peak memory (fits a 1024 MB ingest Lambda)', want: '<= 1024 MB', actual: `${peakRssMb()} MB`, met: peakRssMb() <= 1024 },
      { name: 'segment 100 transcripts (turns + sentences)', want: '< 1000 ms', actual: `${segMs.toFixed(0)} ms`, met: segMs < 1000 },
    ],
  };
}
