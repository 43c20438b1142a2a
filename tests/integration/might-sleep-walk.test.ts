// The may-sleep walk (issue 14 item 3): every exported API of pci-emu, core-devres, miscdev, module-loader,
// workqueue and hrtimer is classified as sleeping or not; each sleeping one
// is called from hardirq, softirq and spinlock-held context and must file
// `sleep-in-atomic` whether or not it would block this time. The same holds
// for the public methods and constructors of every exported class, found
// mechanically (class-methods.ts). A new export or method that is in neither
// table fails the classification test.

import { fileURLToPath } from 'node:url';
import * as core from '@quiesce/core-devres';
import { GFP_KERNEL, Kernel, mightSleepNames, SpinLock } from '@quiesce/core-devres';
import * as hr from '@quiesce/hrtimer';
import * as misc from '@quiesce/miscdev';
import * as modl from '@quiesce/module-loader';
import * as pci from '@quiesce/pci-emu';
import * as wqm from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { publicClassMethods } from './class-methods.js';

interface World {
  k: Kernel;
  pdev: pci.PciDev;
  wq: wqm.Workqueue;
  work: wqm.WorkStruct;
  dwork: wqm.DelayedWork;
  timer: hr.HrTimer;
  misc: misc.MiscDevice;
  /** A mapping of BAR 0 (pci_iomap) and a managed one (pcim_iomap of BAR 1: the edu device has one BAR, so BAR 0 again). */
  io: pci.IoMem;
  mio: pci.IoMem;
  rp: core.RevocableProvider<object>;
  ddev: core.DrmDevice;
  fence: core.Fence;
  /** An open file of /dev/walk_reg, and a second descriptor on it for the VFS calls. */
  file: misc.File;
  fh: misc.FileHandle;
  /** A devres group opened as a scope, not kept. */
  scope: core.DevresGroupScope;
  /** The thread of a threaded IRQ action. */
  irqThread: pci.IrqThread;
  /** A misc device's in-flight fence, nothing in flight. */
  fileFence: misc.FileFence;
}

type Call = (w: World) => unknown;
const noop = async (): Promise<void> => undefined;
const irqNone = (): number => 0;
const miscDev = (name: string): misc.MiscDevice => ({ minor: misc.MISC_DYNAMIC_MINOR, name, fops: { owner: null } });
const srcu = (): core.SrcuDomain => ({ name: 'walk_srcu', readers: 0, synchronizeSrcu: noop });

