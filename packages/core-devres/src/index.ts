/**
 * @quiesce/core-devres: the simulated kernel runtime, the device model,
 * devres and the lifecycle contract, `Revocable<T>`/`Devres<T>`, fenced
 * handles and the sanitizer.
 */

// Operation census (docs/design.md §9)
export { CENSUS_OPS, Census, type CensusCounts, type CensusOp, censusOf } from './census/census.js';
// Other designs for "only while bound" (docs/disciplines.md)
export {
  devmRevocableProviderAlloc,
  RevocableConsumer,
  RevocableProvider,
  revocableAlloc,
  revocableIsRevoked,
  revocableProviderAlloc,
  revocableRevoke,
  revocableScoped,
  revocableScopedAsync,
  revocableTryAccess,
  revocableWithdrawAccess,
} from './designs/c-revocable.js';
export {
  DrmDevice,
  drmDevAlloc,
  drmDevEnter,
  drmDevExit,
  drmDevIsUnplugged,
  drmDevUnplug,
  drmUnplugSrcu,
} from './designs/drm-dev.js';
export { type SrcuDomain, srcuGracePeriods, synchronizeSrcuGp } from './designs/srcu-grace.js';
export { SrcuStruct } from './designs/srcu-struct.js';
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
export { devmKcalloc, devmKfree, devmKmalloc, devmKzalloc } from './devres/devm-kmalloc.js';
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
export {
  type AccessorSpec,
  type AccessorTable,
  accessorTableOf,
  DATA_VIEW_ACCESSORS,
  FencedView,
} from './devres/fenced-view.js';
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
// The fence of one resource
export { type DevmFenceOps, type DevmFenceParts, devmFence, devmFenceAdd } from './fence/devm-fence.js';
export {
  Fence,
  type FenceOps,
  type FenceState,
  fenceInit,
  fenceRefuses,
  fenceReportCallback,
  fenceSync,
  type LateStart,
} from './fence/fence.js';
export {
  KernelMemory,
  kernelBuffer,
  kernelMemory,
  kernelMemoryCheck,
  releaseKernelBuffers,
} from './kernel/buffer-pool.js';
export { callbackRunnable, registerModuleText, textOwnerOf } from './kernel/callback.js';
export { checkKernel } from './kernel/check-kernel.js';
export { HUNG_TASK_TIMEOUT_NS, reportBlockedTasks } from './kernel/checks.js';
export {
  type AsyncDisposeSymbol,
  type AsyncScope,
  asyncDispose,
  type DisposeSymbol,
  dispose,
} from './kernel/dispose.js';
// Runtime
export { ERRNO, type ErrnoName, errno, isKernelError, KernelError } from './kernel/errno.js';
export {
  HZ,
  jiffies,
  jiffiesToMsecs,
  jiffiesToUsecs,
  MAX_JIFFY_OFFSET,
  MAX_SCHEDULE_TIMEOUT,
  msecsToJiffies,
  scheduleTimeoutUninterruptible,
  TICK_NSEC,
  timeAfter,
  timeBefore,
  usecsToJiffies,
} from './kernel/jiffies.js';
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
export type { HeldLock, LockClass, LockDep, Lockdep } from './kernel/lockdep.js';
export { mightSleep, mightSleepNames } from './kernel/might-sleep.js';
export {
  type ModuleOwner,
  type ModuleState,
  modulePutOwner,
  type Owner,
  symbolName,
  tryModuleGetOwner,
} from './kernel/owner.js';
export { Rng } from './kernel/rng.js';
export { onlyRunningKernel, runningKernel } from './kernel/running.js';
export { Completion } from './kernel/sync/completion.js';
export { Mutex } from './kernel/sync/mutex.js';
export { rcuReaders, rcuReadLock, rcuReadUnlock, synchronizeRcu } from './kernel/sync/rcu.js';
export { msleep, sleepNs, usleepRange } from './kernel/sync/sleep.js';
export { SpinLock } from './kernel/sync/spinlock.js';
export { Srcu } from './kernel/sync/srcu.js';
export { WaitQueue } from './kernel/sync/wait-queue.js';
export { ERESTARTSYS, waitEventInterruptibleTimeout, waitEventTimeout } from './kernel/sync/wait-timeout.js';
export { Task, type TaskState } from './kernel/task.js';
export { type TimerEntry, TimerQueue, timerEntry } from './kernel/timer-queue.js';
export {
  badArg,
  checkDelayNs,
  checkFn,
  checkIndex,
  checkInt,
  checkIntRange,
  checkNs,
  checkObject,
  checkOptFn,
  checkS32,
  checkString,
  checkU32,
  KTIME_MAX,
  ktimeClamp,
  orNull,
  showValue,
} from './kernel/validate.js';
export { timedTarget, type WaitTarget } from './kernel/wait-graph.js';
export { WeakSlot } from './kernel/weak-slot.js';
// Kernel memory
export {
  __GFP_DIRECT_RECLAIM,
  __GFP_DMA,
  __GFP_DMA32,
  __GFP_FS,
  __GFP_HIGH,
  __GFP_IO,
  __GFP_KSWAPD_RECLAIM,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_RECLAIM,
  __GFP_RETRY_MAYFAIL,
  __GFP_ZERO,
  GFP_ATOMIC,
  GFP_DMA32,
  GFP_KERNEL,
  GFP_NOFS,
  GFP_NOIO,
  GFP_NOWAIT,
  gfpflagsAllowBlocking,
} from './mm/gfp.js';
export { isKBuf, KBuf, type KBufOrigin, POISON_FREE, POISON_INUSE } from './mm/kbuf.js';
export { type KmemleakScanOptions, kmemleakScan } from './mm/kmemleak.js';
export {
  KMALLOC_MAX_CACHE_SIZE,
  KMALLOC_MAX_SIZE,
  kcalloc,
  kfree,
  kmalloc,
  kmallocArray,
  kmallocCacheName,
  kmallocSizeRoundup,
  krealloc,
  ksize,
  kzalloc,
  SIZE_MAX,
  type SlabInfo,
  slabInfo,
  ZERO_OR_NULL_PTR,
  ZERO_SIZE_PTR,
} from './mm/slab.js';
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
