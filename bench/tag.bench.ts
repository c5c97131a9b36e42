// Tagging throughput: 1 MB and 10 MB of the corpus documents' text (generated Dutch-like text when
// ../shared is absent), codebooks of 20, 200 and 2,000 rules, against a naive baseline that runs one
// regular expression per rule per segment, in the same run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCodebook } from '../lib/codebook/index.js';
import { compileTagger, type Tagger } from '../lib/tag/index.js';
import { buildProposer } from '../lib/tag/propose.js';
import { peakRssMb, type BenchReport, type BenchTarget } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;

function corpusText(notes: string[]): string {
  const shared = [process.env.QUALTAG_SHARED, path.resolve(root, '../shared')].find((p) => p && existsSync(path.join(p, 'corpus')));
  if (shared) {
    const dirs = [path.join(shared, 'corpus/documents'), path.join(shared, 'corpus/transcripts/zoetermeer-2021')];
    const texts = dirs.flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.txt'))
        .map((f) => readFileSync(path.join(d, f), 'utf8')),
    );
    notes.push(`text: the ${texts.length} .txt files of ../shared/corpus (documents + transcripts), repeated`);
    return texts.join('\n\n');
  }
  notes.push('../shared not found: using generated Dutch-like text (figures are indicative only)');
  const words =
    'de het een samenwerking gemeente politie informatie-uitwisseling vertrouwen ondermijning aanpak kennis partners doelen belangen samenwerkingsverband capaciteit'.split(
      ' ',
    );
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const paras: string[] = [];
  for (let p = 0; p < 2000; p++) paras.push(`${Array.from({ length: 60 }, () => words[Math.floor(rnd() * words.length)]).join(' ')}.`);
  return paras.join('\n\n');
}

/** Segments (paragraphs) adding up to about `bytes` of text. */
function segmentsOf(text: string, bytes: number): string[] {
  const paras = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 20);
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = paras[i % paras.length]!;
    out.push(p);
    size += Buffer.byteLength(p);
  }
  return out;
}

/** A synthetic codebook of `n` rules built from the text's own words: terms, stem*, phrases, AND, NEAR. */
function syntheticCodebook(text: string, n: number): string {
  const vocab = [...new Set(text.toLowerCase().match(/\p{L}{5,}/gu) ?? [])].sort();
  let seed = n;
  const pick = () => vocab[(seed = (seed * 48271) % 2147483647) % vocab.length]!;
  const rules: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 5;
    rules.push(
      kind === 0
        ? pick()
        : kind === 1
          ? `${pick().slice(0, 5)}*`
          : kind === 2
            ? `"${pick()} ${pick()}"`
            : kind === 3
              ? `${pick()} AND ${pick()}`
              : `${pick()} NEAR/5 ${pick()}`,
    );
  }
  const codes = [];
  for (let i = 0; i < rules.length; i += 10) codes.push({ id: `c/${i}`, name: `code ${i}`, rules: rules.slice(i, i + 10) });
  return JSON.stringify({ id: `bench-${n}`, language: 'nl', categories: [{ id: 'c', name: 'C', codes }] });
}

/** The naive baseline: one case-insensitive RegExp per rule (its words as alternatives), per segment. */
function naiveTagger(rules: string[]): (segment: string) => number {
  const regexes = rules.map((r) => {
    const words = (r.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !['AND', 'NEAR'].includes(w));
    return new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'iu');
  });
  return (segment) => {
    let hits = 0;
    for (const re of regexes) if (re.test(segment)) hits++;
    return hits;
  };
}