/** The kernel functions documented "may sleep", with one call each. */
const SLEEPING: Record<string, Record<string, Call>> = {
  'pci-emu': {
    dmaAllocCoherent: (w) => pci.dmaAllocCoherent(w.pdev, 4096),
    dmamAllocCoherent: (w) => pci.dmamAllocCoherent(w.pdev, 4096),
    pciIomap: (w) => pci.pciIomap(w.pdev, 0, 0),
    pciIomapRange: (w) => pci.pciIomapRange(w.pdev, 0, 0, 0),
    pcimIomap: (w) => pci.pcimIomap(w.pdev, 0, 0),
    pcimIomapRegion: (w) => pci.pcimIomapRegion(w.pdev, 0, 'walk'),
    pciEnableDevice: (w) => pci.pciEnableDevice(w.pdev),
    pciDisableDevice: (w) => pci.pciDisableDevice(w.pdev),
    pcimEnableDevice: (w) => pci.pcimEnableDevice(w.pdev),
    pciSetMaster: (w) => pci.pciSetMaster(w.pdev),
    pciClearMaster: (w) => pci.pciClearMaster(w.pdev),
    pciAllocIrqVectors: (w) => pci.pciAllocIrqVectors(w.pdev, 1, 1, pci.PCI_IRQ_INTX),
    pciFreeIrqVectors: (w) => pci.pciFreeIrqVectors(w.pdev),
    requestIrq: (w) => pci.requestIrq(w.k, w.pdev.irq, irqNone, pci.IRQF_SHARED, 'walk', w, null),
    requestThreadedIrq: (w) => pci.requestThreadedIrq(w.k, w.pdev.irq, irqNone, null, pci.IRQF_SHARED, 'walk', w, null),
    devmRequestIrq: (w) => pci.devmRequestIrq(w.pdev, w.pdev.irq, irqNone, pci.IRQF_SHARED, 'walk', w, null),
    devmRequestThreadedIrq: (w) =>
      pci.devmRequestThreadedIrq(w.pdev, w.pdev.irq, irqNone, null, pci.IRQF_SHARED, 'walk', w, null),
    freeIrq: (w) => pci.freeIrq(w.k, w.pdev.irq, w),
    synchronizeIrq: (w) => pci.synchronizeIrq(w.k, w.pdev.irq),
    disableIrq: (w) => pci.disableIrq(w.k, w.pdev.irq),
    pciRequestRegion: (w) => pci.pciRequestRegion(w.pdev, 0, 'walk'),
    pciRequestRegions: (w) => pci.pciRequestRegions(w.pdev, 'walk'),
    pciRequestSelectedRegions: (w) => pci.pciRequestSelectedRegions(w.pdev, 1, 'walk'),
    pcimRequestRegion: (w) => pci.pcimRequestRegion(w.pdev, 0, 'walk'),
    pciRegisterDriver: (w) => pci.pciRegisterDriver(w.k, { name: 'walk', owner: null, idTable: [], probe: noop }),
    pciUnregisterDriver: (w) => pci.pciUnregisterDriver(w.k, { name: 'walk', owner: null, idTable: [], probe: noop }),
    pciIounmap: (w) => pci.pciIounmap(w.pdev, w.io),
    pcimIounmap: (w) => pci.pcimIounmap(w.pdev, w.mio),
    pcimIounmapRegion: (w) => pci.pcimIounmapRegion(w.pdev, w.mio),
    pciAddDevice: (w) => pci.pciAddDevice(w.k, new pci.EduDevice()),
    pciRemoveDevice: (w) => pci.pciRemoveDevice(w.pdev),
  },
  workqueue: {
    allocWorkqueue: (w) => wqm.allocWorkqueue(w.k, 'walk'),
    allocOrderedWorkqueue: (w) => wqm.allocOrderedWorkqueue(w.k, 'walk'),
    devmAllocWorkqueue: (w) => wqm.devmAllocWorkqueue(w.pdev, 'walk'),
    workqueueSetMaxActive: (w) => wqm.workqueueSetMaxActive(w.wq, 4),
    flushWork: (w) => wqm.flushWork(w.work),
    cancelWorkSync: (w) => wqm.cancelWorkSync(w.work),
    disableWorkSync: (w) => wqm.disableWorkSync(w.work),
    flushDelayedWork: (w) => wqm.flushDelayedWork(w.dwork),
    cancelDelayedWorkSync: (w) => wqm.cancelDelayedWorkSync(w.dwork),
    disableDelayedWorkSync: (w) => wqm.disableDelayedWorkSync(w.dwork),
    flushWorkqueue: (w) => wqm.flushWorkqueue(w.wq),
    drainWorkqueue: (w) => wqm.drainWorkqueue(w.wq),
    destroyWorkqueue: (w) => wqm.destroyWorkqueue(w.wq),
    devmWorkInit: (w) => wqm.devmWorkInit(w.pdev, wqm.allocWork(w.k), noop),
    devmDelayedWorkInit: (w) => wqm.devmDelayedWorkInit(w.pdev, wqm.allocDelayedWork(w.k), noop),
  },
  hrtimer: {
    hrtimerCancel: (w) => hr.hrtimerCancel(w.timer),
    devmHrtimerSetup: (w) =>
      hr.devmHrtimerSetup(
        w.pdev,
        new hr.HrTimer(),
        () => hr.HRTIMER_NORESTART,
        hr.CLOCK_MONOTONIC,
        hr.HRTIMER_MODE_REL,
        null,
      ),
  },
  'core-devres': {
    devmAddAction: (w) => core.devmAddAction(w.pdev, () => undefined, null),
    devmAddActionOrReset: (w) => core.devmAddActionOrReset(w.pdev, () => undefined, null),
    devmKmalloc: (w) => core.devmKmalloc(w.pdev, 64, GFP_KERNEL),
    devmKzalloc: (w) => core.devmKzalloc(w.pdev, 64, GFP_KERNEL),
    devmKcalloc: (w) => core.devmKcalloc(w.pdev, 4, 16, GFP_KERNEL),
    kmalloc: (w) => core.kmalloc(w.k, 64, GFP_KERNEL),
    kzalloc: (w) => core.kzalloc(w.k, 64, GFP_KERNEL),
    kcalloc: (w) => core.kcalloc(w.k, 4, 16, GFP_KERNEL),
    kmallocArray: (w) => core.kmallocArray(w.k, 4, 16, GFP_KERNEL),
    krealloc: (w) => core.krealloc(w.k, null, 64, GFP_KERNEL),
    msleep: (w) => core.msleep(w.k, 1),
    usleepRange: (w) => core.usleepRange(w.k, 10, 20),
    sleepNs: (w) => core.sleepNs(w.k, 1000),
    scheduleTimeoutUninterruptible: (w) => core.scheduleTimeoutUninterruptible(w.k, 1),
    waitEventTimeout: (w) => core.waitEventTimeout(w.k, new core.WaitQueue(w.k, 'walk_wait'), () => true, 1),
    waitEventInterruptibleTimeout: (w) =>
      core.waitEventInterruptibleTimeout(w.k, new core.WaitQueue(w.k, 'walk_wait'), () => true, 1),
    synchronizeRcu: (w) => core.synchronizeRcu(w.k),
    synchronizeSrcuGp: (w) => core.synchronizeSrcuGp(w.k, srcu()),
    mightSleep: (w) => core.mightSleep(w.k, 'walk'),
    revocableRevoke: (w) => core.revocableRevoke(w.rp),
    drmDevUnplug: (w) => core.drmDevUnplug(w.ddev),
    devresAdd: (w) => core.devresAdd(w.pdev, { name: 'walk_res', release: () => undefined }),
    devresOpenGroup: (w) => core.devresOpenGroup(w.pdev),
    devresGroupScope: (w) => core.devresGroupScope(w.pdev),
    devresReleaseAll: (w) => core.devresReleaseAll(w.pdev),
    devresReleaseGroup: (w) => core.devresReleaseGroup(w.pdev),
    devresReleaseResource: (w) => core.devresReleaseResource(w.pdev, { name: 'walk_res', release: () => undefined }),
    devmReleaseAction: (w) => core.devmReleaseAction(w.pdev, () => undefined, null),
    releaseAllAndCheck: (w) => core.releaseAllAndCheck(w.pdev),
    bindScope: (w) => core.bindScope(w.pdev, { name: 'walk', owner: null, probe: noop }),
    busRegister: (w) => core.busRegister(w.k, 'walk_bus'),
    devmFence: (w) => core.devmFence(w.pdev, 'walk_fence', { quiesce: noop }),
    devmFenceAdd: (w) => core.devmFenceAdd(w.pdev, w.fence),
    revocableProviderAlloc: (w) => core.revocableProviderAlloc(w.k, {}),
    devmRevocableProviderAlloc: (w) => core.devmRevocableProviderAlloc(w.pdev, {}),
    revocableAlloc: (w) => core.revocableAlloc(w.rp),
    revocableScopedAsync: (w) => core.revocableScopedAsync(w.rp, async () => 0),
    drmDevAlloc: (w) => core.drmDevAlloc(w.pdev, 'walk_drm'),
    driverRegister: (w) => core.driverRegister(w.pdev.bus, { name: 'walk', owner: null, probe: noop }),
    driverUnregister: (w) => core.driverUnregister(w.pdev.bus, { name: 'walk', owner: null, probe: noop }),
    deviceAdd: (w) => core.deviceAdd(w.pdev),
    deviceDel: (w) => core.deviceDel(w.pdev),
    deviceBind: (w) => core.deviceBind(w.pdev, { name: 'walk', owner: null, probe: noop }),
    deviceReleaseDriver: (w) => core.deviceReleaseDriver(w.pdev),
    fenceSync: (w) => core.fenceSync(core.fenceInit(w.k, 'walk_fence', { quiesce: noop })),
  },
  miscdev: {
    miscRegister: (w) => misc.miscRegister(w.k, miscDev('walk_misc')),
    devmMiscRegister: (w) => misc.devmMiscRegister(w.pdev, miscDev('walk_misc')),
    miscDeregister: (w) => misc.miscDeregister(w.misc),
    miscDeregisterSync: (w) => misc.miscDeregisterSync(w.misc),
    open: (w) => misc.open(w.k, '/dev/walk_reg'),
    revocableReplaceFops: (w) => misc.revocableReplaceFops(w.file, w.rp),
    // might_fault(): checked in the running kernel (a UserBuffer belongs to none).
    copyToUser: () => misc.copyToUser(misc.UserBuffer.alloc(4), new Uint8Array(4)),
    copyFromUser: () => misc.copyFromUser(new Uint8Array(4), misc.UserBuffer.alloc(4)),
    getUserU32: () => misc.getUserU32(misc.UserBuffer.alloc(4)),
    putUserU32: () => misc.putUserU32(misc.UserBuffer.alloc(4), 1),
  },
  'module-loader': {
    loadModule: (w) => modl.loadModule(w.k, modl.defineModule({ name: 'walk_mod' })),
    deleteModule: (w) => modl.deleteModule(w.k, 'walk_loaded'),
  },
};

