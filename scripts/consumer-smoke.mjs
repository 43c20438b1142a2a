#!/usr/bin/env node
// The consumer smoke test (a .ci/run stage): what an outsider gets from the
// registry, checked from the packed tarballs.
//
// 1. pack the public packages (scripts/pack.mjs) and `npm install` the
//    tarballs into a fresh temporary project, with pinned TypeScript 5.9 and
//    7, @types/node and esbuild;
// 2. type-check tests/consumer/all-packages.ts (all seven packages), using.ts
//    (`await using` on the core's scopes) and a CommonJS check.cts with both
//    compilers: strict, module/moduleResolution nodenext, skipLibCheck off,
//    with and without @types/node; run @arethetypeswrong/cli on each tarball;
// 3. run the compiled programs and compare their output with the expected
//    files; `require()` every package from a "type": "commonjs" project (on a
//    Node with require(esm));
// 4. bundle core-devres + pci-emu + hrtimer for the browser with esbuild and
//    run the scenario in a fresh vm context with no Node globals;
// 5. bundle @quiesce/explorer/browser the same way and explore the packaged
//    toy scenario with it.
//
//   node scripts/consumer-smoke.mjs [--keep]     (needs a build; --keep leaves the temp dir)
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { packAll } from './pack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = `${root}tests/consumer/`;
const keep = process.argv.includes('--keep');

/** Pinned tool versions: `typescript@7` is what `npm i -D typescript` installs today. */
const TOOLS = {
  'typescript-5.9': 'npm:typescript@5.9.3',
  'typescript-7': 'npm:typescript@7.0.2',
  '@types/node': '20.19.43',
  esbuild: '0.28.2',
  '@arethetypeswrong/cli': '0.18.5',
};
const COMPILERS = ['typescript-5.9', 'typescript-7'];

const started = performance.now();
let failures = 0;
const step = (msg) => console.log(`consumer-smoke: ${msg} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
function check(what, ok, detail = '') {
  console.log(`consumer-smoke: ${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `\n${detail}`}`);
  if (!ok) failures++;
}
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
function attempt(fn) {
  try {
    return { ok: true, out: fn() };
  } catch (e) {
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}${e.stdout || e.stderr ? '' : e.message}` };
  }
}
/** Runs node with `args` in `cwd`; resolves { ok, out } (never rejects). */
const spawnNode = (args, cwd) =>
  new Promise((resolve) =>
    execFile(process.execPath, args, { cwd, encoding: 'utf8', timeout: 300_000 }, (err, stdout, stderr) =>
      resolve({ ok: err === null, out: `${stdout}${stderr}${err && !stdout && !stderr ? err.message : ''}` }),
    ).stdin?.end(),
  );
