// Property-based fuzz of the public API of all six kernel packages (issue
// 21): random sequences of calls with arguments drawn from valid and invalid
// values (misc register/open/ioctl/read/write/close/deregister, module
// load/get/put/unload, devres actions/groups/memory, PCI enable/iomap/
// regions/config/IRQ vectors, IoMem accesses at bad offsets, IRQ
// request/free/enable/disable, DMA, workqueues, hrtimers, sleeps; the sync
// primitives, the fence API, Revocable/Devres and the c-revocable and
// drm-dev designs). After every step:
// - any error is a KernelError with a negative errno, or a TypeError whose
//   message names the function (`fn: arg must be …`); a step whose task can
//   never finish (a sleep of "forever") has filed a deadlock or hung-task
//   report, and `exec` settled;
// - a rejected call (TypeError or errno) changed nothing observable (the
//   world snapshot before and after is the same: validate first, mutate
//   after);
// - the clock is finite;
// - the canary (tests/integration/canary.ts) still binds/unbinds a device,
//   runs a work and fires a timer.
import {
  Completion,
  Devres,
  type DrmDevice,
  devmAddAction,
  devmFence,
  devmKfree,
  devmKzalloc,
  devmRemoveAction,
  devmRevocableProviderAlloc,
  devresCloseGroup,
  devresOpenGroup,
  devresReleaseAll,
  devresReleaseGroup,
  drmDevAlloc,
  drmDevEnter,
  drmDevExit,
  drmDevIsUnplugged,
  drmDevUnplug,
  drmUnplugSrcu,
  type Fence,
  fenceInit,
  fenceRefuses,
  fenceSync,
  GFP_KERNEL,
  type GroupId,
  isKernelError,
  type KBuf,
  Kernel,
  kfree,
  kmalloc,
  Mutex,
  msecsToJiffies,
  msleep,
  Revocable,
  type RevocableProvider,
  rcuReaders,
  rcuReadLock,
  rcuReadUnlock,
  revocableAlloc,
  revocableIsRevoked,
  revocableProviderAlloc,
  revocableRevoke,
  revocableScoped,
  Srcu,
  SrcuStruct,
  scheduleTimeoutUninterruptible,
  sleepNs,
  synchronizeRcu,
  synchronizeSrcuGp,
  usleepRange,
  WaitQueue,
  waitEventTimeout,
} from '@quiesce/core-devres';
import * as hr from '@quiesce/hrtimer';
import * as misc from '@quiesce/miscdev';
import * as modl from '@quiesce/module-loader';
import * as pci from '@quiesce/pci-emu';
import * as wqm from '@quiesce/workqueue';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canary } from './canary.js';

/**
 * Sequences and steps in CI: 150 × up to 12 steps, each step followed by
 * the canary (a few seconds in all). FUZZ_RUNS / FUZZ_SEED override for a
 * long local run (`FUZZ_RUNS=5000 FUZZ_SEED=7 npx vitest run …`). The
 * kernel is a sanitizer kernel (`report`): with the sanitizer off a bad MMIO
 * offset is an oops by design (docs/validation.md, "MMIO offsets").
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 21);
const MAX_STEPS = 12;
/**
 * A call rejected with an errno must change nothing either (every errno path of the fuzzed ops undoes
 * its work before it returns; FUZZ_STRICT=0 relaxes this to TypeErrors only, for an op whose errno
 * path legitimately leaves a trace, e.g. an init that fails after registering something).
 */
const STRICT = process.env.FUZZ_STRICT !== '0';

const anyValue = fc.constantFrom<unknown>(
  0,
  1,
  2,
  3,
  -1,
  -5,
  4.5,
  6,
  0x40,
  0x62,
  0xfff,
  4096,
  -4096,
  1e300,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '4',
  'fuzz',
  '',
  undefined,
  null,
  {},
  2 ** 32,
  3_000_000,
  1n,
  () => 0,
);