/**
 * The public methods and constructors of the exported classes (found by
 * `publicClassMethods`, class-methods.ts) that mirror sleeping kernel
 * functions, one call each, keyed `Class.method`, `new Class` or
 * `Class[Symbol.x]`. Each is called on a fresh object whose wait would end at
 * once: the check must not depend on blocking.
 */
const SLEEPING_METHODS: Record<string, Record<string, Call>> = {
  'core-devres': {
    // mutex_lock() / guard(mutex)
    'Mutex.lock': (w) => new core.Mutex(w.k, 'walk_mutex').lock(),
    'Mutex.with': (w) => new core.Mutex(w.k, 'walk_mutex').with(() => 0),
    // wait_for_completion(), wait_for_completion_timeout()
    'Completion.waitForCompletion': (w) => {
      const c = new core.Completion(w.k, 'walk_done');
      c.complete();
      return c.waitForCompletion();
    },
    'Completion.waitForCompletionTimeout': (w) => {
      const c = new core.Completion(w.k, 'walk_done');
      c.complete();
      return c.waitForCompletionTimeout(10);
    },
    // wait_event()
    'WaitQueue.waitEvent': (w) => new core.WaitQueue(w.k, 'walk_wq').waitEvent(() => true),
    // Revocable::revoke(): synchronize_rcu()
    'Revocable.revoke': (w) => new core.Revocable(w.k, {}, 'walk_rev').revoke(),
    // synchronize_srcu()
    'Srcu.synchronizeSrcu': (w) => new core.Srcu(w.k, 'walk_srcu').synchronizeSrcu(),
    'SrcuStruct.synchronizeSrcu': (w) => new core.SrcuStruct(w.k, 'walk_srcu').synchronizeSrcu(),
    // Devres::new(): a GFP_KERNEL devres node
    'new Devres': (w) => new core.Devres(w.pdev, {}, 'walk_devres'),
    // devres_open_group(GFP_KERNEL), and devres_release_group() at scope end
    'new DevresGroupScope': (w) => new core.DevresGroupScope(w.pdev),
    'DevresGroupScope[Symbol.asyncDispose]': (w) => w.scope[Symbol.asyncDispose](),
    // might_sleep() itself
    'Kernel.mightSleep': (w) => w.k.mightSleep('walk'),
  },
  'pci-emu': {
    // kthread_stop()
    'IrqThread.stop': (w) => w.irqThread.stop(),
  },
  miscdev: {
    // The VFS entry points: process context by construction (fdget_pos takes f_pos_lock, __fput may sleep).
    'FileFence.drain': (w) => w.fileFence.drain(),
    'FileHandle.ioctl': (w) => w.fh.ioctl(0),
    'FileHandle.read': (w) => w.fh.read(4),
    'FileHandle.readInto': (w) => w.fh.readInto(misc.UserBuffer.alloc(4)),
    'FileHandle.write': (w) => w.fh.write(new Uint8Array(4)),
    'FileHandle.poll': (w) => w.fh.poll(),
    'FileHandle.close': (w) => w.fh.close(),
  },
};

