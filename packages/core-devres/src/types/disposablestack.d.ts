// disposablestack ships no type declarations; these cover what quiesce uses.
declare module 'disposablestack/Symbol.asyncDispose/shim' {
  const shimSymbolAsyncDispose: () => typeof Symbol.asyncDispose;
  export default shimSymbolAsyncDispose;
}
