import type { Command } from 'commander';

/** A CLI command module adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command) => void;

// Command name → its module, loaded only when that command runs (or for --help), so `qualtag segments`
// does not pay for the AWS SDK and `qualtag status` not for pdf.js. Add new commands here.
export const commandModules: Record<string, () => Promise<RegisterCommand>> = {
  up: async () => (await import('./up.js')).registerUp,
  ingest: async () => (await import('./ingest.js')).registerIngest,
  status: async () => (await import('./status.js')).registerStatus,
  segments: async () => (await import('./segments.js')).registerSegments,
  code: async () => (await import('./code.js')).registerCode,
  eval: async () => (await import('./eval.js')).registerEval,
  rules: async () => (await import('./rules.js')).registerRules,
  query: async () => (await import('./query.js')).registerQuery,
  review: async () => (await import('./review.js')).registerReview,
  report: async () => (await import('./report.js')).registerReport,
  export: async () => (await import('./export.js')).registerExport,
  import: async () => (await import('./import.js')).registerImport,
};