/**
 * Public methods and constructors of exported classes that never sleep in
 * the kernel (atomic-safe), or that are not kernel APIs (the simulation's
 * own machinery, hardware models, error classes).
 */
const NOT_SLEEPING_METHODS: Record<string, readonly string[]> = {
  'core-devres': [
    // Structs: declaring one allocates nothing; their allocators (busRegister, drmDevAlloc,
    // fenceInit, revocableProviderAlloc, revocableAlloc) are the APIs and are in SLEEPING.
    'new BusType',
    'new Device', // device_initialize(): no allocation
    'Device.toString',
    'new DrmDevice',
    'new Fence',
    'new RevocableProvider',
    'new RevocableConsumer',
    // init_completion(), complete(), complete_all(), completion_done(), reinit_completion(),
    // try_wait_for_completion(): all irq-safe.
    'new Completion',
    'Completion.complete',
    'Completion.completeAll',
    'Completion.completionDone',
    'Completion.reinit',
    'Completion.tryWaitForCompletion',
    // Devres::access() / try_access(): an RCU read-side section (Rust's Devres).
    'Devres.access',
    'Devres.isRevoked',
    'Devres.tryAccess',
    'Devres.tryAccessWithGuard',
    'DevresGroupScope.keep',
    // readb()..writeq() on an __iomem mapping: atomic-safe; release marks the handle dead.
    'new FencedView',
    'FencedView.readb',
    'FencedView.readw',
    'FencedView.readl',
    'FencedView.readq',
    'FencedView.writeb',
    'FencedView.writew',
    'FencedView.writel',
    'FencedView.writeq',
    'FencedView.release',
    // A kmalloc object's bytes (the allocators are the APIs); kill is kfree's last step.
    'new KBuf',
    'KBuf.getU8',
    'KBuf.getU16',
    'KBuf.getU32',
    'KBuf.getU64',
    'KBuf.setU8',
    'KBuf.setU16',
    'KBuf.setU32',
    'KBuf.setU64',
    'KBuf.memset',
    'KBuf.memcpyFrom',
    'KBuf.memcpyTo',
    'KBuf.kill',
    'KBuf.toString',
    // mutex_init(), mutex_trylock(), mutex_unlock(), mutex_is_locked(): none sleeps.
    'new Mutex',
    'Mutex.trylock',
    'Mutex.unlock',
    'Mutex.isLocked',
    // Revocable::new(), try_access(), revoke_nosync(); the guard's drop is rcu_read_unlock().
    'new Revocable',
    'Revocable.tryAccess',
    'Revocable.tryAccessWithGuard',
    'Revocable.isRevoked',
    'Revocable.revokeNosync',
    'new RevocableGuard',
    'RevocableGuard.release',
    'RevocableGuard[Symbol.dispose]',
    // spin_lock_init(), spin_lock(), spin_lock_irqsave() and their unlocks.
    'new SpinLock',
    'SpinLock.lock',
    'SpinLock.lockIrqsave',
    'SpinLock.unlock',
    'SpinLock.unlockIrqrestore',
    // DEFINE_SRCU()/DEFINE_STATIC_SRCU() as much as init_srcu_struct(): the kernel's drm_unplug_srcu
    // is a static one, made here on first use in any context. srcu_read_lock()/unlock() are atomic-safe.
    'new Srcu',
    'Srcu.srcuReadLock',
    'Srcu.srcuReadUnlock',
    'new SrcuStruct',
    'SrcuStruct.srcuReadLock',
    'SrcuStruct.srcuReadUnlock',
    // init_waitqueue_head(), wake_up(), wake_up_nr(1): irq-safe.
    'new WaitQueue',
    'WaitQueue.wakeUp',
    'WaitQueue.wakeOne',
    // The scheduler's building blocks under every sleeping primitive (which checks might_sleep
    // first): schedule() has no might_sleep() either. yield is also the tests' preemption point,
    // legal inside a preemptible RCU reader; a kworker whose work leaked a spinlock still parks
    // (workqueue's leaked-atomic tests rely on both).
    'Kernel.block',
    'Kernel.idleWait',
    'Kernel.join',
    'Kernel.yield',
    // The simulation itself, driven from outside any task or from any context.
    'new Kernel',
    'Kernel.advance',
    'Kernel.allocFails',
    'Kernel.armTimer',
    'Kernel.cancelTimer',
    'Kernel.contextInfo',
    'Kernel.dmesg',
    'Kernel.exec',
    'Kernel.failNextAllocations',
    'Kernel.inAtomic',
    'Kernel.inInterrupt',
    'Kernel.occupyCpu',
    'Kernel.raise',
    'Kernel.run',
    'Kernel.runAtomic',
    'Kernel.runFor',
    'Kernel.spawn', // wake_up_process() of a new task: irq-safe
    'Kernel.stack',
    'Kernel.trace',
    'Kernel.wake', // wake_up_process()
    'Kernel.warn', // WARN()
    'new KernelLocal',
    'KernelLocal.get',
    // Recycled world memory (the explorer's machinery, no kernel API): a record and a fill.
    'new KernelMemory',
    'KernelMemory.written',
    'KernelMemory.reset',
    'new WeakSlot', // a side table keyed by object (kernel-local state)
    'WeakSlot.get',
    'WeakSlot.has',
    'WeakSlot.set',
    'WeakSlot.delete',
    'new Task',
    'Task.result',
    'new TimerQueue',
    'TimerQueue.add',
    'TimerQueue.peek',
    'TimerQueue.pop',
    'TimerQueue.remove',
    'TimerQueue.snapshot',
    'new Census',
    'Census.begin',
    'Census.count',
    'Census.countAll',
    'Census.end',
    'Census.paths',
    'Census.reset',
    'new Rng',
    'Rng.below',
    'Rng.float',
    'Rng.nextU32',
    'new Sanitizer',
    'Sanitizer.byKind',
    'Sanitizer.clear',
    'Sanitizer.report',
    'new KernelError',
    'new SanitizerPanic',
  ],
  'pci-emu': [
    // The device side (QEMU's models and the bus), not driver APIs.
    'new ConfigSpace',
    'ConfigSpace.read',
    'ConfigSpace.write',
    'ConfigSpace.set',
    'ConfigSpace.setWmask',
    'new EduDevice',
    'EduDevice.attach',
    'EduDevice.detach',
    'EduDevice.reset',
    'EduDevice.onMmioRead',
    'EduDevice.onMmioWrite',
    'new SystemRam',
    'SystemRam.alloc',
    'SystemRam.free',
    'SystemRam.view',
    'SystemRam.checkDeviceAccess',
    'new PciDev', // the struct; pciAddDevice is the API
    // MMIO accessors of a mapping (pciIomap makes them): atomic-safe.
    'new IoMem',
    'IoMem.validate',
    'IoMem.readb',
    'IoMem.readw',
    'IoMem.readq',
    'IoMem.writeb',
    'IoMem.writew',
    'IoMem.writel',
    'IoMem.writeq',
    // DataView's own stores on an IoMem: a store, then the model's write hook, as writeX.
    'IoMem.setInt8',
    'IoMem.setUint8',
    'IoMem.setInt16',
    'IoMem.setUint16',
    'IoMem.setInt32',
    'IoMem.setUint32',
    'IoMem.setFloat32',
    'IoMem.setFloat64',
    'IoMem.setBigInt64',
    'IoMem.setBigUint64',
    'IoMem.readChecked8',
    'IoMem.readChecked16',
    'IoMem.readChecked32',
    'IoMem.readChecked64',
    'IoMem.writeChecked8',
    'IoMem.writeChecked16',
    'IoMem.writeChecked32',
    'IoMem.writeChecked64',
    'new IoMemReadlHooked',
    'IoMemReadlHooked.readl',
    // The IRQ core's descriptors: handle_level_irq()/handle_edge_irq() paths run in hardirq.
    'new IrqDesc',
    'new IrqTable',
    'IrqTable.create',
    'IrqTable.kick',
    'IrqTable.setLevel',
    // The thread is made by request_threaded_irq (in SLEEPING); __irq_wake_thread() runs in hardirq.
    'new IrqThread',
    'IrqThread.wake',
  ],
  hrtimer: ['new HrTimer', 'new HrtimerClockBase', 'new HrtimerCpuBase'],
  workqueue: [
    // Structs (allocWork/allocWorkqueue are the APIs); pools are created and kicked from any
    // context (queue_work() in an IRQ handler kicks a pool).
    'new WorkStruct',
    'new DelayedWork',
    'new Workqueue',
    'Workqueue.pwqFor',
    'new WorkerPool',
    'WorkerPool.kick',
    'WorkerPool.findWorkerExecuting',
    'new Worker',
  ],
  miscdev: [
    'new FileFence',
    'FileFence.exit',
    'new FileHandle', // made by open(), in SLEEPING
    'new MiscRegistry',
    'MiscRegistry.mknod',
    // User memory: userspace's side, not the kernel's.
    'new UserBuffer',
    'UserBuffer.munmap',
    'static UserBuffer.alloc',
    'static UserBuffer.null',
  ],
  'module-loader': [
    // try_module_get(), __module_get(), module_put(): atomic-safe; find_symbol() under RCU.
    'Module.tryGet',
    'Module.get',
    'Module.put',
    'Module.symbol',
    'Module.toString',
    'new ExecFormatError',
  ],
};

