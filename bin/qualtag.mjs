#!/usr/bin/env node
// Entry point of the `qualtag` command: runs the TypeScript CLI through tsx (Node 20 cannot strip types).
process.env.DOTENV_CONFIG_QUIET ??= 'true'; // natural loads dotenv on import; keep it quiet
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
