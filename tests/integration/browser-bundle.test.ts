// core-devres + pci-emu + hrtimer bundled for the browser (esbuild,
// platform=browser) and run in a fresh `vm` context: no process, require,
// Buffer or timers, only the language's own globals. The scenario is
// tests/consumer/browser-scenario.mjs (the consumer smoke test runs the same
// file from the packed tarballs). Bundles the built dist/ through the
// packages' exports, as a consumer's bundler would: the root `test` script
// builds first.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = new URL('../consumer/browser-scenario.mjs', import.meta.url);

describe('browser bundle of core-devres + pci-emu + hrtimer', () => {
  it('bundles with no Node built-in and runs a scenario in a context without Node globals', async () => {
    const out = await build({
      entryPoints: [entry.pathname],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
      // Not tests/tsconfig.json: its `paths` map @quiesce/* to src/, so the entry
      // would get a second core-devres (src) beside the one pci-emu and hrtimer
      // import (dist), and an `instanceof Kernel` across the two would fail.
      tsconfigRaw: '{}',
    });
    const code = out.outputFiles[0]?.text ?? '';
    // platform=browser fails the build on a `node:` import; check the text too.
    expect(code).not.toMatch(/\brequire\(["']node:|from ["']node:/);

    const ctx = vm.createContext({});
    expect(vm.runInContext('[typeof process, typeof require, typeof Buffer, typeof setTimeout].join()', ctx)).toBe(
      'undefined,undefined,undefined,undefined',
    );
    vm.runInContext(code, ctx, { filename: 'browser-bundle.js' });
    const lines = (await (ctx as { quiesceSmoke: Promise<string[]> }).quiesceSmoke).map(String);
    // Expected from the scenario's semantics, not from a recorded run:
    // - the 1 ms hrtimer polls at 1 and 2 ms before the remove at 2.5 ms, and
    //   reads QEMU edu's identification register 0x010000ed (major 1, minor 0);
    // - remove() without hrtimer_cancel(): the unbind check files the timer
    //   still queued on the device, and its 3 ms expiry reads the unmapped BAR.
    expect(lines).toEqual(
      readFileSync(new URL('../consumer/browser-expected.txt', import.meta.url), 'utf8')
        .trimEnd()
        .split('\n'),
    );
    expect(lines[0]).toBe('polls before remove: 2, id 0x10000ed');
    expect(lines.slice(1).map((l) => l.split(' of ')[0])).toEqual(['leak-at-unbind', 'use-after-remove']);
  });
});