/** Exports that never sleep (atomic-safe in the kernel), or that are not kernel APIs (types, constants, test helpers). */
const NOT_SLEEPING: Record<string, readonly string[]> = {
  'pci-emu': [
    'disableIrqNosync',
    'dmaBitMask',
    'dmaFreeCoherent',
    'dmaSetMaskAndCoherent',
    'eduFactorial',
    'enableIrq',
    'irqDefaultPrimaryHandler',
    'irqOccupy',
    'irqTable',
    'pciBarIndexIsValid',
    'pciBus',
    'pciIntx',
    'pciIrqVector',
    'pciMatchId',
    'pciMsiVecCount',
    'pciReadConfigByte',
    'pciReadConfigDword',
    'pciReadConfigWord',
    'pciReleaseRegion',
    'pciReleaseRegions',
    'pciReleaseSelectedRegions',
    'pciResourceLen',
    'pciResourceStart',
    'pciSurpriseRemove',
    'pciWriteConfigByte',
    'pciWriteConfigDword',
    'pciWriteConfigWord',
    'pcibiosErrToErrno',
    'pcimPinDevice',
    'pcimReleaseRegion',
    'systemRam',
  ],
  workqueue: [
    'allocDelayedWork',
    'allocWork',
    'cancelDelayedWork',
    'cancelWork',
    'delayedWorkPending',
    'disableDelayedWork',
    'disableWork',
    'enableDelayedWork',
    'enableWork',
    'initDelayedWork',
    'initWork',
    'modDelayedWork',
    'modDelayedWorkOn',
    'pools',
    'queueDelayedWork',
    'queueDelayedWorkOn',
    'queueWork',
    'queueWorkOn',
    'scheduleDelayedWork',
    'scheduleWork',
    'systemUnboundWq',
    'systemWq',
    'workBusy',
    'workDisableCount',
    'workPending',
    'workRunning',
    'workqueueInFlight',
    'wqClampMaxActive',
  ],
  hrtimer: [
    'hrtimerActive',
    'hrtimerAddExpiresNs',
    'hrtimerCallbackRunning',
    'hrtimerCbGetTime',
    'hrtimerClockBase',
    'hrtimerForward',
    'hrtimerForwardNow',
    'hrtimerGetExpires',
    'hrtimerGetRemaining',
    'hrtimerGetSoftexpires',
    'hrtimerIsQueued',
    'hrtimerSetExpires',
    'hrtimerSetExpiresRangeNs',
    'hrtimerSetup',
    'hrtimerStart',
    'hrtimerStartExpires',
    'hrtimerStartRangeNs',
    'hrtimerState',
    'hrtimerTryToCancel',
    'ktimeAddSafe',
  ],
  'core-devres': [
    'accessorTableOf',
    'badArg',
    'boundIsCurrent',
    'callbackRunnable',
    'captureStack',
    'censusOf',
    'checkDelayNs',
    'checkFn',
    'checkIndex',
    'checkInt',
    'checkIntRange',
    'checkKernel',
    'checkNs',
    'checkObject',
    'checkOptFn',
    'checkS32',
    'checkString',
    'checkU32',
    'currentBindingDevice',
    'devGetDrvdata',
    'devSetDrvdata',
    'devmKfree',
    'devmRemoveAction',
    'devresCloseGroup',
    'devresRemoveGroup',
    'devresRemoveResource',
    'drmDevEnter',
    'drmDevExit',
    'drmDevIsUnplugged',
    'drmUnplugSrcu',
    'errno',
    'fenceInit',
    'fenceRefuses',
    'fenceReportCallback',
    'formatReport',
    'gfpflagsAllowBlocking',
    'isKBuf',
    'isKernelError',
    'jiffies',
    'jiffiesToMsecs',
    'jiffiesToUsecs',
    'kernelBuffer',
    'kernelMemory',
    'kernelMemoryCheck',
    'kfree',
    'kmallocCacheName',
    'kmallocSizeRoundup',
    'kmemleakScan', // the debugfs "scan" action, not a driver API
    'ksize',
    'ktimeClamp',
    'mightSleepNames',
    'modulePutOwner',
    'msecsToJiffies',
    'onlyRunningKernel',
    'runningKernel',
    'orNull',
    'rcuReadLock',
    'rcuReadUnlock',
    'rcuReaders',
    'registerModuleText',
    'releaseKernelBuffers',
    'reportBlockedTasks',
    'revocableIsRevoked',
    'revocableScoped',
    'revocableTryAccess',
    'revocableWithdrawAccess',
    'showValue',
    'slabInfo',
    'srcuGracePeriods',
    'symbolName',
    'textOwnerOf',
    'timeAfter',
    'timeBefore',
    'timedTarget',
    'timerEntry',
    'trackResource',
    'tryModuleGetOwner',
    'usecsToJiffies',
  ],
  miscdev: ['fileRevocable', 'miscMutex', 'miscOpenFiles', 'miscRegistered', 'miscRegistry'],
  'module-loader': [
    '__moduleGet',
    'checkModuleDefinition',
    'defineModule',
    'exportSymbol',
    'findModule',
    'findSymbol',
    'formatLsmod',
    'lsmod',
    'moduleDriver',
    'moduleIsLive',
    'modulePut',
    'moduleRefcount',
    'procModules',
    'symbolGet',
    'symbolPut',
    'thisModule',
    'tryModuleGet',
  ],
};

