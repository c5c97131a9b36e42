// Loads pdf.js (pdfjs-dist) for text extraction. The modern build, not the "legacy" one pdf-parse uses:
// the legacy build replaces built-ins such as Array.prototype.push with core-js versions (a tenth of the
// CPU profile of a 60-page PDF) and loads a native canvas binding; the modern build extracts the same
// text with about 25% less CPU and 20 MB less memory. On Node 20 it needs three things the text path
// never really uses or that Node 22 has: Promise.withResolvers, ArrayBuffer.prototype.transferToFixedLength,
// and a DOMMatrix constructor (the display layer creates one at load; we never render).
type PdfjsModule = typeof import('pdfjs-dist');

function installPolyfills(): void {
  const P = Promise as PromiseConstructor & { withResolvers?: unknown };
  if (typeof P.withResolvers !== 'function') {
    Object.defineProperty(Promise, 'withResolvers', {
      configurable: true,
      writable: true,
      value<T>(this: PromiseConstructor) {
        let resolve!: (v: T | PromiseLike<T>) => void;
        let reject!: (e: unknown) => void;
        const promise = new this<T>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        return { promise, resolve, reject };
      },
    });
  }
  const AB = ArrayBuffer.prototype as ArrayBuffer & { transferToFixedLength?: unknown };
  if (typeof AB.transferToFixedLength !== 'function') {
    Object.defineProperty(ArrayBuffer.prototype, 'transferToFixedLength', {
      configurable: true,
      writable: true,
      value(this: ArrayBuffer, length = this.byteLength) {
        const out = new ArrayBuffer(length);
        new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
        return out;
      },
    });
  }
  const g = globalThis as { DOMMatrix?: unknown };
  g.DOMMatrix ??= class DOMMatrix {
    a = 1;
    b = 0;
    c = 0;
    d = 1;
    e = 0;
    f = 0;
  };
}

let loaded: Promise<PdfjsModule> | undefined;

export function loadPdfjs(): Promise<PdfjsModule> {
  loaded ??= (async () => {
    installPolyfills();
    // pdf.js warns at load that Node should use the legacy build (the reasons are above).
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      return await import('pdfjs-dist'); // package main: the modern build/pdf.mjs
    } finally {
      console.warn = warn;
    }
  })();
  return loaded;
}
