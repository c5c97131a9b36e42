// Bundles each Lambda handler the way infra/ does (esbuild, ESM, node22, minified, @aws-sdk external) and reports
// the bundle size per function with its largest packages (esbuild metafile), and the init time of each bundle:
// a fresh Node process that imports it, median of several runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { ESM_REQUIRE_BANNER, FUNCTION_EXTERNALS } from '../infra/constructs/qualtag-function.js';
import { API_NODE_MODULES } from '../infra/constructs/api.js';
import { INGEST_NODE_MODULES, TAGGER_NODE_MODULES } from '../infra/constructs/pipeline.js';
import type { BenchReport } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside the repository so the external @aws-sdk/* and pdfjs-dist resolve from node_modules, as the Lambda runtime would.
const outDir = path.join(root, 'node_modules/.cache/qualtag-bundle-bench');
const MB = 1024 * 1024;
const TARGET_BYTES = 1 * MB;
const INIT_RUNS = 5;

const handlers: Array<{ name: string; nodeModules: string[]; target?: number }> = [
  { name: 'ingest', nodeModules: INGEST_NODE_MODULES },
  { name: 'tag', nodeModules: TAGGER_NODE_MODULES, target: TARGET_BYTES },
  { name: 'api', nodeModules: API_NODE_MODULES, target: TARGET_BYTES },
];

/**
 * What-if: `import { z } from 'zod'` keeps every zod locale (~260 KB minified) because the `z` namespace object
 * escapes tree-shaking; `import * as z from 'zod'` does not. This plugin rewrites our sources that way (build only).
 */
const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(b) {
    b.onLoad({ filter: /\/(lib|functions)\/.*\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';"),
      loader: 'ts',
    }));
  },
};

/** Bytes in the output per npm package (or `(own code)`), largest first. */
function byPackage(meta: Metafile): Array<[string, number]> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1]! : '(own code)';
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes.entries()].sort((a, b) => b[1] - a[1]);
}

/** Milliseconds to import the bundle in a fresh process (module evaluation incl. SDK clients created at load). */
function initMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: path.dirname(file),
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      TABLE_NAME: 'qualtag-bench',
      BUCKET_NAME: 'qualtag-bench',
      TAG_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/qualtag-bench-tag',
      DOTENV_CONFIG_QUIET: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    encoding: 'utf8',
  });
  return Number(out);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;

export default async function bundleBench(): Promise<BenchReport> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const rows: BenchReport['rows'] = [];
  const targets: NonNullable<BenchReport['targets']> = [];
  const notes: string[] = [];

  for (const h of handlers) {
    const outfile = path.join(outDir, h.name, 'index.mjs');
    const started = performance.now();
    const options: BuildOptions & { metafile: true } = {
      entryPoints: [path.join(root, 'functions', `${h.name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      sourcemap: false,
      metafile: true,
      banner: { js: ESM_REQUIRE_BANNER },
      external: [...FUNCTION_EXTERNALS, ...h.nodeModules],
      logLevel: 'silent',
    };
    const result = await build(options);
    const buildMs = performance.now() - started;
    const bytes = statSync(outfile).size;
    const packages = byPackage(result.metafile);
    const inits = Array.from({ length: INIT_RUNS }, () => initMs(outfile));
    const whatIfFile = path.join(outDir, h.name, 'what-if-zod.mjs');
    await build({ ...options, outfile: whatIfFile, plugins: [zodNamespaceImports] });
    const whatIfBytes = statSync(whatIfFile).size;

    rows.push({
      function: h.name,
      bundle: mb(bytes),
      bytes,
      'build ms': Math.round(buildMs),
      'init ms (median)': Math.round(median(inits)),
      'init ms (min–max)': `${Math.round(Math.min(...inits))}–${Math.round(Math.max(...inits))}`,
      'installed next to it': h.nodeModules.join(', ') || '-',
      'with `import * as z`': mb(whatIfBytes),
    });
    notes.push(
      `${h.name}: ${packages
        .slice(0, 6)
        .map(([p, b]) => `${p} ${(b / 1024).toFixed(0)} KB`)
        .join(', ')}`,
    );
    if (h.target) targets.push({ name: `${h.name} bundle`, want: `≤ ${mb(h.target)}`, actual: mb(bytes), met: bytes <= h.target });
  }
  notes.push(
    `init = time to import the bundle in a fresh \`node\` (${process.version}), ${INIT_RUNS} runs; @aws-sdk/* comes from node_modules here ` +
      'and from the runtime in Lambda, so Lambda init adds the SDK load and its own sandbox start.',
  );
  return { rows, targets, notes };
}
