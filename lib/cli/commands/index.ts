import type { Command } from 'commander';
import { registerCode } from './code.js';
import { registerEval } from './eval.js';
import { registerExport } from './export.js';
import { registerIngest } from './ingest.js';
import { registerQuery } from './query.js';
import { registerReport } from './report.js';
import { registerReview } from './review.js';
import { registerRules } from './rules.js';
import { registerSegments } from './segments.js';
import { registerStatus } from './status.js';
import { registerUp } from './up.js';

/** A CLI command module adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command) => void;

// Each stage registers its own commands; add new modules here.
export const commands: RegisterCommand[] = [registerCode, registerEval, registerRules, registerSegments, registerQuery, registerReview, registerReport, registerExport, registerUp, registerIngest, registerStatus];
