#!/usr/bin/env node
// Import every package's built entry (packages/*/dist/index.js) with plain
// Node, outside vitest and its aliases. Fails if one is missing or throws.
import { existsSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const root = new URL('../packages/', import.meta.url);
const names = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/package.json`, root)))
  .map((d) => d.name)
  .sort();

let failed = 0;
for (const name of names) {
  const entry = new URL(`${name}/dist/index.js`, root);
  if (!existsSync(entry)) {
    console.error(`check-dist: FAIL @quiesce/${name}: ${entry.pathname} is missing (run the build)`);
    failed++;
    continue;
  }
  try {
    const mod = await import(pathToFileURL(entry.pathname).href);
    console.log(`check-dist: ok   @quiesce/${name} (${Object.keys(mod).length} exports)`);
  } catch (err) {
    console.error(`check-dist: FAIL @quiesce/${name}:`, err);
    failed++;
  }
}
if (names.length === 0) {
  console.error('check-dist: no packages found');
  failed++;
}
process.exitCode = failed ? 1 : 0;
