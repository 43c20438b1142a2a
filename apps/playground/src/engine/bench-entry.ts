/**
 * The engine alone on a page (bench.html), for the benchmark that drives it
 * from headless chromium (benchmarks/suites/playground.bench.mjs): it calls
 * `window.quiesceEngine.run(...)` and reads the result. No UI, so what it
 * measures is the engine and its workers.
 */
import { createEngine } from './index.js';

const engine = createEngine();
(globalThis as unknown as { quiesceEngine: typeof engine }).quiesceEngine = engine;
document.body.dataset.ready = 'true';