/** Maps `items` through async `fn`, `n` at a time, keeping the order. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
const expected = (file) => readFileSync(`${fixtures}${file}`, 'utf8').trimEnd();

const tmp = mkdtempSync(`${tmpdir()}/quiesce-consumer-`);
try {
  // 1. Pack and install.
  const tarballs = packAll(`${tmp}/packs`, { quiet: true });
  step(`packed ${tarballs.length} packages`);
  const app = `${tmp}/app`;
  mkdirSync(app);
  const deps = Object.fromEntries(
    tarballs.map((t) => [
      `@quiesce/${basename(t)
        .replace(/^quiesce-/, '')
        .replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')}`,
      `file:${t}`,
    ]),
  );
  writeFileSync(
    `${app}/package.json`,
    JSON.stringify({
      name: 'quiesce-consumer',
      private: true,
      type: 'module',
      dependencies: deps,
      devDependencies: TOOLS,
    }),
  );
  // --prefer-offline: the npm cache answers what it has (no metadata round trips);
  // --ignore-scripts: nothing here needs an install script (esbuild's binary
  // comes in its platform package).
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], app);
  step('npm install of the tarballs done');
  for (const f of readdirSync(fixtures)) cpSync(`${fixtures}${f}`, `${app}/${f}`);

  // The published declarations must not pull in Node's types on their own.
  const dts = run('find', ['-L', 'node_modules/@quiesce', '-name', '*.d.ts', '-o', '-name', '*.d.mts'], app)
    .trim()
    .split('\n');
  const nodeRefs = dts.filter((f) => /reference types=|from ['"]node:/.test(readFileSync(`${app}/${f}`, 'utf8')));
  check(
    `${dts.length} published declaration files reference no Node types`,
    nodeRefs.length === 0,
    nodeRefs.join('\n'),
  );

  // 2. Type-check with both compilers, with and without @types/node.
  const tsconfig = (name, files, extra = {}) => {
    writeFileSync(
      `${app}/${name}`,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          skipLibCheck: false,
          noEmit: true,
          ...extra,
        },
        files,
      }),
    );
    return name;
  };
  // One program per lib: all-packages.ts with check.cts under the target's
  // default lib (no disposable types needed), using.ts with a lib that has
  // `await using` (esnext.disposable; @types/node also declares it).
  writeFileSync(
    `${app}/check.cts`,
    [
      "import core = require('@quiesce/core-devres');",
      "import pci = require('@quiesce/pci-emu');",
      'export const k: core.Kernel = new core.Kernel();',
      'export const edu: pci.EduDevice = new pci.EduDevice();',
      '',
    ].join('\n'),
  );
  const checks = [];
  for (const [files, extra] of [
    [['all-packages.ts', 'check.cts'], {}],
    [['using.ts'], { lib: ['es2022', 'esnext.disposable'] }],
  ]) {
    for (const types of [[], ['node']]) {
      const cfg = tsconfig(`tsconfig.${files[0]}.${types.length ? 'node' : 'none'}.json`, files, { ...extra, types });
      for (const tsc of COMPILERS) {
        checks.push({
          what: `${tsc} type-checks ${files.join(' + ')} ${types.length ? 'with' : 'without'} @types/node`,
          args: [`node_modules/${tsc}/bin/tsc`, '-p', cfg],
        });
      }
    }
  }
  // arethetypeswrong on each tarball. Profile esm-only: the packages are ESM
  // only by choice (README "Install"); its node16-from-CJS row models a
  // require() without require(esm), which step 3 runs for real instead.
  for (const t of tarballs) {
    checks.push({
      what: `attw --profile esm-only ${basename(t)}`,
      args: ['node_modules/@arethetypeswrong/cli/dist/index.js', '--profile', 'esm-only', '--format', 'ascii', t],
    });
  }
  // Two at a time (CI has two cores).
  const results = await pool(checks, 2, (c) => spawnNode(c.args, app));
  for (const [i, c] of checks.entries()) check(c.what, results[i].ok, results[i].out);
  step('type checks and attw done');

  // 3. Run the programs (compiled by TypeScript 7) and the CommonJS consumer.
  const emit = tsconfig('tsconfig.emit.json', ['all-packages.ts', 'using.ts'], {
    lib: ['es2022', 'esnext.disposable'],
    types: ['node'],
    noEmit: false,
    outDir: 'build',
  });
  const built = attempt(() => run(process.execPath, ['node_modules/typescript-7/bin/tsc', '-p', emit], app));
  check('tsc emits the programs', built.ok, built.out);
  for (const [js, want] of [
    ['build/all-packages.js', 'expected.txt'],
    ['build/using.js', 'using-expected.txt'],
  ]) {
    const r = attempt(() => run(process.execPath, [js], app));
    check(`${js} prints ${want}`, r.ok && r.out.trimEnd() === expected(want), r.out);
  }
  const cjs = `${tmp}/cjs`;
  mkdirSync(cjs);
  writeFileSync(`${cjs}/package.json`, JSON.stringify({ name: 'quiesce-cjs', private: true, type: 'commonjs' }));
  cpSync(`${fixtures}require.cjs`, `${cjs}/require.cjs`);
  cpSync(`${app}/node_modules`, `${cjs}/node_modules`, { recursive: true, verbatimSymlinks: true });
  if (process.features.require_module) {
    const r = attempt(() => run(process.execPath, ['require.cjs'], cjs));
    check(
      'a CommonJS project require()s every package',
      r.ok && r.out.trimEnd() === expected('require-expected.txt'),
      r.out,
    );
  } else {
    console.log(`consumer-smoke: skip require(): Node ${process.version} has no require(esm) (needs 20.19+ or 22.12+)`);
  }
  step('programs ran');

  // 4. Browser bundle in a context with no Node globals.
  const esbuild = createRequire(`${app}/`)('esbuild');
  const bundle = await esbuild
    .build({
      entryPoints: [`${app}/browser-scenario.mjs`],
      absWorkingDir: app,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      outfile: `${app}/browser.js`,
      logLevel: 'silent',
    })
    .then(
      () => ({ ok: true, out: '' }),
      (e) => ({ ok: false, out: e.message }),
    );
  check('esbuild bundles core-devres + pci-emu + hrtimer for the browser', bundle.ok, bundle.out);
  if (bundle.ok) {
    const ctx = vm.createContext({});
    const globals = vm.runInContext('[typeof process, typeof require, typeof Buffer, typeof setTimeout].join()', ctx);
    vm.runInContext(readFileSync(`${app}/browser.js`, 'utf8'), ctx, { filename: 'browser.js' });
    const lines = (await ctx.quiesceSmoke).join('\n');
    check(
      'the bundle runs the scenario in a fresh vm context',
      globals === 'undefined,undefined,undefined,undefined' && lines === expected('browser-expected.txt'),
      `globals: ${globals}\n${lines}`,
    );
  }

  // 5. The explorer's browser entry (@quiesce/explorer/browser) from its
  //    tarball: bundles with no Node built-in and explores the packaged toy
  //    scenario in a context with only `performance` besides the language.
  const explorer = await esbuild
    .build({
      stdin: {
        contents: [
          "import { exploreSerial } from '@quiesce/explorer/browser';",
          "import { buggy } from '@quiesce/explorer/scenarios/toy.mjs';",
          "globalThis.quiesceExplore = exploreSerial(buggy, { strategy: 'pct' }).then((r) =>",
          "  r.findings.map((f) => f.finding.kind + ' ' + f.finding.resource));",
        ].join('\n'),
        resolveDir: app,
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    })
    .then(
      (r) => ({ ok: true, out: r.outputFiles[0]?.text ?? '' }),
      (e) => ({ ok: false, out: e.message }),
    );
  check('esbuild bundles @quiesce/explorer/browser for the browser', explorer.ok, explorer.out.slice(0, 2000));
  if (explorer.ok) {
    const ctx = vm.createContext({ performance: { now: () => performance.now() } });
    vm.runInContext(explorer.out, ctx, { filename: 'explorer-browser.js' });
    const found = (await ctx.quiesceExplore).join('\n');
    // The toy's buggy variant reads its BAR after remove (packages/explorer/scenarios/toy.mjs).
    check('the explorer browser bundle finds the toy bug', found === 'use-after-remove toy BAR0', found);
  }
} catch (e) {
  check('consumer smoke test', false, e.stack ?? String(e));
} finally {
  if (keep) console.log(`consumer-smoke: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
step(failures === 0 ? 'passed' : `${failures} check(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
