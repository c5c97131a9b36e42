// Every upload format qualtag reads, once: its name, the file extensions and MIME type it comes with, a
// label for people, and how extraction treats it. The extractor of each format is in `extractors`
// (lib/extract/index.ts), which the compiler keeps complete; the contract's SourceFormat, format detection, the CLI's
// upload content types and help, and the web upload page's accept list and help derive from this list.
// No imports (the base layer): the model, the web bundle and the API contract use it without pulling in
// the extractors.

export interface UploadFormat<F extends string = string> {
  format: F;
  /** For people: the upload page's help and error hints. */
  label: string;
  /** Lower-case, with the dot; the first is the usual one. A longer one wins (`.otter.txt` over `.txt`). */
  extensions: readonly string[];
  /** Content-Type of the upload (what the CLI and the web UI send with the PUT). */
  mime: string;
  /** Rows of answers (CSV, JSONL): every row is a passage of its own, tagged without transcript structure. */
  rows?: boolean;
}

const define = <const F extends string>(f: UploadFormat<F>): UploadFormat<F> => f;

export const uploadFormats = [
  define({ format: 'pdf', label: 'PDF', extensions: ['.pdf'], mime: 'application/pdf' }),
  define({ format: 'docx', label: 'Word (DOCX)', extensions: ['.docx'], mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }),
  define({ format: 'txt', label: 'TXT', extensions: ['.txt', '.text'], mime: 'text/plain' }),
  define({ format: 'md', label: 'Markdown', extensions: ['.md', '.markdown'], mime: 'text/markdown' }),
  define({ format: 'vtt', label: 'Teams/Zoom VTT', extensions: ['.vtt'], mime: 'text/vtt' }),
  define({ format: 'srt', label: 'SRT', extensions: ['.srt'], mime: 'application/x-subrip' }),
  define({ format: 'otter', label: 'Otter TXT', extensions: ['.otter.txt'], mime: 'text/plain' }),
  define({ format: 'csv', label: 'CSV survey answers', extensions: ['.csv'], mime: 'text/csv', rows: true }),
  define({ format: 'jsonl', label: 'JSONL survey answers', extensions: ['.jsonl', '.ndjson'], mime: 'application/x-ndjson', rows: true }),
] as const;

export type SourceFormat = (typeof uploadFormats)[number]['format'];
export const sourceFormats = uploadFormats.map((f) => f.format) as [SourceFormat, ...SourceFormat[]];

const byFormat = new Map<string, UploadFormat<SourceFormat>>(uploadFormats.map((f) => [f.format, f]));
export const uploadFormatOf = (format: SourceFormat): UploadFormat<SourceFormat> => byFormat.get(format)!;

/** The format a file name's extension names (the longest extension that fits), or null. */
export function formatOfName(fileName: string): SourceFormat | null {
  const base = (fileName.toLowerCase().split(/[\\/]/).pop() ?? '').trim();
  let best: { format: SourceFormat; length: number } | null = null;
  for (const f of uploadFormats) {
    for (const ext of f.extensions)
      if (base.endsWith(ext) && base.length > ext.length && (!best || ext.length > best.length)) best = { format: f.format, length: ext.length };
  }
  return best?.format ?? null;
}

/** Content-Type for an upload of this file name (octet-stream for a name no format claims). */
export function uploadContentType(fileName: string): string {
  const f = formatOfName(fileName);
  return f ? uploadFormatOf(f).mime : 'application/octet-stream';
}

/** The `accept` list of a file input: every extension. */
export const uploadAccept = uploadFormats.flatMap((f) => f.extensions).join(',');

/** "PDF, Word (DOCX), …": for help texts and error hints. */
export const uploadLabels = uploadFormats.map((f) => f.label).join(', ');
