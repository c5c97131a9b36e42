import { Command, CommanderError } from 'commander';
import { isQualtagError } from '../errors.js';
import { commandModules } from './commands/index.js';

/** Builds the `qualtag` program with the named commands (all of them when none is named). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('qualtag')
    .description('Code qualitative data against your codebook: extract, segment, tag, review, report, export.')
    .showHelpAfterError()
    .exitOverride();
  const names = only && only in commandModules ? [only] : Object.keys(commandModules);
  for (const name of names) (await commandModules[name]!())(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[2]);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isQualtagError(e)) {
      process.stderr.write(`qualtag: ${e.describe()}\n`);
      return 1;
    }
    process.stderr.write(`qualtag: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
