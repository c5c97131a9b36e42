// Shared by the code/eval/rules commands: read and parse a codebook file named on the command line.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCodebook } from '../../codebook/index.js';
import { QualtagError } from '../../errors.js';
import type { Codebook, Language } from '../../model.js';

export async function loadCodebookFile(file: string, language?: Language): Promise<Codebook> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new QualtagError('NOT_FOUND', `cannot read the codebook ${file}`, 'Check the path given to --codebook', file);
  }
  const { codebook, warnings } = loadCodebook(text, path.basename(file), language ? { language } : {});
  for (const w of warnings) process.stderr.write(`qualtag: warning: ${w}\n`);
  return codebook;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new QualtagError('BAD_REQUEST', `"${value}" is not a positive whole number`, 'Give a number such as 3');
  return n;
}
