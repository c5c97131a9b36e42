// Extraction in worker processes with hard limits: a flate bomb is refused by its inflated size, and when
// that check is switched off the worker is killed at the time or memory limit, while the caller's event
// loop keeps running. The pool takes the next file afterwards.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { QualtagError } from '../../../lib/errors.js';
import { extractFile } from '../../../lib/extract/index.js';
import { flateStreams } from '../../../lib/extract/pdf-inflate-check.js';
import { ExtractPool, extractBounded } from '../../../lib/extract/pool.js';
import { makeFlateBomb } from '../../fixtures/extract/make-bomb.js';
import { makePdf } from '../../fixtures/extract/make-pdf.js';
import { describeEachPdfSource, popplerInstalled } from '../../helpers/pdf-sources.js';
import { fixture } from './fixtures.js';

// Marks the processes this file starts (workers inherit it, and their pdftotext from them).
const mark = `QUALTAG_TEST_MARK=pool-${process.pid}`;
process.env.QUALTAG_TEST_MARK = mark.split('=')[1];

/** Live pdftotext/pdfinfo processes started from this test file (a killed one may linger a moment as a zombie). */
function runningPoppler(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return /^\d+ \((?:pdftotext|pdfinfo)\) [^Z]/.test(stat) && readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(mark);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const bomb = makeFlateBomb(); // 1 GiB of text operators in a ~3 MB file

async function failure(p: Promise<unknown>): Promise<QualtagError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof QualtagError) return e;
    throw e;
  }
  throw new Error('expected the extraction to fail');
}

/** Runs `fn` while measuring the longest gap between 20 ms timer ticks of this process. */
async function withLoopLag<T>(fn: () => Promise<T>): Promise<{ result: T; maxLagMs: number }> {
  let last = performance.now();
  let maxLagMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last - 20);
    last = now;
  }, 20);
  try {
    return { result: await fn(), maxLagMs };
  } finally {
    clearInterval(timer);
  }
}

describe('flateStreams', () => {
  it('finds the Flate content stream of the bomb and skips unfiltered and image streams', () => {
    expect(flateStreams(Buffer.from(bomb))).toHaveLength(1);
    expect(flateStreams(Buffer.from(makePdf([{ lines: ['een'] }, 'image'])))).toEqual([]);
  });
});

