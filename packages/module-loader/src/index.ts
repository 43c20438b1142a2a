/**
 * @quiesce/module-loader: kernel modules (load, init, exit, module states,
 * refcount, dependencies, delete_module semantics) and the owner handle the
 * other packages take: {@link Module} implements core-devres's `ModuleOwner`.
 */

export { moduleDriver } from './driver.js';
export { deleteModule, O_NONBLOCK, O_TRUNC } from './loader/delete.js';
export { loadModule } from './loader/load.js';
export { formatLsmod, type LsmodRow, lsmod, procModules } from './lsmod.js';
export {
  checkModuleDefinition,
  defineModule,
  MODULE_NAME_LEN,
  type ModuleDefinition,
  type ModuleDriverSpec,
  type ModuleHook,
} from './module/definition.js';
export { ENOEXEC, ExecFormatError } from './module/errors.js';
export { MODULE_REF_BASE, Module } from './module/module.js';
export { findModule, thisModule } from './module/registry.js';
export { __moduleGet, moduleIsLive, modulePut, moduleRefcount, tryModuleGet } from './refcount.js';
export { exportSymbol, type FoundSymbol, findSymbol, symbolGet, symbolPut } from './symbols.js';
