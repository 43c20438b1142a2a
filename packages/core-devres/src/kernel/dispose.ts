/**
 * The well-known symbols of explicit resource management (`using`,
 * `await using`), with no polyfill and no requirement on a consumer's `lib`.
 *
 * Runtime: Node defines `Symbol.dispose` and `Symbol.asyncDispose` since
 * 20.4.0 (nodejs/node#48518); newer engines define them natively. Where
 * neither is there (an older browser, a fresh `vm` context on Node 20:
 * Node's definitions live on the main context's `Symbol` only) the fallback is
 * `Symbol.for('Symbol.asyncDispose')`, the registered symbol that esbuild's
 * and other down-levelled `await using` helpers look up, so the scopes still
 * work there. Nothing global is written (the package has no side effects).
 *
 * Types: `typeof Symbol.asyncDispose` exists only with `lib` esnext.disposable
 * (or esnext) or `@types/node`. The conditional types below pick that symbol
 * type when the consumer has it (so `await using` type-checks against our
 * scopes) and a unique symbol of this module otherwise, so the declarations
 * compile under any `lib` from ES2015 up.
 */

declare const asyncDisposeFallback: unique symbol;
declare const disposeFallback: unique symbol;

/** The type of `Symbol.asyncDispose` where the consumer's lib declares it. */
export type AsyncDisposeSymbol = SymbolConstructor extends { readonly asyncDispose: infer S extends symbol }
  ? S
  : typeof asyncDisposeFallback;

/** The type of `Symbol.dispose` where the consumer's lib declares it. */
export type DisposeSymbol = SymbolConstructor extends { readonly dispose: infer S extends symbol }
  ? S
  : typeof disposeFallback;

type MaybeDisposeSymbols = { readonly asyncDispose?: symbol; readonly dispose?: symbol };

/** `Symbol.asyncDispose` (native or Node's), else `Symbol.for('Symbol.asyncDispose')`. */
// `as`: the symbol in force is the one the consumer's lib types (or our stand-in where it types none).
export const asyncDispose: AsyncDisposeSymbol = ((Symbol as MaybeDisposeSymbols).asyncDispose ??
  Symbol.for('Symbol.asyncDispose')) as AsyncDisposeSymbol;

/** `Symbol.dispose` (native or Node's), else `Symbol.for('Symbol.dispose')`. */
// `as`: as above, for `Symbol.dispose`.
export const dispose: DisposeSymbol = ((Symbol as MaybeDisposeSymbols).dispose ??
  Symbol.for('Symbol.dispose')) as DisposeSymbol;

/** An object `await using` can hold: the lib-independent form of `AsyncDisposable`. */
export interface AsyncScope {
  [asyncDispose](): Promise<void>;
}