interface World {
  k: Kernel;
  pdev: pci.PciDev;
  io: pci.IoMem;
  wq: wqm.Workqueue;
  work: wqm.WorkStruct;
  dwork: wqm.DelayedWork;
  timer: hr.HrTimer;
  misc: misc.MiscDevice;
  files: misc.FileHandle[];
  groups: GroupId[];
  bufs: KBuf[];
  maps: pci.IoMem[];
  devId: object;
  // core-devres sync primitives, the fence API, Revocable/Devres and the designs
  mutex: Mutex;
  completion: Completion;
  srcu: Srcu;
  srcuTokens: number[];
  ss: SrcuStruct;
  fence: Fence;
  devres: Devres<number>;
  rp: RevocableProvider<number>;
  ddev: DrmDevice;
}

const noopAction = (): void => undefined;
const irqHandler = (): number => pci.IRQ_HANDLED;

/** The misc device's driver: copies through the user-copy helpers, with whatever the fuzzer passed. */
const FOPS: misc.FileOperations = {
  owner: null,
  async read(_f, buf, count) {
    const n = Math.min(count, 4);
    return misc.copyToUser(buf, new Uint8Array(n)) === 0 ? n : -14;
  },
  async write(_f, buf, count) {
    const n = Math.min(count, 4);
    return misc.copyFromUser(new Uint8Array(n), buf) === 0 ? n : -14;
  },
  async unlockedIoctl(_f, cmd, arg) {
    if (arg instanceof misc.UserBuffer) misc.putUserU32(arg, cmd);
    return 0;
  },
};

const FUZZ_MOD = modl.defineModule({ name: 'fuzz_mod', init: async () => undefined, exit: async () => undefined });

