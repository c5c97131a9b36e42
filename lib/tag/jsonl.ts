// One JSON object per line, each validated: a bad line is refused with the file, line number and
// what the line must hold (gold passages and the transcript index share this).
import type * as z from 'zod';
import { QualtagError } from '../errors.js';

export function parseJsonLines<T extends z.ZodType>(text: string, fileName: string, schema: T, shape: string): Array<z.output<T>> {
  const out: Array<z.output<T>> = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${fileName}: line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new QualtagError('BAD_ROWS', 'not a JSON object', `Each line is one JSON object: ${shape}`, where);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new QualtagError('BAD_ROWS', `${issue.path.join('.') || 'line'}: ${issue.message}`, `Each line is one JSON object: ${shape}`, where);
    }
    out.push(parsed.data);
  });
  return out;
}
