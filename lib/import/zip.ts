// Opens an untrusted zip (a .qdpx) safely: every entry is checked from the central directory before
// anything is inflated — entry count, declared sizes, compression ratio, paths — and each entry is then
// inflated into a buffer of its declared size, so an entry that lies about its size is cut there
// (and then fails to parse) instead of filling memory.
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { QualtagError } from '../errors.js';

export interface ZipLimits {
  /** Largest archive accepted, in bytes. */
  maxArchiveBytes: number;
  maxEntries: number;
  /** Largest single entry, uncompressed. */
  maxEntryBytes: number;
  /** All entries together, uncompressed. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, checked for entries above 1 MiB (text and XML compress 3–30×; bombs 1000×). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxArchiveBytes: 200 * 1024 * 1024,
  maxEntries: 5000,
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 400 * 1024 * 1024,
  maxRatio: 200,
};

const MiB = 1024 * 1024;

/** Why a path may not be extracted: absolute, drive letters, `..`, backslashes, control characters. */
export function unsafePathReason(name: string): string | null {
  if (!name) return 'an empty name';
  if (/[\u0000-\u001f]/.test(name)) return 'control characters in the name';
  if (name.includes('\\')) return 'a backslash in the name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split('/').some((p) => p === '..')) return 'a ".." path segment';
  return null;
}

function refuse(fileName: string, message: string, hint = 'Export the project again from your QDA tool as REFI-QDA (.qdpx)'): QualtagError {
  return new QualtagError('BAD_PROJECT', message, hint, fileName);
}

/** The entries of a zip (directories left out), or BAD_PROJECT / TOO_LARGE naming the entry at fault. */
export function safeUnzip(bytes: Uint8Array, fileName: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Map<string, Uint8Array> {
  if (bytes.length > limits.maxArchiveBytes) {
    throw new QualtagError(
      'TOO_LARGE',
      `the archive is ${(bytes.length / MiB).toFixed(1)} MiB, more than ${limits.maxArchiveBytes / MiB} MiB`,
      'Import a smaller project, or split it',
      fileName,
    );
  }
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw refuse(fileName, 'not a zip archive (a .qdpx is a zip)');
  const entries: UnzipFileInfo[] = [];
  try {
    // The filter sees each central-directory entry before it is inflated; returning false inflates nothing.
    unzipSync(bytes, {
      filter: (f) => {
        entries.push(f);
        if (entries.length > limits.maxEntries) throw refuse(fileName, `more than ${limits.maxEntries} entries`);
        return false;
      },
    });
  } catch (e) {
    if (e instanceof QualtagError) throw e;
    throw refuse(fileName, `the zip archive is damaged (${e instanceof Error ? e.message : String(e)})`);
  }
  let total = 0;
  const seen = new Set<string>();
  const wanted = new Set<string>();
  for (const f of entries) {
    const where = `${fileName}: ${f.name.slice(0, 200)}`;
    const bad = unsafePathReason(f.name);
    if (bad)
      throw new QualtagError(
        'BAD_PROJECT',
        `entry with ${bad}`,
        'A .qdpx holds project.qde and a sources/ folder only; this archive is not safe to open',
        where,
      );
    if (f.name.endsWith('/')) continue;
    if (f.compression !== 0 && f.compression !== 8)
      throw new QualtagError('BAD_PROJECT', `unsupported compression method ${f.compression}`, 'Re-zip the project with ordinary (deflate) compression', where);
    const key = f.name.toLowerCase();
    if (seen.has(key)) throw new QualtagError('BAD_PROJECT', 'the entry occurs twice (names compared without case)', 'Export the project again', where);
    seen.add(key);
    if (f.originalSize > limits.maxEntryBytes) {
      throw new QualtagError(
        'TOO_LARGE',
        `the entry unpacks to ${(f.originalSize / MiB).toFixed(1)} MiB, more than ${limits.maxEntryBytes / MiB} MiB`,
        'Import a smaller project',
        where,
      );
    }
    if (f.originalSize > MiB && f.originalSize / Math.max(f.size, 1) > limits.maxRatio) {
      throw new QualtagError(
        'BAD_PROJECT',
        `the entry is compressed ${Math.round(f.originalSize / Math.max(f.size, 1))}:1 (a zip bomb?)`,
        'This archive is not safe to open',
        where,
      );
    }
    total += f.originalSize;
    if (total > limits.maxTotalBytes)
      throw new QualtagError('TOO_LARGE', `the entries unpack to more than ${limits.maxTotalBytes / MiB} MiB`, 'Import a smaller project', fileName);
    wanted.add(f.name);
  }
  try {
    // fflate inflates each entry into a buffer of its declared size (the limits above checked those).
    const files = unzipSync(bytes, { filter: (f) => wanted.has(f.name) });
    return new Map(Object.entries(files));
  } catch (e) {
    throw refuse(fileName, `the zip archive is damaged (${e instanceof Error ? e.message : String(e)})`);
  }
}
