// The public methods of a package's exported classes, found mechanically for the
// may-sleep walk (might-sleep-walk.test.ts): what exists at run time (the
// prototype's own function properties, static functions, the constructor),
// minus what the source declares non-public (TypeScript `private`/`protected`,
// or tagged internal and so stripped from the published .d.ts), minus
// accessors (a getter reads state; none mirrors a sleeping kernel function).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** One public callable of an exported class: `new Class`, `Class.method` (instance), `Class[Symbol.x]` or `static Class.method`. */
export type MethodKey = string;

const INTERNAL_TAG = `@${'internal'}`; // spelled apart: the literal tag in a doc comment would strip it

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface ClassDecl {
  node: ts.ClassDeclaration;
  file: ts.SourceFile;
}

/** Every class declaration under `srcDir`, by name (a name declared twice keeps every declaration). */
function classDecls(srcDir: string): Map<string, ClassDecl[]> {
  const map = new Map<string, ClassDecl[]>();
  for (const path of sourceFiles(srcDir)) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isClassDeclaration(n) && n.name) {
        const list = map.get(n.name.text) ?? [];
        list.push({ node: n, file });
        map.set(n.name.text, list);
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  return map;
}

function hidden(m: ts.ClassElement, file: ts.SourceFile): boolean {
  const mods = ts.canHaveModifiers(m) ? (ts.getModifiers(m) ?? []) : [];
  if (mods.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) {
    return true;
  }
  if (m.name && ts.isPrivateIdentifier(m.name)) return true;
  // stripInternal works on the leading comment text, so read it the same way.
  const ranges = ts.getLeadingCommentRanges(file.text, m.getFullStart()) ?? [];
  return ranges.some((r) => file.text.slice(r.pos, r.end).includes(INTERNAL_TAG));
}

function memberName(m: ts.ClassElement): string | undefined {
  const n = m.name;
  if (!n) return undefined;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  return undefined;
}

/** `Symbol.asyncDispose` for a well-known symbol (Node 20 describes it as `nodejs.asyncDispose`), else its description. */
function symbolName(sym: symbol): string {
  const wellKnown = Object.getOwnPropertyNames(Symbol).find(
    (k) => (Symbol as unknown as Record<string, unknown>)[k] === sym,
  );
  return wellKnown === undefined ? (sym.description ?? '?') : `Symbol.${wellKnown}`;
}

function isClass(v: unknown): v is abstract new (...a: never[]) => unknown {
  return typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

/** The names a class declares non-public, split by instance and static side, and whether its constructor is. */
function nonPublic(decls: ClassDecl[] | undefined): { inst: Set<string>; stat: Set<string>; ctor: boolean } {
  const inst = new Set<string>();
  const stat = new Set<string>();
  let ctor = false;
  for (const { node, file } of decls ?? []) {
    const abstract = (ts.getModifiers(node) ?? []).some((x) => x.kind === ts.SyntaxKind.AbstractKeyword);
    if (abstract) ctor = true;
    for (const m of node.members) {
      if (ts.isConstructorDeclaration(m)) {
        if (hidden(m, file)) ctor = true;
        continue;
      }
      const name = memberName(m);
      if (name === undefined || !hidden(m, file)) continue;
      const isStatic = (ts.canHaveModifiers(m) ? (ts.getModifiers(m) ?? []) : []).some(
        (x) => x.kind === ts.SyntaxKind.StaticKeyword,
      );
      (isStatic ? stat : inst).add(name);
    }
  }
  return { inst, stat, ctor };
}

/**
 * The public callables of every class exported by `mod`, whose sources are
 * under `srcDir`, sorted. A class exported under two names is listed under
 * each. A class whose declaration is not found keeps every run-time member
 * (the check errs towards listing too much).
 */
export function publicClassMethods(mod: Record<string, unknown>, srcDir: string): MethodKey[] {
  const decls = classDecls(srcDir);
  const out: MethodKey[] = [];
  for (const [exportName, v] of Object.entries(mod)) {
    if (!isClass(v)) continue;
    const np = nonPublic(decls.get(v.name));
    if (!np.ctor) out.push(`new ${exportName}`);
    const proto = v.prototype as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || np.inst.has(name)) continue;
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (d && typeof d.value === 'function') out.push(`${exportName}.${name}`);
    }
    // Symbol-keyed methods are public by construction (`[Symbol.asyncDispose]`: the end of an `await using` scope).
    for (const sym of Object.getOwnPropertySymbols(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, sym);
      if (d && typeof d.value === 'function') out.push(`${exportName}[${symbolName(sym)}]`);
    }
    for (const name of Object.getOwnPropertyNames(v)) {
      if (np.stat.has(name)) continue;
      const d = Object.getOwnPropertyDescriptor(v, name);
      if (d && typeof d.value === 'function') out.push(`static ${exportName}.${name}`);
    }
  }
  return out.sort();
}