const MODULES: Record<string, Record<string, unknown>> = {
  'pci-emu': pci,
  workqueue: wqm,
  hrtimer: hr,
  'core-devres': core,
  miscdev: misc,
  'module-loader': modl,
};

/** Exported functions (lower-case first letter: classes and enums are not calls). */
function exportedFunctions(m: Record<string, unknown>): string[] {
  return Object.entries(m)
    .filter(([n, v]) => typeof v === 'function' && /^[a-z_]/.test(n))
    .map(([n]) => n)
    .sort();
}

async function world(): Promise<World> {
  const k = new Kernel({ cpus: 2 });
  const pdev = await k.exec('plug', () => pci.pciAddDevice(k, new pci.EduDevice()));
  const wq = wqm.allocWorkqueue(k, 'walk_wq') as wqm.Workqueue;
  const work = wqm.initWork(wqm.allocWork(k), noop);
  const dwork = wqm.initDelayedWork(wqm.allocDelayedWork(k), noop);
  const timer = hr.hrtimerSetup(
    k,
    new hr.HrTimer(),
    () => hr.HRTIMER_NORESTART,
    hr.CLOCK_MONOTONIC,
    hr.HRTIMER_MODE_REL,
    null,
  );
  const md = miscDev('walk_reg');
  await k.exec('register', () => misc.miscRegister(k, md));
  await k.exec('load', () => modl.loadModule(k, modl.defineModule({ name: 'walk_loaded', exit: noop })));
  const io = (await k.exec('map', () => pci.pciIomap(pdev, 0, 0))) as pci.IoMem;
  const mio = (await k.exec('pcim map', () => pci.pcimIomap(pdev, 0, 0))) as pci.IoMem;
  const rp = await k.exec('provider', () => core.revocableProviderAlloc(k, {}, 'walk_rp'));
  const ddev = await k.exec('drm', () => core.drmDevAlloc(pdev, 'walk_drm'));
  const fence = core.fenceInit(k, 'walk_fence', { quiesce: noop });
  const file = (await k.exec('open', () => misc.open(k, '/dev/walk_reg'))).file;
  const fh = await k.exec('open', () => misc.open(k, '/dev/walk_reg'));
  const scope = await k.exec('group', () => core.devresGroupScope(pdev));
  const threadDev = {};
  await k.exec('threaded irq', () =>
    pci.requestThreadedIrq(
      k,
      pdev.irq,
      irqNone,
      async () => pci.IRQ_HANDLED,
      pci.IRQF_SHARED,
      'walk_thr',
      threadDev,
      null,
    ),
  );
  const action = pci
    .irqTable(k)
    .descs.get(pdev.irq)
    ?.actions.find((a) => a.devId === threadDev);
  if (!action?.thread) throw new Error('world: the threaded action has no thread');
  const irqThread = action.thread;
  const fileFence = new misc.FileFence(k, 'walk_ff', core.fenceInit(k, 'walk_ff', { quiesce: noop }), false);
  return { k, pdev, wq, work, dwork, timer, misc: md, io, mio, rp, ddev, fence, file, fh, scope, irqThread, fileFence };
}

