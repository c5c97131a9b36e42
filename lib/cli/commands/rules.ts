// `qualtag rules suggest --codebook X [--out file.yaml]`: the rules qualtag would use for codes that
// have none, written as YAML the researcher can edit and paste into the codebook.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { suggestRules } from '../../tag/suggest.js';
import { loadCodebookFile } from './codebook-file.js';

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('Work with keyword rules');
  rules
    .command('suggest')
    .description('Suggest rules for codes without rules, from their name, definition and indicators')
    .requiredOption('--codebook <file>', 'codebook (YAML, CSV or REFI-QDA .qdc)')
    .option('--out <file>', 'write the YAML here instead of printing it')
    .action(async (opts: { codebook: string; out?: string }) => {
      const cb = await loadCodebookFile(opts.codebook);
      const suggested = suggestRules(cb);
      const doc = {
        codebook: cb.id,
        version: cb.version,
        codes: cb.categories.flatMap((c) => c.codes.filter((k) => suggested.has(k.id)).map((k) => ({ id: k.id, name: k.name, rules: suggested.get(k.id) ?? [] }))),
      };
      const yaml = `# Suggested rules (word^weight; a code's score is the sum of the weights of the rules that match).\n# Copy a code's rules into its entry in the codebook to keep and edit them.\n${stringify(doc, { lineWidth: 0 })}`;
      if (opts.out) {
        await writeFile(opts.out, yaml);
        process.stderr.write(`wrote suggested rules for ${doc.codes.length} codes to ${opts.out}\n`);
      } else process.stdout.write(yaml);
    });
}
