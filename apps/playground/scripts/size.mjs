#!/usr/bin/env node
// Bundle size check for the playground: the gzipped size of every .js file
// under apps/playground/dist must add up to less than the limit (1 MB, the
// issue's acceptance). Exits 1 above the limit or when dist/ has no JS.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const LIMIT = Number(process.env.PLAYGROUND_GZIP_LIMIT ?? 1_000_000);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

let files;
try {
  files = [...walk(dist)].filter((p) => /\.m?js$/.test(p));
} catch {
  console.error(`size: ${dist} missing; run the playground build first`);
  process.exit(1);
}
if (files.length === 0) {
  console.error(`size: no .js under ${dist}`);
  process.exit(1);
}
let raw = 0;
let gz = 0;
for (const f of files) {
  const buf = readFileSync(f);
  const z = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += z;
  console.log(`${relative(dist, f).padEnd(48)} ${String(buf.length).padStart(9)} B  ${String(z).padStart(8)} B gz`);
}
const verdict = gz < LIMIT ? 'ok' : 'TOO BIG';
console.log(`total ${files.length} files: ${raw} B, ${gz} B gzipped (limit ${LIMIT} B) — ${verdict}`);
process.exit(gz < LIMIT ? 0 : 1);
