// The published type files carry no `@internal` members: every package
// builds with `stripInternal`, and nothing public is tagged @internal
// (docs/tooling.md). Reads packages/*/dist, which the test script builds first.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

function declarationFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...declarationFiles(p));
    else if (p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('published types', () => {
  const names = readdirSync(packages).filter((n) => existsSync(join(packages, n, 'package.json')));

  it('every package builds with stripInternal', () => {
    for (const n of names) {
      const tsconfig = readFileSync(join(packages, n, 'tsconfig.json'), 'utf8');
      expect({ n, strip: /"stripInternal":\s*true/.test(tsconfig) }).toEqual({ n, strip: true });
    }
  });

  it('no declaration file in packages/*/dist mentions @internal', () => {
    const offenders: string[] = [];
    for (const n of names) {
      const dist = join(packages, n, 'dist');
      expect(existsSync(join(dist, 'index.d.ts')), `${n}: run the build before the tests`).toBe(true);
      for (const f of declarationFiles(dist)) {
        if (readFileSync(f, 'utf8').includes('@internal')) offenders.push(f.slice(packages.length));
      }
    }
    expect(offenders).toEqual([]);
  });
});
