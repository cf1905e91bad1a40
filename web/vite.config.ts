// The dashboard build: `vite build --config web/vite.config.ts` writes web/dist, which
// `uprate serve` serves at `/`. Relative asset paths, so the page also works behind a prefix.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npx vite --config web/vite.config.ts` while `uprate serve --dev` runs on :4000.
    proxy: { '/api': 'http://127.0.0.1:4000', '/cubejs-api': 'http://127.0.0.1:4000' },
  },
});