describeEachPdfSource('extraction in the worker pool', (pdfSource) => {
  const pool = new ExtractPool({ size: 1, pdfSource });
  afterAll(() => pool.close());

  it('gives the same document as extracting in this process', async () => {
    const pdf = makePdf([{ lines: ['Interviewer: Hoe gaat het?', 'Respondent 1: Goed, dank u.', '', 'Interviewer: Mooi.', 'Respondent 1: Ja.'] }]);
    expect(await pool.extract(pdf, 'kort.pdf')).toEqual(await extractFile(pdf, 'kort.pdf', { pdfSource }));
  }, 60_000);

  it('refuses the flate bomb as TOO_LARGE by its inflated size, well within the time limit', async () => {
    const e = await failure(pool.extract(bomb, 'bomb.pdf'));
    expect(e.kind).toBe('TOO_LARGE');
    expect(e.where).toBe('bomb.pdf');
    expect(e.message).toMatch(/^bomb\.pdf: the PDF's compressed content expands to more than 256 MB/);
  }, 60_000);

  it('kills a worker that runs over the wall time (TIMEOUT), without blocking this event loop, and goes on', async () => {
    // pdftotext grows much faster than pdf.js on the bomb (it keeps every word of the page, about 0.65 GB/s
    // on a free core): a shorter wall time and more room, so the clock stops it first.
    const [timeoutMs, maxMemoryMb] = pdfSource === 'pdftotext' ? [1000, 2048] : [3000, 512];
    const { result: e, maxLagMs } = await withLoopLag(() => failure(pool.extract(bomb, 'bomb.pdf', { maxInflatedBytes: Infinity, timeoutMs, maxMemoryMb })));
    expect(e.kind).toBe('TIMEOUT');
    expect(e.describe()).toMatch(new RegExp(`^bomb\\.pdf: reading the file took longer than ${timeoutMs / 1000} s and was stopped\\. `));
    expect(maxLagMs).toBeLessThan(1000); // in this process pdf.js would have held the loop for minutes
    const doc = await pool.extract(makePdf([{ lines: ['Daarna gewoon verder.'] }]), 'daarna.pdf');
    expect(doc.text).toBe('Daarna gewoon verder.');
  }, 60_000);

  it('kills a worker that grows over its memory limit (TOO_LARGE)', async () => {
    const e = await failure(pool.extract(bomb, 'bomb.pdf', { maxInflatedBytes: Infinity, maxMemoryMb: 160, timeoutMs: 55_000 }));
    expect(e.kind).toBe('TOO_LARGE');
    expect(e.message).toBe('bomb.pdf: reading the file needed more than 160 MB of memory and was stopped');
    // Nothing the worker started outlives it.
    await new Promise((r) => setTimeout(r, 200));
    expect(runningPoppler()).toEqual([]);
  }, 60_000);
});

describe('extractBounded', () => {
  it('reads small text files in this process and PDFs in the pool, with the same errors', async () => {
    const doc = await extractBounded(fixture('interview.txt'), 'interview.txt');
    expect(doc.format).toBe('txt');
    const e = await failure(extractBounded(makePdf(['image']), 'scan.pdf'));
    expect(e.kind).toBe('NO_TEXT_LAYER');
    expect(e.where).toBe('scan.pdf');
    expect((await failure(extractBounded(new Uint8Array(0), 'leeg.txt'))).kind).toBe('EMPTY_FILE');
  }, 60_000);
});

// The CLI reads PDFs with pdftotext from its own process (no Node worker): poppler is the process that parses
// the untrusted file, and it is held to the same limits.
describe.skipIf(!popplerInstalled)('extractBounded with popplerInProcess (the CLI)', () => {
  const pool = new ExtractPool({ size: 1, pdfSource: 'pdftotext' });
  afterAll(() => pool.close());
  const inProcess = { pool, popplerInProcess: true };

  it('reads a PDF without a worker and gives the same document as the pool', async () => {
    const pdf = makePdf([{ lines: ['Interviewer: Hoe gaat het?', 'Respondent 1: Goed, dank u.'] }, 'image']);
    const doc = await extractBounded(pdf, 'kort.pdf', {}, inProcess);
    expect(doc).toEqual(await pool.extract(pdf, 'kort.pdf'));
    expect(doc.pages).toBe(2); // the page without words counts (from pdftotext's page rows)
  }, 60_000);

  it('refuses the flate bomb by its inflated size', async () => {
    const e = await failure(extractBounded(bomb, 'bomb.pdf', {}, inProcess));
    expect(e.kind).toBe('TOO_LARGE');
    expect(e.message).toMatch(/^bomb\.pdf: the PDF's compressed content expands to more than 256 MB/);
  }, 60_000);

  it('kills pdftotext at the wall time (TIMEOUT) without blocking this event loop', async () => {
    const started = performance.now();
    const { result: e, maxLagMs } = await withLoopLag(() =>
      failure(extractBounded(bomb, 'bomb.pdf', { maxInflatedBytes: Infinity, timeoutMs: 1000, maxMemoryMb: 2048 }, inProcess)),
    );
    expect(e.kind).toBe('TIMEOUT');
    expect(e.describe()).toMatch(/^bomb\.pdf: reading the file took longer than 1 s and was stopped\. /);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(maxLagMs).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(runningPoppler()).toEqual([]);
  }, 60_000);

  it('kills pdftotext over the memory limit (TOO_LARGE)', async () => {
    const e = await failure(extractBounded(bomb, 'bomb.pdf', { maxInflatedBytes: Infinity, maxMemoryMb: 160, timeoutMs: 55_000 }, inProcess));
    expect(e.kind).toBe('TOO_LARGE');
    expect(e.message).toBe('bomb.pdf: reading the file needed more than 160 MB of memory and was stopped');
    await new Promise((r) => setTimeout(r, 200));
    expect(runningPoppler()).toEqual([]);
  }, 60_000);
});
