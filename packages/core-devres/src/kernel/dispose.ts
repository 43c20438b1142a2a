/**
 * `Symbol.asyncDispose` for `await using`. Node 20.20 defines it; older
 * Node 20 releases did not. The symbol comes from ljharb's `disposablestack`
 * polyfill, which returns the native symbol when there is one (so this is a
 * no-op on current Node) and installs a spec-compliant one otherwise.
 */
import shimSymbolAsyncDispose from 'disposablestack/Symbol.asyncDispose/shim';

/** The `Symbol.asyncDispose` in force (native, or the polyfill's). */
export const asyncDispose: typeof Symbol.asyncDispose = shimSymbolAsyncDispose();
