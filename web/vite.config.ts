import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The review UI is a static bundle served by the local stack (lib/local/http.ts) and, on AWS, by
// S3 + CloudFront. Relative asset paths let it work under any prefix.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
