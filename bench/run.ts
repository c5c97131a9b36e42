// `npm run bench [-- name...]`: runs every bench/*.bench.ts (or the named ones), prints a table per
// benchmark and writes bench/results/<name>.json. Each module default-exports a function returning a BenchReport.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchReport } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
await mkdir(path.join(here, 'results'), { recursive: true });

let failed = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (wanted.length && !wanted.includes(name)) continue;
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: () => Promise<BenchReport> };
  console.log(`\n## ${name}`);
  try {
    const report = await mod.default();
    console.table(report.rows);
    for (const line of report.notes ?? []) console.log(`  ${line}`);
    for (const t of report.targets ?? []) console.log(`  target ${t.met ? 'MET ' : 'MISSED'}  ${t.name}: ${t.actual} (want ${t.want})`);
    const out = path.join(here, 'results', `${name}.json`);
    await writeFile(out, JSON.stringify({ ...report, at: new Date().toISOString(), node: process.version }, null, 2));
    console.log(`  wrote ${path.relative(process.cwd(), out)}`);
  } catch (e) {
    failed++;
    console.error(`  ${name} failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
process.exitCode = failed ? 1 : 0;
