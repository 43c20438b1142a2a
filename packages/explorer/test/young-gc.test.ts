// Guard for docs/explorer.md, "Scaling": a module-level WeakMap keyed by an
// object of one world (a kernel, a task, a device, a mapping) whose value
// reaches its key keeps every finished world alive through V8's young GC,
// and parallel exploration stops scaling. Per-world state belongs in a
// KernelLocal or a WeakSlot (core-devres); a module-level WeakMap is only
// for keys that live as long as the process (class prototypes), each named
// here with the reason.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** file:name of each allowed module-level WeakMap, with why its keys never die young. */
const ALLOWED: Record<string, string> = {
  'packages/core-devres/src/census/counting.ts:countingPrototypes': 'keyed by class prototypes',
  'packages/core-devres/src/devres/fenced-view.ts:deadPrototypes': 'keyed by class prototypes',
  'packages/core-devres/src/devres/mmio-check.ts:checkingPrototypes': 'keyed by class prototypes',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('no per-world state in module-level WeakMaps', () => {
  it('every module-level WeakMap in the packages is a known, process-lived one', () => {
    const found: string[] = [];
    for (const base of ['packages', 'examples']) {
      for (const dir of readdirSync(join(root, base))) {
        let files: string[];
        try {
          files = sources(join(root, base, dir, 'src'));
        } catch {
          continue; // no src/
        }
        for (const f of files) {
          const text = readFileSync(f, 'utf8');
          for (const m of text.matchAll(/^(?:export )?(?:const|let) (\w+)(?:\s*:[^=]+)?\s*=\s*new WeakMap\b/gm)) {
            found.push(`${relative(root, f)}:${m[1]}`);
          }
        }
      }
    }
    expect(found.sort()).toEqual(Object.keys(ALLOWED).sort());
  });
});
