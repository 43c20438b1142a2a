#!/usr/bin/env node
// Size check for packages/*/src: no file over 400 lines, no function over 80.
//
//   node scripts/check-size.mjs            # prints offenders, exits 1 if any
//
// Method: every .ts file under packages/*/src is parsed with the TypeScript
// compiler API (no type checking). A file's size is its line count (a final
// newline does not add a line). A function is every node with a body:
// function declarations and expressions, arrow functions with a block body,
// methods, constructors, getters and setters; its size is the number of
// lines from the line its declaration starts on to the line of its closing
// brace, inclusive, so doc comments above it do not count and a nested
// function counts both on its own and inside its parent. Limits come from
// the project standard (docs/tooling.md). tests/integration/size.test.ts runs
// this check so CI enforces it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

const root = fileURLToPath(new URL('..', import.meta.url));

/** Lines of `text`: a trailing newline ends the last line, it does not start one. */
export function lineCount(text) {
  if (text.length === 0) return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function functionName(node, sf) {
  if (node.name !== undefined) return node.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p !== undefined && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))) {
    return p.name.getText(sf);
  }
  return '(anonymous)';
}

/** Functions of `text` (a TypeScript source) with their first line and length in lines. */
export function functionSizes(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out = [];
  const visit = (node) => {
    const hasBlockBody =
      (ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node)) &&
      node.body !== undefined &&
      ts.isBlock(node.body);
    if (hasBlockBody) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.body.getEnd()).line;
      out.push({ name: functionName(node, sf), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function tsFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Offenders in packages/*\/src: `{ file, line?, name?, lines, limit }`, files first. */
export function checkSize(base = root) {
  const offenders = [];
  const pkgs = join(base, 'packages');
  for (const pkg of readdirSync(pkgs).sort()) {
    const src = join(pkgs, pkg, 'src');
    let files;
    try {
      files = tsFiles(src).sort();
    } catch {
      continue; // not a package with sources
    }
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const file = relative(base, f);
      const n = lineCount(text);
      if (n > MAX_FILE_LINES) offenders.push({ file, lines: n, limit: MAX_FILE_LINES });
      for (const fn of functionSizes(f, text)) {
        if (fn.lines > MAX_FUNCTION_LINES) offenders.push({ file, ...fn, limit: MAX_FUNCTION_LINES });
      }
    }
  }
  return offenders;
}

/** One line per offender, as the CLI prints them. */
export function describeOffender(o) {
  return o.name === undefined
    ? `${o.file}: ${o.lines} lines (limit ${o.limit})`
    : `${o.file}:${o.line} ${o.name}: ${o.lines} lines (limit ${o.limit})`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const offenders = checkSize();
  for (const o of offenders) console.error(`check-size: ${describeOffender(o)}`);
  if (offenders.length > 0) process.exit(1);
  console.log(`check-size: ok (files ≤ ${MAX_FILE_LINES} lines, functions ≤ ${MAX_FUNCTION_LINES} lines)`);
}
