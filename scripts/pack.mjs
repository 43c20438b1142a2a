#!/usr/bin/env node
// Packs the public @quiesce packages (packages/*, not "private") into a folder
// of their own, .packs/ by default (git-ignored), never the repository root.
// pnpm pack rewrites `workspace:*` and `catalog:` into real versions, so the
// tarballs install with plain npm:
//
//   node scripts/pack.mjs [--out DIR]
//   npm install ./.packs/*.tgz        (from the consumer project, with the paths printed)
//
// Needs a build first (`npx -y pnpm@10.34.8 build`): the tarballs carry dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = resolve(outArg >= 0 && args[outArg + 1] ? args[outArg + 1] : `${root}/.packs`);
const pnpm = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).packageManager; // pnpm@x.y.z

/** The public packages: name, folder and version, in folder order. */
export function publicPackages() {
  return readdirSync(`${root}/packages`, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${root}/packages/${d.name}/package.json`))
    .map((d) => ({
      dir: `${root}/packages/${d.name}`,
      ...JSON.parse(readFileSync(`${root}/packages/${d.name}/package.json`, 'utf8')),
    }))
    .filter((p) => p.private !== true)
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

/** Packs every public package into `dest` (emptied of old tarballs first); returns the tarball paths. */
export function packAll(dest = out, { quiet = false } = {}) {
  const pkgs = publicPackages();
  for (const p of pkgs) {
    if (!existsSync(`${p.dir}/dist/index.js`)) {
      throw new Error(`${p.name}: ${p.dir}/dist/index.js is missing; run the build first (npx -y pnpm@10.34.8 build)`);
    }
  }
  mkdirSync(dest, { recursive: true });
  for (const f of readdirSync(dest)) if (f.endsWith('.tgz')) rmSync(`${dest}/${f}`);
  // One recursive pnpm run, filtered to the public packages (a bare `pnpm -r
  // pack` also packs the private workspaces and drops them in each cwd).
  const filters = pkgs.flatMap((p) => ['--filter', p.name]);
  execFileSync('npx', ['-y', pnpm, '-r', ...filters, 'pack', '--pack-destination', dest], {
    cwd: root,
    stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'],
  });
  const tarballs = readdirSync(dest)
    .filter((f) => f.endsWith('.tgz'))
    .sort()
    .map((f) => `${dest}/${f}`);
  if (tarballs.length !== pkgs.length) {
    throw new Error(`expected ${pkgs.length} tarballs in ${dest}, found ${tarballs.length}`);
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const tarballs = packAll(out);
  console.log(`packed ${tarballs.length} public packages into ${out}:`);
  for (const t of tarballs) console.log(`  ${t}`);
  console.log(`\ninstall them into a project with:\n  npm install ${tarballs.join(' ')}`);
}
