// The import report as text (CLI and logs): what came in, what was skipped and why, one line each.
import type { ImportedDocument, ImportIssue, ImportStarted } from './schemas.js';

const line = (i: ImportIssue) => `  ${i.where}: ${i.message}`;

export function formatImportReport(started: ImportStarted, applied: readonly ImportedDocument[], projectId: string): string {
  const c = started.report.counts;
  const imported = applied.reduce((n, d) => n + d.imported, 0);
  const already = applied.reduce((n, d) => n + d.already, 0);
  const skipped = [...started.report.skipped, ...applied.flatMap((d) => d.skipped)];
  const warnings = [...started.report.warnings, ...applied.flatMap((d) => d.warnings)];
  const out = [
    `Imported ${started.fileName} into project ${projectId}:`,
    `  sources: ${started.documents.length} documents (${c.sources} read${started.documents.some((d) => d.reused) ? `, ${started.documents.filter((d) => d.reused).length} already in the project` : ''})`,
    `  codes: ${c.codes} in the file; codebook ${started.codebook.version ?? '(none)'}${started.codebook.added ? ` with ${started.codebook.added} new` : ''} (${started.codebook.codes} codes)`,
    `  codings: ${imported} imported as accepted codings${already ? `, ${already} already there` : ''} (${c.codings} read)`,
    `  notes: ${c.notes}, cases: ${c.cases}, users: ${c.users}`,
  ];
  for (const d of applied) if (d.status !== 'TAGGED') out.push(`  document ${d.name}: ${d.status}`);
  if (skipped.length) out.push(`Skipped (${skipped.length}):`, ...skipped.map(line));
  if (warnings.length) out.push(`Warnings (${warnings.length}):`, ...warnings.map(line));
  return `${out.join('\n')}\n`;
}
