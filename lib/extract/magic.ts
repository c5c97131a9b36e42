// File signatures, in a module of their own so that detecting a format loads neither pdf.js nor mammoth.
export const PDF_MAGIC = '%PDF-';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export function isOle(bytes: Uint8Array): boolean {
  return startsWith(bytes, OLE);
}

export function isZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, ZIP);
}
