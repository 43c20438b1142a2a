/**
 * @quiesce/core-devres: the simulated kernel runtime, the device model,
 * devres and the lifecycle contract, `Revocable<T>`/`Devres<T>`, fenced
 * handles and the sanitizer.
 */

// Operation census (docs/design.md §9)
export { CENSUS_OPS, Census, type CensusCounts, type CensusOp, censusOf } from './census/census.js';
// Device model
export {
  bindScope,
  boundIsCurrent,
  busRegister,
  currentBindingDevice,
  deviceAdd,
  deviceBind,
  deviceDel,
  deviceReleaseDriver,
  driverRegister,
  driverUnregister,
} from './device/bind.js';
export {
  BoundDevice,
  BusType,
  Device,
  type Driver,
  devGetDrvdata,
  devSetDrvdata,
  type TrackedResource,
  trackResource,
  type UnbindMode,
} from './device/device.js';
// devres and the lifecycle contract
export {
  type DevmAction,
  devmAddAction,
  devmAddActionOrReset,
  devmReleaseAction,
  devmRemoveAction,
  devresAdd,
  devresReleaseAll,
  devresReleaseResource,
  devresRemoveResource,
} from './devres/devres.js';
export { Devres } from './devres/devres-value.js';
export { DEAD_VIEW, FencedView } from './devres/fenced-view.js';
export {
  DevresGroupScope,
  devresCloseGroup,
  devresGroupScope,
  devresOpenGroup,
  devresReleaseGroup,
  devresRemoveGroup,
} from './devres/group.js';
export type { DevresNode, GroupId, ManagedResource, ResourceNode, ResourceState } from './devres/node.js';
export { Revocable, RevocableGuard } from './devres/revocable.js';
export { releaseAllAndCheck } from './devres/teardown.js';
export { callbackRunnable, registerModuleText, textOwnerOf } from './kernel/callback.js';
// Runtime
export { ERRNO, type ErrnoName, errno, isKernelError, KernelError } from './kernel/errno.js';
export {
  type BlockedTask,
  type Candidate,
  type ChoicePoint,
  Kernel,
  type KernelOptions,
  type RunResult,
  type Strategy,
  type TraceEvent,
} from './kernel/kernel.js';
export { KernelLocal } from './kernel/kernel-local.js';
export {
  type ModuleOwner,
  type ModuleState,
  modulePutOwner,
  type Owner,
  symbolName,
  tryModuleGetOwner,
} from './kernel/owner.js';
export { Rng } from './kernel/rng.js';
export { Completion } from './kernel/sync/completion.js';
export { Mutex } from './kernel/sync/mutex.js';
export { rcuReaders, rcuReadLock, rcuReadUnlock, synchronizeRcu } from './kernel/sync/rcu.js';
export { msleep, sleepNs, usleepRange } from './kernel/sync/sleep.js';
export { SpinLock } from './kernel/sync/spinlock.js';
export { Srcu } from './kernel/sync/srcu.js';
export { WaitQueue } from './kernel/sync/wait-queue.js';
export { Task, type TaskState } from './kernel/task.js';
export { type TimerEntry, TimerQueue, timerEntry } from './kernel/timer-queue.js';
// Sanitizer
export {
  type ContextInfo,
  formatReport,
  type ReportKind,
  type ReportStacks,
  SanitizerPanic,
  type SanitizerReport,
} from './sanitizer/report.js';
export { captureStack, type ReportInput, Sanitizer, type SanitizerMode } from './sanitizer/sanitizer.js';
