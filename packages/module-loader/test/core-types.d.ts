// The core's ambient declaration for the disposablestack shim sits outside this
// package's `include`; the typecheck of the aliased core sources needs it.
/// <reference path="../../core-devres/src/types/disposablestack.d.ts" />
