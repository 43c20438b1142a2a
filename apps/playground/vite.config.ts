import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

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
    // index.html is the playground; bench.html is the engine alone, for the benchmark.
    rollupOptions: {
      input: { index: page('index.html'), bench: page('bench.html') },
      // Function names survive minification: the kernel-style reports name
      // work items and callbacks by them (`work eduWork`), and call traces too.
      output: { keepNames: true },
    },
  },
  worker: { format: 'es', rollupOptions: { output: { keepNames: true } } },
  preview: { port: 4173, host: '127.0.0.1' },
});