// biome-ignore lint/suspicious/noExplicitAny: the fuzzer passes values C's types would not allow.
type Any = any;
type Op = (w: World, a: unknown, b: unknown, real: boolean) => unknown;
const OPS: Record<string, Op> = {
  // core-devres: sleeps, devres actions, groups and memory, slab
  msleep: (w, a) => msleep(w.k, a as Any),
  sleepNs: (w, a) => sleepNs(w.k, a as Any),
  usleepRange: (w, a, b) => usleepRange(w.k, a as Any, b as Any),
  scheduleTimeout: (w, a) => scheduleTimeoutUninterruptible(w.k, a as Any),
  waitEventTimeout: (w, a, b, real) =>
    waitEventTimeout(w.k, new WaitQueue(w.k, 'fuzz_wq'), (real ? () => false : b) as Any, a as Any),
  completionTimeout: (w, a) => new Completion(w.k, 'fuzz').waitForCompletionTimeout(a as Any),
  msecsToJiffies: (_w, a) => msecsToJiffies(a as Any),
  devmAddAction: (w, a, b, real) => devmAddAction((real ? w.pdev : a) as Any, (real ? noopAction : b) as Any, w.devId),
  devmRemoveAction: (w, a, _b, real) => devmRemoveAction(w.pdev, (real ? noopAction : a) as Any, w.devId),
  devresOpenGroup: (w, a, _b, real) => {
    const g = devresOpenGroup(w.pdev, (real ? null : a) as Any);
    if (g !== null) w.groups.push(g);
  },
  devresCloseGroup: (w, a, _b, real) => devresCloseGroup(w.pdev, (real ? (w.groups.at(-1) ?? null) : a) as Any),
  devresReleaseGroup: (w, a, _b, real) => devresReleaseGroup(w.pdev, (real ? (w.groups.pop() ?? null) : a) as Any),
  devmKzalloc: (w, a, b, real) => {
    const p = devmKzalloc(w.pdev, a as Any, (real ? GFP_KERNEL : b) as Any);
    if (p !== null && p.size > 0) w.bufs.push(p);
  },
  devmKfree: (w, a, _b, real) => devmKfree(w.pdev, (real ? w.bufs.pop() : a) as Any),
  kmalloc: (w, a, b, real) => kfree(w.k, kmalloc(w.k, a as Any, (real ? GFP_KERNEL : b) as Any)),

  // pci-emu: enable, regions, iomap, config space, vectors, DMA, surprise-free removal paths
  pciEnableDevice: (w, a, _b, real) => pci.pciEnableDevice((real ? w.pdev : a) as Any),
  pciDisableDevice: (w, a, _b, real) => pci.pciDisableDevice((real ? w.pdev : a) as Any),
  pciSetMaster: (w, a, _b, real) => pci.pciSetMaster((real ? w.pdev : a) as Any),
  pciIomap: (w, a, b) => {
    const io = pci.pciIomap(w.pdev, a as Any, b as Any);
    if (io !== null) w.maps.push(io);
  },
  pciIomapRange: (w, a, b) => {
    const io = pci.pciIomapRange(w.pdev, 0, a as Any, b as Any);
    if (io !== null) w.maps.push(io);
  },
  pciIounmap: (w, a, _b, real) => pci.pciIounmap(w.pdev, (real ? w.maps.pop() : a) as Any),
  pciRequestRegion: (w, a, b) => pci.pciRequestRegion(w.pdev, a as Any, b as Any),
  pciReleaseRegion: (w, a) => pci.pciReleaseRegion(w.pdev, a as Any),
  pciRequestSelectedRegions: (w, a, b) => pci.pciRequestSelectedRegions(w.pdev, a as Any, b as Any),
  pciReleaseRegions: (w, a, _b, real) => pci.pciReleaseRegions((real ? w.pdev : a) as Any),
  pciResourceLen: (w, a) => pci.pciResourceLen(w.pdev, a as Any),
  pciReadConfigDword: (w, a, b, real) => pci.pciReadConfigDword(w.pdev, a as Any, (real ? { val: 0 } : b) as Any),
  pciWriteConfigByte: (w, a, b) => pci.pciWriteConfigByte(w.pdev, a as Any, b as Any),
  pciAllocIrqVectors: (w, a, b) => pci.pciAllocIrqVectors(w.pdev, a as Any, b as Any, pci.PCI_IRQ_ALL_TYPES),
  pciIrqVector: (w, a) => pci.pciIrqVector(w.pdev, a as Any),
  pciFreeIrqVectors: (w, a, _b, real) => pci.pciFreeIrqVectors((real ? w.pdev : a) as Any),
  dmaAllocCoherent: (w, a) => pci.dmaAllocCoherent(w.pdev, a as Any),
  dmaFreeCoherent: (w, a, _b, real) =>
    pci.dmaFreeCoherent(w.pdev, (real ? pci.dmaAllocCoherent(w.pdev, 4096) : a) as Any),

  // managed (pcim/devm) forms on the plugged device, and a teardown of whatever they left
  pcimEnableDevice: (w, a, _b, real) => pci.pcimEnableDevice((real ? w.pdev : a) as Any),
  pcimRequestRegion: (w, a, b) => pci.pcimRequestRegion(w.pdev, a as Any, b as Any),
  pcimIomapRegion: (w, a, b, real) => {
    const io = pci.pcimIomapRegion(w.pdev, a as Any, (real ? 'fuzz' : b) as Any);
    w.maps.push(io);
  },
  pcimIomap: (w, a, b) => pci.pcimIomap(w.pdev, a as Any, b as Any),
  dmamAllocCoherent: (w, a) => pci.dmamAllocCoherent(w.pdev, a as Any),
  devmRequestIrq: (w, a, b, real) =>
    pci.devmRequestIrq(
      w.pdev,
      (real ? w.pdev.irq : a) as Any,
      (real ? irqHandler : b) as Any,
      pci.IRQF_SHARED,
      'fuzz_devm',
      w.devId,
      null,
    ),
  devmMiscRegister: (w, a, b, real) =>
    misc.devmMiscRegister(
      w.pdev,
      (real
        ? { minor: misc.MISC_DYNAMIC_MINOR, name: 'fuzz_devm', fops: FOPS }
        : { minor: a, name: b, fops: FOPS }) as Any,
    ),
  devresReleaseAll: (w, a, _b, real) => devresReleaseAll((real ? w.pdev : a) as Any),

  // IoMem: unchecked accessors at any offset (sanitizer on: a report), the checked form, values of any type
  readl: (w, a) => w.io.readl(a as Any),
  readb: (w, a) => w.io.readb(a as Any),
  readq: (w, a) => w.io.readq(a as Any),
  writel: (w, a, b) => w.io.writel(b as Any, a as Any),
  writew: (w, a, b) => w.io.writew(b as Any, a as Any),
  writeq: (w, a, b) => w.io.writeq(b as Any, a as Any),
  readChecked32: (w, a) => w.io.readChecked32(a as Any),
  writeChecked32: (w, a, b) => w.io.writeChecked32(b as Any, a as Any),

  // IRQs
  requestIrq: (w, a, b, real) =>
    pci.requestIrq(
      w.k,
      (real ? w.pdev.irq : a) as Any,
      (real ? irqHandler : b) as Any,
      (real ? pci.IRQF_SHARED : b) as Any,
      'fuzz',
      w.devId,
      null,
    ),
  requestThreadedIrq: (w, a, b, real) =>
    pci.requestThreadedIrq(
      w.k,
      (real ? w.pdev.irq : a) as Any,
      null,
      (real ? async () => pci.IRQ_HANDLED : b) as Any,
      (real ? pci.IRQF_SHARED | pci.IRQF_ONESHOT : b) as Any,
      'fuzz_t',
      w.devId,
      null,
    ),
  freeIrq: (w, a, _b, real) => pci.freeIrq(w.k, (real ? w.pdev.irq : a) as Any, w.devId),
  disableIrqNosync: (w, a, _b, real) => pci.disableIrqNosync(w.k, (real ? w.pdev.irq : a) as Any),
  enableIrq: (w, a, _b, real) => pci.enableIrq(w.k, (real ? w.pdev.irq : a) as Any),

  // miscdev: register (well-formed or not), open, file operations, close, deregister
  miscRegister: (w, a, b, real) => misc.miscRegister(w.k, (real ? w.misc : { minor: a, name: b, fops: FOPS }) as Any),
  miscRegisterFixed: (w, a) => misc.miscRegister(w.k, { minor: a as Any, name: `fuzz_fixed${String(a)}`, fops: FOPS }),
  miscDeregister: (w, a, _b, real) => misc.miscDeregister((real ? w.misc : a) as Any),
  open: async (w, a, _b, real) => {
    w.files.push(await misc.open(w.k, (real ? '/dev/fuzz_misc' : a) as Any, (real ? misc.O_RDWR : a) as Any));
  },
  ioctl: (w, a, b, real) => w.files.at(-1)?.ioctl(a as Any, (real ? misc.UserBuffer.alloc(4) : b) as Any),
  read: (w, a) => w.files.at(-1)?.read(a as Any),
  write: (w, a, b, real) => w.files.at(-1)?.write((real ? new Uint8Array(4) : b) as Any, a as Any),
  close: (w) => w.files.pop()?.close(),

  // module-loader: load (well-formed or not), references, unload, symbols
  loadModule: (w, a, b, real) => modl.loadModule(w.k, (real ? FUZZ_MOD : { name: a, init: b }) as Any),
  deleteModule: (w, a, b, real) =>
    modl.deleteModule(w.k, (real ? 'fuzz_mod' : a) as Any, (real ? modl.O_NONBLOCK : b) as Any),
  tryModuleGet: (w, a, _b, real) => {
    const m = real ? modl.findModule(w.k, 'fuzz_mod') : a;
    if (modl.tryModuleGet(m as Any)) modl.modulePut(m as Any);
  },
  // A put without a get: the refcount would go below zero, which WARNs and changes nothing.
  modulePut: (w, a, _b, real) => modl.modulePut((real ? modl.findModule(w.k, 'fuzz_mod') : a) as Any),
  findModule: (w, a) => modl.findModule(w.k, a as Any),
  symbolGet: (w, a) => modl.symbolGet(w.k, a as Any),

  // workqueue and hrtimer (the first round of the fuzz)
  queueWorkOn: (w, a) => wqm.queueWorkOn(a as Any, w.wq, w.work),
  queueDelayedWork: (w, a) => wqm.queueDelayedWork(w.wq, w.dwork, a as Any),
  modDelayedWorkOn: (w, a, b) => wqm.modDelayedWorkOn(a as Any, w.wq, w.dwork, b as Any),
  allocWorkqueue: (w, a, b) => wqm.allocWorkqueue(w.k, 'fuzz', a as Any, b as Any),
  setMaxActive: (w, a) => wqm.workqueueSetMaxActive(w.wq, a as Any),
  cancelWorkSync: (w) => wqm.cancelWorkSync(w.work),
  flushWorkqueue: (w) => wqm.flushWorkqueue(w.wq),
  hrtimerStart: (w, a) => hr.hrtimerStart(w.timer, a as Any, hr.HRTIMER_MODE_REL),
  hrtimerStartRangeNs: (w, a, b) => hr.hrtimerStartRangeNs(w.timer, 1000, a as Any, b as Any),
  hrtimerForward: (w, a, b) => hr.hrtimerForward(w.timer, a as Any, b as Any),
  hrtimerCancel: (w) => hr.hrtimerCancel(w.timer),
  hrtimerSetExpires: (w, a) => hr.hrtimerSetExpires(w.timer, a as Any),
  hrtimerStartExpires: (w, a, _b, real) => hr.hrtimerStartExpires(w.timer, (real ? hr.HRTIMER_MODE_ABS : a) as Any),

  // core-devres sync primitives: constructors, receivers, arguments
  newMutex: (w, a, b, real) => new Mutex((real ? w.k : a) as Any, (real ? 'fuzz_m' : b) as Any),
  mutexWith: (w, a, _b, real) => w.mutex.with((real ? () => 0 : a) as Any),
  mutexUnlock: (w) => w.mutex.unlock(), // not held: DEBUG_MUTEXES warns, nothing changes
  mutexLockOn: (_w, a) => Mutex.prototype.lock.call(a as Any),
  newCompletion: (w, a, b, real) => new Completion((real ? w.k : a) as Any, (real ? 'fuzz_c' : b) as Any),
  complete: (w, a, _b, real) => (real ? w.completion.complete() : Completion.prototype.complete.call(a as Any)),
  tryWaitForCompletion: (w) => w.completion.tryWaitForCompletion(),
  newWaitQueue: (w, a, b, real) => new WaitQueue((real ? w.k : a) as Any, (real ? 'fuzz_q' : b) as Any),
  waitEvent: (w, a, _b, real) => new WaitQueue(w.k, 'fuzz_q').waitEvent((real ? () => true : a) as Any),
  newSrcu: (w, a, b, real) => new Srcu((real ? w.k : a) as Any, (real ? 'fuzz_s' : b) as Any),
  srcuReadLock: (w) => void w.srcuTokens.push(w.srcu.srcuReadLock()),
  srcuReadUnlock: (w, a, _b, real) => {
    const t = real ? w.srcuTokens.at(-1) : a;
    w.srcu.srcuReadUnlock(t as Any);
    if (real) w.srcuTokens.pop();
  },
  srcuStructUnlock: (w, a) => w.ss.srcuReadUnlock(a as Any), // no reader inside: warns or TypeError
  rcuReadLock: (w, a, _b, real) => {
    rcuReadLock((real ? w.k : a) as Any);
    rcuReadUnlock(w.k);
  },
  synchronizeRcu: (w, a, _b, real) => synchronizeRcu((real ? w.k : a) as Any),

  // the fence API
  fenceInit: (w, a, b, real) =>
    fenceInit((real ? w.k : a) as Any, (real ? 'fuzz_f' : b) as Any, { quiesce: async () => undefined }),
  fenceInitOps: (w, a) => fenceInit(w.k, 'fuzz_f', a as Any),
  fenceSync: (w, a, _b, real) => fenceSync((real ? w.fence : a) as Any),
  fenceRefuses: (w, a, b, real) => fenceRefuses((real ? w.fence : a) as Any, (real ? 'fuzz' : b) as Any),
  devmFence: (w, a, b, real) =>
    devmFence((real ? w.pdev : a) as Any, 'fuzz_fence', {
      quiesce: async () => undefined,
      release: (real ? undefined : b) as Any,
    }),

  // Revocable, Devres and the designs (c-revocable, drm-dev, SRCU grace periods)
  newRevocable: (w, a, b, real) => new Revocable((real ? w.k : a) as Any, 1, 'fuzz_r', (real ? null : b) as Any),
  newDevres: (w, a, b, real) => new Devres((real ? w.pdev : a) as Any, 1, 'fuzz_d', (real ? null : b) as Any),
  // A non-object proof is JavaScript's own TypeError at the hot path's compare (docs/validation.md): objects only.
  devresAccess: (w, a) => w.devres.access((typeof a === 'object' && a !== null ? a : {}) as Any),
  devresTryAccess: (w) => w.devres.tryAccess(),
  revocableProviderAlloc: (w, a, b, real) =>
    revocableProviderAlloc((real ? w.k : a) as Any, 1, (real ? 'fuzz_rp' : b) as Any),
  devmRevocableProviderAlloc: (w, a, b, real) =>
    devmRevocableProviderAlloc((real ? w.pdev : a) as Any, 1, 'fuzz_rp', (real ? null : b) as Any),
  revocableAlloc: (w, a, _b, real) => revocableAlloc((real ? w.rp : a) as Any),
  revocableScoped: (w, a, b, real) => revocableScoped((real ? w.rp : a) as Any, (real ? () => 0 : b) as Any),
  revocableRevoke: (w, a, _b, real) => revocableRevoke((real ? w.rp : a) as Any),
  drmDevAlloc: (w, a, b, real) => drmDevAlloc((real ? w.pdev : a) as Any, (real ? 'fuzz_drm' : b) as Any),
  drmDevEnterExit: (w, a, _b, real) => {
    if (!real) return drmDevExit(w.ddev, a as Any); // no reader inside: warns or TypeError
    const idx = drmDevEnter(w.ddev);
    if (idx >= 0) drmDevExit(w.ddev, idx);
  },
  drmDevUnplug: (w, a, _b, real) => drmDevUnplug((real ? w.ddev : a) as Any),
  synchronizeSrcuGp: (w, a, _b, real) => synchronizeSrcuGp(w.k, (real ? w.ss : a) as Any),

  // The kernel argument itself (core checkKernel), drawn from the pool in every package
  kmallocK: (w, a, _b, real) => kfree(w.k, kmalloc((real ? w.k : a) as Any, 16, GFP_KERNEL)),
  allocWorkqueueK: (w, a, _b, real) => wqm.allocWorkqueue((real ? w.k : a) as Any, 'fuzz_k'),
  allocWorkK: (w, a, _b, real) => wqm.allocWork((real ? w.k : a) as Any),
  hrtimerSetupK: (w, a, _b, real) =>
    hr.hrtimerSetup(
      (real ? w.k : a) as Any,
      new hr.HrTimer(),
      () => hr.HRTIMER_NORESTART,
      hr.CLOCK_MONOTONIC,
      hr.HRTIMER_MODE_REL,
      null,
    ),
  enableIrqK: (w, a, _b, real) => pci.enableIrq((real ? w.k : a) as Any, w.pdev.irq),
  pciRegisterDriverK: (_w, a) =>
    pci.pciRegisterDriver(a as Any, { name: 'fuzz_k', owner: null, idTable: [], probe: async () => undefined }),
  miscRegisterK: (w, a, _b, real) =>
    misc.miscRegister((real ? w.k : a) as Any, { minor: misc.MISC_DYNAMIC_MINOR, name: 'fuzz_k', fops: FOPS }),
  openK: (_w, a) => misc.open(a as Any, '/dev/fuzz_misc'),
  loadModuleK: (_w, a) => modl.loadModule(a as Any, FUZZ_MOD),
  lsmodK: (w, a, _b, real) => modl.lsmod((real ? w.k : a) as Any),
  symbolGetK: (_w, a) => modl.symbolGet(a as Any, 'fuzz_sym'),
};