type Ctx = 'hardirq' | 'softirq' | 'spinlock';

/** Calls `call` in context `ctx` inside a task; returns the new sleep-in-atomic reports. */
async function callIn(w: World, ctx: Ctx, call: Call): Promise<number> {
  const before = w.k.reports.filter((r) => r.kind === 'sleep-in-atomic').length;
  await w.k.exec('walk', async () => {
    let out: unknown;
    const run = (): void => {
      try {
        out = call(w);
      } catch {
        // The API may also refuse (e.g. -EBUSY); only the context check is under test.
      }
    };
    if (ctx === 'spinlock') {
      const l = new SpinLock(w.k, 'walk_lock');
      l.lock();
      run();
      l.unlock();
    } else {
      w.k.runAtomic(ctx, 0, `walk ${ctx}`, run);
    }
    if (out instanceof Promise) await out.catch(() => undefined);
  });
  return w.k.reports.filter((r) => r.kind === 'sleep-in-atomic').length - before;
}

describe('might_sleep walk', () => {
  for (const [pkg, m] of Object.entries(MODULES)) {
    it(`${pkg}: every exported function is classified sleeping or not`, () => {
      const classified = new Set([...Object.keys(SLEEPING[pkg] ?? {}), ...(NOT_SLEEPING[pkg] ?? [])]);
      expect(exportedFunctions(m).filter((n) => !classified.has(n))).toEqual([]);
      expect([...classified].filter((n) => typeof m[n] !== 'function')).toEqual([]);
    });
    for (const [name, call] of Object.entries(SLEEPING[pkg] ?? {})) {
      it(`${pkg}.${name} reports sleep-in-atomic from hardirq, softirq and under a spinlock`, async () => {
        for (const ctx of ['hardirq', 'softirq', 'spinlock'] as const) {
          const w = await world();
          // At least one: a sleeping API built on another (dmam_ on dma_) may report twice.
          expect({ ctx, reported: (await callIn(w, ctx, call)) > 0 }).toEqual({ ctx, reported: true });
        }
      });
    }
  }

  for (const [pkg, m] of Object.entries(MODULES)) {
    it(`${pkg}: every public method and constructor of an exported class is classified sleeping or not`, () => {
      const sleeping = Object.keys(SLEEPING_METHODS[pkg] ?? {});
      const classified = new Set([...sleeping, ...(NOT_SLEEPING_METHODS[pkg] ?? [])]);
      expect(classified.size).toBe(sleeping.length + (NOT_SLEEPING_METHODS[pkg] ?? []).length); // in one table only
      const found = publicClassMethods(m, fileURLToPath(new URL(`../../packages/${pkg}/src`, import.meta.url)));
      expect(found.filter((n) => !classified.has(n))).toEqual([]);
      // No stale entry: each names a public callable that exists.
      expect([...classified].filter((n) => !found.includes(n))).toEqual([]);
    });
    for (const [name, call] of Object.entries(SLEEPING_METHODS[pkg] ?? {})) {
      it(`${pkg}: ${name} reports sleep-in-atomic from hardirq, softirq and under a spinlock`, async () => {
        for (const ctx of ['hardirq', 'softirq', 'spinlock'] as const) {
          const w = await world();
          expect({ ctx, reported: (await callIn(w, ctx, call)) > 0 }).toEqual({ ctx, reported: true });
        }
      });
    }
  }

  it('the method enumeration sees what the walk relies on', () => {
    // Mechanical, not listed: TypeScript-private members and internal-tagged ones are out,
    // symbol-keyed methods and static factories are in.
    const found = publicClassMethods(core, fileURLToPath(new URL('../../packages/core-devres/src', import.meta.url)));
    expect(found).toEqual(expect.arrayContaining(['Mutex.lock', 'new Mutex', 'DevresGroupScope[Symbol.asyncDispose]']));
    expect(
      found.filter((n) =>
        ['SpinLock.acquire', 'Revocable.drop', 'Device.nextGeneration', 'new BoundDevice'].includes(n),
      ),
    ).toEqual([]);
    const fm = publicClassMethods(misc, fileURLToPath(new URL('../../packages/miscdev/src', import.meta.url)));
    expect(fm).toEqual(expect.arrayContaining(['static UserBuffer.alloc']));
    expect(fm.filter((n) => n === 'new File' || n === 'FileHandle.callOp')).toEqual([]);
  });

  it('a sleeping API built on others reports once per call, as __might_resched() prints one splat', async () => {
    // dmam_alloc_coherent -> dma_alloc_coherent -> devres_alloc: three annotations, one call chain.
    const w = await world();
    expect(await callIn(w, 'hardirq', (x) => pci.dmamAllocCoherent(x.pdev, 4096))).toBe(1);
    // devm_kzalloc -> devres_alloc: one report, named after the outer call.
    const before = w.k.reports.length;
    expect(await callIn(w, 'softirq', (x) => core.devmKzalloc(x.pdev, 32, GFP_KERNEL))).toBe(1);
    expect(w.k.reports.slice(before).map((r) => r.resource)).toEqual(['devm_kmalloc']);
  });

  it('a blocking primitive inside an annotated API stays quiet too (attaching takes the device mutex)', async () => {
    const w = await world();
    const before = w.k.reports.length;
    const drv = { name: 'walk', owner: null, probe: noop };
    expect(await callIn(w, 'hardirq', (x) => core.bindScope(x.pdev, drv))).toBe(1);
    const sia = w.k.reports.slice(before).filter((r) => r.kind === 'sleep-in-atomic');
    expect(sia.map((r) => r.resource)).toEqual(['device_driver_attach']);
  });

  it('two bad calls in two atomic callbacks are two reports', async () => {
    const w = await world();
    const n1 = await callIn(w, 'hardirq', (x) => core.kmalloc(x.k, 8, GFP_KERNEL));
    const n2 = await callIn(w, 'hardirq', (x) => core.kmalloc(x.k, 8, GFP_KERNEL));
    expect([n1, n2]).toEqual([1, 1]);
  });

  it('GFP_ATOMIC devres allocations stay atomic-safe', async () => {
    const w = await world();
    expect(await callIn(w, 'hardirq', (x) => core.devmKzalloc(x.pdev, 32, core.GFP_ATOMIC))).toBe(0);
    expect(
      await callIn(w, 'spinlock', (x) =>
        core.devresAdd(x.pdev, { name: 'r', release: () => undefined }, core.GFP_ATOMIC),
      ),
    ).toBe(0);
    expect(await callIn(w, 'softirq', (x) => core.devresOpenGroup(x.pdev, null, core.GFP_NOWAIT))).toBe(0);
  });

  it('the annotation registry names the kernel functions annotated with mightSleep()', () => {
    expect([...mightSleepNames()]).toEqual(
      expect.arrayContaining([
        'dma_alloc_coherent',
        'pci_enable_device',
        'devm_add_action',
        'device_add',
        'driver_unregister',
        'fence_sync',
        'devres_alloc',
        'devres_release_all',
        'pci_iounmap',
        'kthread_stop',
        'vfs_ioctl',
        'filp_close',
      ]),
    );
  });
});
