// Placeholder bench runner (the lead replaces it). Runs every
// benchmarks/suites/*.bench.mjs: each default-exports an async function that
// receives a tinybench `Bench` constructor and returns a finished Bench.
import { readdir } from 'node:fs/promises';
import { Bench } from 'tinybench';

const dir = new URL('./suites/', import.meta.url);
const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.bench.mjs')).sort();
if (files.length === 0) console.log('no benchmark suites yet (benchmarks/suites/*.bench.mjs)');
for (const file of files) {
  const { default: suite } = await import(new URL(file, dir).href);
  const bench = await suite(Bench);
  console.log(`\n# ${file}`);
  console.table(bench.table());
}
