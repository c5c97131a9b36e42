import { Command, CommanderError } from 'commander';
import { isQualtagError } from '../errors.js';
import { commands } from './commands/index.js';

/** Builds the `qualtag` program; each command lives in its own module under commands/. */
export function buildProgram(): Command {
  const program = new Command('qualtag')
    .description('Code qualitative data against your codebook: extract, segment, tag, review, report, export.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
