import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// Reports name resources by their callbacks' function names (`work eduWork`,
// `hrtimer eduPoll`): a minifier that renamed them would change the report,
// its dedupe key and so whether a CLI replay file reproduces in the page.
const keepNames = true;

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
    rolldownOptions: { input: { index: page('index.html'), bench: page('bench.html') }, output: { keepNames } },
  },
  worker: { format: 'es', rolldownOptions: { output: { keepNames } } },
  preview: { port: 4173, host: '127.0.0.1' },
});
