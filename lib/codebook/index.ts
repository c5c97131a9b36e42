// Codebook loading: YAML (the corpus format), CSV and REFI-QDA .qdc, all normalised to one Codebook.
import path from 'node:path';
import { QualtagError } from '../errors.js';
import type { Codebook, Language } from '../model.js';
import { buildCodebookWithWarnings, slugify, type LoadedCodebook } from './build.js';
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
  let draft;
  if (ext === '.csv') draft = parseCsvCodebook(source, fileName, fallbackId, opts.language);
  else if (ext === '.qdc' || ext === '.xml' || (!ext && source.trimStart().startsWith('<'))) draft = parseQdcCodebook(source, fileName, fallbackId, opts.language);
  else if (ext === '.yaml' || ext === '.yml' || ext === '.json' || !ext) draft = parseYamlCodebook(source, fileName, fallbackId);
  else {
    throw new QualtagError('UNSUPPORTED_TYPE', `"${ext}" is not a codebook format qualtag reads`, 'Use a YAML (.yaml), CSV (.csv) or REFI-QDA (.qdc) codebook', fileName);
  }
  return buildCodebookWithWarnings(draft, fileName);
}

/** Every code of the codebook, in order. */
export function allCodes(cb: Codebook): Codebook['categories'][number]['codes'] {
  return cb.categories.flatMap((c) => c.codes);
}
