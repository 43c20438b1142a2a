/**
 * `Symbol.asyncDispose` for `await using`. Node 20.20 defines it; older
 * Node 20 releases did not. The symbol comes from ljharb's `disposablestack`
 * polyfill, which returns the native symbol when there is one (so this is a
 * no-op on current Node) and installs a spec-compliant one otherwise.
 */
import { createRequire } from 'node:module';

// The polyfill is CommonJS without type declarations: load it with require
// so no ambient module declaration has to follow core's sources around.
const require = createRequire(import.meta.url);
// `as`: require() returns any; the shim's export is documented as () => the symbol.
const shimSymbolAsyncDispose = require('disposablestack/Symbol.asyncDispose/shim') as () => typeof Symbol.asyncDispose;

/** The `Symbol.asyncDispose` in force (native, or the polyfill's). */
export const asyncDispose: typeof Symbol.asyncDispose = shimSymbolAsyncDispose();