const step = fc.record({ op: fc.constantFrom(...Object.keys(OPS)), a: anyValue, b: anyValue, real: fc.boolean() });

/** The error is one of the allowed kinds; returns a description of it when it is not. */
function badError(e: unknown): string | null {
  if (isKernelError(e)) return e.errno < 0 ? null : `errno ${e.errno}`;
  if (e instanceof TypeError && /^[A-Za-z_.]+: .+/.test(e.message)) return null;
  return `unclear error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

/** What a rejected call must leave as it was. */
function snapshot(w: World): string {
  const irqs = pci.irqTable(w.k);
  return JSON.stringify({
    now: w.k.now,
    armed: w.k.armedTimers,
    devres: w.pdev.devres.length,
    regions: w.pdev.resources.map((r) => r.owner),
    enabled: w.pdev.isEnabled,
    irq: w.pdev.irq,
    actions: [...irqs.descs.values()].map((d) => d.actions.length),
    misc: misc.miscRegistered(w.misc),
    minor: w.misc.minor,
    modules: modl.lsmod(w.k).map((r) => `${r.name} ${r.refcount}`),
    files: w.files.map((f) => f.isClosed),
    locked: w.mutex.isLocked(),
    completed: w.completion.completionDone(),
    readers: [w.srcu.readers, w.ss.readers, w.rp.srcu.readers, drmUnplugSrcu(w.k).readers, rcuReaders(w.k)],
    fence: [w.fence.state, w.fence.refused],
    revoked: [w.devres.isRevoked(), revocableIsRevoked(w.rp), drmDevIsUnplugged(w.ddev)],
  });
}

async function world(): Promise<World> {
  const k = new Kernel({ cpus: 2 });
  const { pdev, io } = await k.exec('plug', async () => {
    const pdev = await pci.pciAddDevice(k, new pci.EduDevice());
    return { pdev, io: pci.pciIomap(pdev, 0, 0) as pci.IoMem };
  });
  const wq = wqm.allocWorkqueue(k, 'fuzz_wq') as wqm.Workqueue;
  const work = wqm.initWork(wqm.allocWork(k), async () => undefined);
  const dwork = wqm.initDelayedWork(wqm.allocDelayedWork(k), async () => undefined);
  const timer = hr.hrtimerSetup(
    k,
    new hr.HrTimer(),
    () => hr.HRTIMER_NORESTART,
    hr.CLOCK_MONOTONIC,
    hr.HRTIMER_MODE_REL,
    null,
  );
  // Start with the misc device registered and open, and the module loaded, so file operations and
  // unloads are exercised from the first step (the ops can deregister, close and unload them).
  const m: misc.MiscDevice = { minor: misc.MISC_DYNAMIC_MINOR, name: 'fuzz_misc', fops: FOPS };
  const files = await k.exec('setup', async () => {
    await misc.miscRegister(k, m);
    await modl.loadModule(k, FUZZ_MOD);
    return [await misc.open(k, '/dev/fuzz_misc')];
  });
  const { devres, ddev } = await k.exec('designs', async () => ({
    devres: new Devres(pdev, 1, 'fuzz_devres'),
    ddev: drmDevAlloc(pdev, 'fuzz_drm'),
  }));
  return {
    k,
    pdev,
    io,
    wq,
    work,
    dwork,
    timer,
    misc: m,
    files,
    groups: [],
    bufs: [],
    maps: [],
    devId: {},
    mutex: new Mutex(k, 'fuzz_mutex'),
    completion: new Completion(k, 'fuzz_completion'),
    srcu: new Srcu(k, 'fuzz_srcu'),
    srcuTokens: [],
    ss: new SrcuStruct(k, 'fuzz_ss'),
    fence: fenceInit(k, 'fuzz_fence', { quiesce: async () => undefined }),
    devres,
    rp: revocableProviderAlloc(k, 1, 'fuzz_rp'),
    ddev,
  };
}

const show = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : typeof v === 'function' ? 'fn' : String(v));

describe('validation fuzz', () => {
  it(
    `${RUNS} random sequences of up to ${MAX_STEPS} calls over all six packages never break the world`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: MAX_STEPS }), async (steps) => {
          const w = await world();
          for (const s of steps) {
            const what = `${s.op}(${show(s.a)}, ${show(s.b)}, ${s.real ? 'real' : 'bad'})`;
            let err: unknown = null;
            let before = '';
            let after = '';
            await w.k
              .exec(`fuzz ${s.op}`, async () => {
                before = snapshot(w);
                try {
                  await (OPS[s.op] as Op)(w, s.a, s.b, s.real);
                } catch (e) {
                  err = e;
                }
                after = snapshot(w);
              })
              .catch((e: unknown) => {
                // exec settles with an error only when its task cannot finish: then the kernel's answer is a
                // deadlock or hung-task report (a sleep of "forever", KTIME_MAX), which must have been filed.
                const stuck = w.k.reports.some((r) => r.kind === 'deadlock' || r.kind === 'hung-task');
                if (!stuck) err = new Error(`exec did not finish, and nothing was reported: ${String(e)}`);
              });
            if (err !== null) expect(badError(err), what).toBe(null);
            if (err instanceof TypeError || (STRICT && isKernelError(err)))
              expect(after, `${what} was rejected but changed the world`).toBe(before);
            // Let armed timers and works run a while, then check the clock and the canary.
            await w.k.runFor(5_000_000);
            expect(Number.isFinite(w.k.now), `clock after ${what}`).toBe(true);
            expect(await canary(w.k), `canary after ${what}`).toEqual([]);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
    Math.max(60_000, RUNS * 150),
  ); // a long local run gets the time it needs
});
