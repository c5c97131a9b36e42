#!/usr/bin/env node
// Entry point of the `qualtag` command. Runs the JavaScript that scripts/build.mjs compiled into dist/ (at
// `npm ci`/`npm install` and `npm start`); when there is no build, or a source in lib/ changed after it,
// it runs the TypeScript through tsx instead (slower to start, never stale).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.DOTENV_CONFIG_QUIET ??= 'true'; // natural loads dotenv on import; keep it quiet
// The AWS SDK warns on every command that releases after January 2027 will need Node 22; nothing a
// researcher can act on here (package.json pins the SDK; engines allow Node 20.19+).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function builtAndFresh() {
  let built;
  try {
    built = JSON.parse(readFileSync(path.join(root, 'dist/build-stamp.json'), 'utf8')).sources;
  } catch {
    return false;
  }
  if (statSync(path.join(root, 'package.json')).mtimeMs > built) return false;
  const fresh = (dir) =>
    readdirSync(dir, { withFileTypes: true }).every((e) =>
      e.isDirectory() ? fresh(path.join(dir, e.name)) : !e.name.endsWith('.ts') || statSync(path.join(dir, e.name)).mtimeMs <= built,
    );
  return fresh(path.join(root, 'lib'));
}

const args = process.argv.slice(2);
const wantsHelp = args.length === 1 && ['--help', '-h', 'help'].includes(args[0]);
if (process.env.QUALTAG_FROM_SOURCE !== '1' && builtAndFresh()) {
  if (wantsHelp) {
    // The full command list, written by the build (listing it would load every command's modules).
    process.stdout.write(readFileSync(path.join(root, 'dist/help.txt'), 'utf8'));
  } else {
    const { main } = await import('../dist/qualtag.mjs');
    process.exitCode = await main(process.argv);
  }
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../lib/cli/main.ts');
  process.exitCode = await main(process.argv);
}
