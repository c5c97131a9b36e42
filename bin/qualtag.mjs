#!/usr/bin/env node
// Entry point of the `qualtag` command: runs the TypeScript CLI through tsx (Node 20 cannot strip types).
process.env.DOTENV_CONFIG_QUIET ??= 'true'; // natural loads dotenv on import; keep it quiet
// The AWS SDK warns on every command that releases after January 2027 will need Node 22; nothing a
// researcher can act on here (package.json pins the SDK; engines allow Node 20.19+).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
