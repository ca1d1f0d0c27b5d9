import { defineConfig } from 'vite';

// A static site: relative URLs so the built folder works from any path (or a file
// share), module workers, and nothing fetched from anywhere but the page's own files.
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  // Pre-bundled up front in development, so the first load does not reload the page.
  optimizeDeps: { include: ['fp-ts/lib/Either.js', 'immer', 'sucrase'] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
