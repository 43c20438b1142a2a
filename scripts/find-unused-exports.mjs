#!/usr/bin/env node
// Lists exported names of packages/*/src and examples/*/src that nothing else
// uses: no import or mention in any other source, test, example, integration
// test, benchmark or script (re-export lists such as an index.ts do not count
// as a use).
//
//   node scripts/find-unused-exports.mjs          # unused names, exit 1 if any
//   node scripts/find-unused-exports.mjs --all    # also names used only in their own file
//
// Method: top-level `export` declarations are read with the TypeScript
// compiler API; a use is a whole-word match of the name in another file with
// its `export { ... } from` and `export * from` statements removed. A word
// match can over-count (a comment naming the function counts as a use), so an
// empty list is a lower bound on dead code, not a proof of none.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const showAll = process.argv.includes('--all');

function walk(dir, out = []) {
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist' || e === 'results') continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|mjs)$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const all = ['packages', 'examples', 'tests', 'benchmarks', 'scripts'].flatMap((d) => walk(join(root, d)));
const texts = new Map(all.map((f) => [f, readFileSync(f, 'utf8')]));
const withoutReexports = new Map(
  [...texts].map(([f, t]) => [
    f,
    t.replace(/export\s+(type\s+)?\{[^}]*\}\s+from\s+'[^']+';/gs, '').replace(/export \* from '[^']+';/g, ''),
  ]),
);

function exportedNames(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const names = [];
  for (const st of sf.statements) {
    const mods = ts.canHaveModifiers(st) ? (ts.getModifiers(st) ?? []) : [];
    if (!mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) names.push(d.name.getText(sf));
    else if (st.name !== undefined) names.push(st.name.getText(sf));
  }
  return names;
}

const sources = all.filter((f) => /[/\\](packages|examples)[/\\][^/\\]+[/\\]src[/\\]/.test(f) && f.endsWith('.ts'));
const unused = [];
for (const file of sources) {
  for (const name of exportedNames(file, texts.get(file))) {
    const word = new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`, 'g');
    const elsewhere = [...withoutReexports].some(([f, t]) => f !== file && t.search(word) >= 0);
    if (elsewhere) continue;
    const own = (texts.get(file).match(word) ?? []).length > 1;
    if (!own || showAll) unused.push(`${relative(root, file)}: ${name}${own ? ' (used only in its own file)' : ''}`);
  }
}
for (const u of unused) console.log(u);
if (unused.length > 0) process.exit(1);
console.log('find-unused-exports: none');
