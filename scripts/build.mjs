#!/usr/bin/env node
// Compiles TypeScript to JavaScript with esbuild (a devDependency).
//   node scripts/build.mjs                 the CLI: dist/qualtag.mjs and dist/extract-worker.mjs, one chunk
//                                          per command so each command loads only its own modules
//                                          (run by `npm ci`/`npm install` through `prepare`, and by `npm start`)
//   node scripts/build.mjs worker <file>   the extraction worker as one file, for the ingest Lambda bundle
//                                          (its packages bundled, pdfjs-dist left to the Lambda's node_modules)
// Packages stay in node_modules for the CLI: the cost was never resolving them but compiling TypeScript at
// every start. Without esbuild (a production install) the CLI keeps running the sources through tsx.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.join(root, 'dist');
const STAMP = 'build-stamp.json';

/** The newest modification time among the sources the CLI is built from. */
export function newestSource() {
  let newest = statSync(path.join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(path.join(root, 'lib'));
  return newest;
}

async function esbuild() {
  try {
    return await import('esbuild');
  } catch {
    return null;
  }
}

export async function buildCli() {
  const es = await esbuild();
  if (!es) {
    process.stderr.write('qualtag build: esbuild is not installed (production install); the CLI runs the TypeScript through tsx\n');
    return false;
  }
  const started = newestSource();
  const tmp = `${distDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await es.build({
    absWorkingDir: root,
    entryPoints: { qualtag: 'lib/cli/main.ts', 'extract-worker': 'lib/extract/extract-worker.ts' },
    outdir: tmp,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]', // beside the entries: the pool finds ./extract-worker.mjs next to its chunk
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  // `qualtag --help` lists every command, which would load every command's modules: print it once now.
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  const { buildProgram } = await import(pathToFileURL(path.join(tmp, 'qualtag.mjs')).href);
  writeFileSync(path.join(tmp, 'help.txt'), (await buildProgram()).helpInformation());
  writeFileSync(path.join(tmp, STAMP), JSON.stringify({ sources: started }));
  // Swap the whole folder, so a CLI starting meanwhile sees the old build or the new one, never half.
  const old = `${distDir}.old-${process.pid}`;
  try {
    statSync(distDir);
    rmSync(old, { recursive: true, force: true });
    renameSync(distDir, old);
  } catch {
    // no previous build
  }
  renameSync(tmp, distDir);
  rmSync(old, { recursive: true, force: true });
  return true;
}

export async function buildWorker(outfile) {
  const es = await esbuild();
  if (!es) throw new Error('esbuild is needed to bundle the extraction worker');
  mkdirSync(path.dirname(outfile), { recursive: true });
  await es.build({
    absWorkingDir: root,
    entryPoints: ['lib/extract/extract-worker.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*', 'pdfjs-dist'],
    banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, arg] = process.argv.slice(2);
  if (cmd === 'worker') {
    if (!arg) throw new Error('usage: node scripts/build.mjs worker <outfile>');
    await buildWorker(path.resolve(arg));
  } else {
    await buildCli();
  }
}
