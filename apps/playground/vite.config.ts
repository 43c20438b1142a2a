import { defineConfig } from 'vite';

// Relative base so the built dist/ works from any path (GitHub Pages serves
// it under /<repo>/). Workers are ES modules: the engine's worker imports the
// explorer's browser entry.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
  },
  worker: { format: 'es' },
  preview: { port: 4173, host: '127.0.0.1' },
});
