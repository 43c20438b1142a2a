// Every `§N` in the code cites docs/design.md and names one of its headings
// (`## N. ...` or `### N.M ...`), so a reader can follow it inside the repo.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Section numbers of `## 3. Title` / `### 3.1 Title` headings in a Markdown text. */
function headings(md: string): Set<string> {
  const out = new Set<string>();
  for (const m of md.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)) if (m[1] !== undefined) out.add(m[1]);
  return out;
}

/** Problems with the `§` references of one file's text: a citation of anything but docs/design.md, or an unknown section. */
function badRefs(text: string, known: Set<string>): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(/([\w./-]*)\s?§(\d+(?:\.\d+)?)/g)) {
    const [whole, source, section] = m;
    if (source !== 'docs/design.md') bad.push(`${whole.trim()}: cite docs/design.md §N`);
    else if (section === undefined || !known.has(section)) bad.push(`${whole.trim()}: no such heading`);
  }
  if (/DESIGN\.md/.test(text)) bad.push('DESIGN.md: a file outside the repository');
  return bad;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist' || e === 'results') continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|mts|mjs|js)$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('docs/design.md references', () => {
  const known = headings(readFileSync(join(root, 'docs/design.md'), 'utf8'));

  it('docs/README.md indexes every document in docs/, one line each', () => {
    const index = readFileSync(join(root, 'docs/README.md'), 'utf8');
    const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    for (const d of docs)
      expect({ d, lines: index.split('\n').filter((l) => l.includes(`(${d})`)).length }).toEqual({ d, lines: 1 });
  });

  it('docs/design.md has numbered headings 1..9', () => {
    for (let n = 1; n <= 9; n++) expect(known.has(String(n))).toBe(true);
  });

  it('the checker rejects a wrong source, an unknown section and a bare DESIGN.md', () => {
    expect(badRefs('see docs/design.md §4 and docs/design.md §3.1', known)).toEqual([]);
    expect(badRefs('see docs/design.md §99', known)).toEqual(['docs/design.md §99: no such heading']);
    expect(badRefs('(DESIGN.md §4)', known)).toEqual([
      'DESIGN.md §4: cite docs/design.md §N',
      'DESIGN.md: a file outside the repository',
    ]);
  });

  it('every § in packages/*/src, examples, tests and benchmarks resolves to a heading', () => {
    const packages = readdirSync(join(root, 'packages')).flatMap((p) => [`packages/${p}/src`, `packages/${p}/test`]);
    const dirs = [...packages, 'examples', 'tests', 'benchmarks'].map((d) => join(root, d));
    const self = fileURLToPath(import.meta.url);
    const problems: string[] = [];
    let refs = 0;
    for (const f of dirs.filter((d) => existsSync(d)).flatMap(files)) {
      if (f === self) continue; // its own examples above
      const text = readFileSync(f, 'utf8');
      refs += (text.match(/§/g) ?? []).length;
      for (const b of badRefs(text, known)) problems.push(`${relative(root, f)}: ${b}`);
    }
    expect(problems).toEqual([]);
    expect(refs).toBeGreaterThan(10); // the scan found the citations (there are about twenty)
  });
});