// CPU seconds of this process (user + system): the targets are per core, and the machine may be shared.
// Each measurement is repeated and the median kept, so a burst of load from other processes on the
// machine does not decide the figure; wall time is reported beside it.
const REPEATS = Number(process.env.QUALTAG_BENCH_REPEATS ?? 5);
const SLICES = 10;
let lastWall = 0;
function time(fn: () => void, repeats = REPEATS): number {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  lastWall = median(wall);
  return median(cpu);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export default async function bench(): Promise<BenchReport> {
  const notes: string[] = [];
  const text = corpusText(notes);
  const sizes = [1, 10];
  const ruleCounts = [20, 200, 2000];
  const rows: BenchReport['rows'] = [];
  const seconds = new Map<string, number>();
  const segmentsBySize = new Map(sizes.map((s) => [s, segmentsOf(text, s * MB)]));
  const taggers = new Map<number, { cb: ReturnType<typeof parseCodebook>; tagger: Tagger; compileS: number }>();
  for (const rules of ruleCounts) {
    const cb = parseCodebook(syntheticCodebook(text, rules), `bench-${rules}.json`);
    let tagger!: Tagger;
    const compileS = time(() => (tagger = compileTagger(cb, { suggest: false })), 1);
    for (const seg of segmentsBySize.get(1)!) tagger.tag(seg); // warm the per-word analysis, as a long-running tagger is
    taggers.set(rules, { cb, tagger, compileS });
  }
  // The text is cut into ten slices and each slice is tagged with every codebook in turn (the order
  // rotating from slice to slice), so a burst of load from other processes falls on all rule counts
  // alike and the ratio between 2,000 and 20 rules stays fair. A figure is the total over the slices,
  // the median of the repetitions.
  for (const size of sizes) {
    const runs = new Map<number, { cpu: number[]; wall: number[]; proposals: number }>(ruleCounts.map((r) => [r, { cpu: [], wall: [], proposals: 0 }]));
    const segments = segmentsBySize.get(size)!;
    const step = Math.ceil(segments.length / SLICES);
    const repeats = REPEATS;
    for (let rep = 0; rep < repeats; rep++) {
      const cpu = new Map(ruleCounts.map((r) => [r, 0]));
      const wall = new Map(ruleCounts.map((r) => [r, 0]));
      const proposals = new Map(ruleCounts.map((r) => [r, 0]));
      for (let slice = 0; slice < SLICES; slice++) {
        const part = segments.slice(slice * step, (slice + 1) * step);
        for (let k = 0; k < ruleCounts.length; k++) {
          const rules = ruleCounts[(slice + k) % ruleCounts.length]!;
          const { tagger } = taggers.get(rules)!;
          let found = 0;
          cpu.set(
            rules,
            cpu.get(rules)! +
              time(() => {
                for (const seg of part) found += tagger.tag(seg).length;
              }, 1),
          );
          wall.set(rules, wall.get(rules)! + lastWall);
          proposals.set(rules, proposals.get(rules)! + found);
        }
      }
      for (const rules of ruleCounts) {
        const run = runs.get(rules)!;
        run.cpu.push(cpu.get(rules)!);
        run.wall.push(wall.get(rules)!);
        run.proposals = proposals.get(rules)!;
      }
    }
    for (const rules of ruleCounts) {
      const run = runs.get(rules)!;
      const s = median(run.cpu);
      seconds.set(`q${rules}@${size}`, s);
      rows.push({
        engine: 'qualtag',
        rules,
        MB: size,
        cpu_s: +s.toFixed(3),
        wall_s: +median(run.wall).toFixed(3),
        'MB/s per core': +(size / s).toFixed(1),
        compile_ms: Math.round(taggers.get(rules)!.compileS * 1000),
        proposals: run.proposals,
      });
    }
  }
  for (const rules of ruleCounts) {
    const { cb } = taggers.get(rules)!;
    const naive = naiveTagger(cb.categories.flatMap((c) => c.codes.flatMap((k) => k.rules)));
    const segments = segmentsBySize.get(1)!;
    let hits = 0;
    const s = time(
      () => {
        hits = 0;
        for (const seg of segments) hits += naive(seg);
      },
      rules >= 2000 ? 1 : 3,
    );
    seconds.set(`n${rules}@1`, s);
    rows.push({
      engine: 'naive RegExp',
      rules,
      MB: 1,
      cpu_s: +s.toFixed(3),
      wall_s: +lastWall.toFixed(3),
      'MB/s per core': +(1 / s).toFixed(2),
      compile_ms: 0,
      proposals: hits,
    });
  }
  notes.push('naive baseline measured on 1 MB only (at 2,000 rules 10 MB takes minutes); per core, single thread');
  notes.push(
    `peak RSS ${peakRssMb()} MB; times are the median CPU seconds of this process over ${REPEATS} runs, each interleaving the rule counts slice by slice (1-3 for the naive baseline; wall_s is the median wall time; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`,
  );
  const mbps = 10 / seconds.get('q2000@10')!;
  const scale = seconds.get('q2000@10')! / seconds.get('q20@10')!;
  const speedup = seconds.get('n2000@1')! / seconds.get('q2000@1')!;
  const targets: BenchTarget[] = [
    { name: 'throughput per core, 10 MB at 2,000 rules', want: '≥ 10 MB/s', actual: `${mbps.toFixed(1)} MB/s`, met: mbps >= 10 },
    { name: 'time at 2,000 rules vs 20 rules (10 MB)', want: '≤ 1.5×', actual: `${scale.toFixed(2)}×`, met: scale <= 1.5 },
    { name: 'speed-up over naive RegExp at 2,000 rules (1 MB)', want: '≥ 20×', actual: `${speedup.toFixed(1)}×`, met: speedup >= 20 },
  ];
  await learnedRows(text, segmentsBySize, rows, notes);
  return { rows, targets, notes };
}

/**
 * The learned proposer (lib/tag/propose.ts) on a real codebook: training time from the codebook alone
 * and with 100 and 1,000 labelled passages (corpus paragraphs given codes in turn), and its tagging
 * throughput on 1 and 10 MB beside the rules alone on the same codebook, in the same run.
 */
async function learnedRows(_text: string, segmentsBySize: Map<number, string[]>, rows: BenchReport['rows'], notes: string[]): Promise<void> {
  const shared = [process.env.QUALTAG_SHARED, path.resolve(root, '../shared')].find(
    (p) => p && existsSync(path.join(p, 'corpus/codebooks/zoetermeer-2021.yaml')),
  );
  const file = shared ? path.join(shared, 'corpus/codebooks/zoetermeer-2021.yaml') : path.join(root, 'examples/codebook.yaml');
  const cb = parseCodebook(readFileSync(file, 'utf8'), path.basename(file));
  const codes = cb.categories.flatMap((c) => c.codes.map((k) => k.id));
  const paragraphs = segmentsBySize.get(1)!;
  const tagger = compileTagger(cb);
  let proposer = buildProposer(cb, { tagger });
  for (const n of [0, 100, 1000]) {
    const labelled = paragraphs
      .slice(0, n)
      .map((t, i) => ({ text: t, accepted: [codes[i % codes.length]!], rejected: i % 7 === 0 ? [codes[(i + 1) % codes.length]!] : [] }));
    const s = time(() => (proposer = buildProposer(cb, { tagger, labelled })), n >= 1000 ? 1 : 3);
    rows.push({
      engine: `learned: train, ${n} passages`,
      rules: codes.length,
      MB: 0,
      cpu_s: +s.toFixed(3),
      wall_s: +lastWall.toFixed(3),
      'MB/s per core': 0,
      compile_ms: Math.round(s * 1000),
      proposals: 0,
    });
  }
  for (const size of [1, 10]) {
    const segments = segmentsBySize.get(size)!;
    for (const [engine, tag] of [
      ['learned proposer (1,000 passages)', (t: string) => proposer.tag(t)],
      ['rules only, same codebook', (t: string) => tagger.tag(t)],
    ] as const) {
      let found = 0;
      const s = time(
        () => {
          found = 0;
          for (const seg of segments) found += tag(seg).length;
        },
        size >= 10 ? 1 : 3,
      );
      rows.push({
        engine,
        rules: codes.length,
        MB: size,
        cpu_s: +s.toFixed(3),
        wall_s: +lastWall.toFixed(3),
        'MB/s per core': +(size / s).toFixed(2),
        compile_ms: 0,
        proposals: found,
      });
    }
  }
  notes.push(
    `learned proposer: codebook ${cb.id} (${codes.length} codes); training = ranker + calibration (3-fold cross-validation when there are at least 12 labelled passages); compile_ms of a training row is its time; rules-only rows are the reference on the same codebook`,
  );
}
