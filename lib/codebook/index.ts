// Codebook loading: YAML (the corpus format), CSV and REFI-QDA .qdc, all normalised to one Codebook.
import path from 'node:path';
import { QualtagError } from '../errors.js';
import type { Codebook, Language } from '../model.js';
import { buildCodebookWithWarnings, slugify, type DraftCodebook, type LoadedCodebook } from './build.js';
import { parseCsvCodebook } from './csv.js';
import { parseQdcCodebook } from './qdc.js';
import { parseYamlCodebook } from './yaml.js';

export { codebookToQdc, stableGuid, codeGuid, categoryGuid } from './qdc.js';
export { codebookVersion, slugify, type LoadedCodebook } from './build.js';
export { parseRule, RuleSyntaxError, type ParsedRule, type RuleNode, type RuleWord } from './rules.js';

export interface ParseCodebookOptions {
  /** Language for formats that cannot say it themselves (CSV, .qdc); YAML uses its `language` field. */
  language?: Language;
}

/** Parses a codebook file's text; the format follows the file extension (.yaml/.yml, .csv, .qdc/.xml). */
export function parseCodebook(text: string, fileName: string, opts: ParseCodebookOptions = {}): Codebook {
  return loadCodebook(text, fileName, opts).codebook;
}

/** parseCodebook, with the warnings to show the researcher (codes whose ids were derived from their names). */
export function loadCodebook(text: string, fileName: string, opts: ParseCodebookOptions = {}): LoadedCodebook {
  const ext = path.extname(fileName).toLowerCase();
  const base = path.basename(fileName, path.extname(fileName));
  const fallbackId = slugify(base);
  const source = text.replace(/^\uFEFF/, '');
  if (!source.trim()) throw new QualtagError('BAD_CODEBOOK', 'the codebook file is empty', 'Choose the codebook file (YAML, CSV or REFI-QDA .qdc)', fileName);
  let draft: DraftCodebook;
  if (ext === '.csv') draft = parseCsvCodebook(source, fileName, fallbackId, opts.language);
  else if (ext === '.qdc' || ext === '.xml' || (!ext && source.trimStart().startsWith('<')))
    draft = parseQdcCodebook(source, fileName, fallbackId, opts.language);
  else if (ext === '.yaml' || ext === '.yml' || ext === '.json' || !ext) draft = parseYamlCodebook(source, fileName, fallbackId);
  else {
    throw new QualtagError(
      'UNSUPPORTED_TYPE',
      `"${ext}" is not a codebook format qualtag reads`,
      'Use a YAML (.yaml), CSV (.csv) or REFI-QDA (.qdc) codebook',
      fileName,
    );
  }
  return buildCodebookWithWarnings(draft, fileName);
}

/** Every code of the codebook, in order. */
export function allCodes(cb: Codebook): Codebook['categories'][number]['codes'] {
  return cb.categories.flatMap((c) => c.codes);
}

/**
 * A codebook version is stored as one DynamoDB item (400 KB at most) with its parsed tree and its
 * source text, so that is the real limit, whatever the 2 MB request allows: about 2,000 codes with
 * short names and one rule each. Checked before anything is stored (a bigger one used to be a 500).
 */
export const MAX_STORED_CODEBOOK_BYTES = 350_000;

export function assertCodebookFits(codebook: Codebook, sourceText: string, where = 'body.content'): void {
  const bytes = Buffer.byteLength(JSON.stringify(codebook)) + Buffer.byteLength(sourceText);
  if (bytes > MAX_STORED_CODEBOOK_BYTES) {
    throw new QualtagError(
      'TOO_LARGE',
      `the codebook needs ${Math.ceil(bytes / 1000)} KB when stored; at most ${MAX_STORED_CODEBOOK_BYTES / 1000} KB fits (about 2,000 codes with short texts)`,
      'Split it into smaller codebooks, or shorten definitions, indicators and examples',
      where,
    );
  }
}
