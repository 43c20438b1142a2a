// The kernel argument (docs/validation.md): every exported function of the
// six kernel packages whose first parameter is the kernel checks that it is
// a `Kernel` (core `checkKernel`) before anything else, so a plain object is
// a TypeError naming the function and `k`, never a later unrelated failure
// or a call that works on a fake. The functions are found mechanically (first
// parameter named `k` or `kernel`): a new one that is in no table fails the
// classification test. The same holds for the constructors of the exported
// classes that take the kernel first.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as core from '@quiesce/core-devres';
import * as hr from '@quiesce/hrtimer';
import * as misc from '@quiesce/miscdev';
import * as modl from '@quiesce/module-loader';
import * as pci from '@quiesce/pci-emu';
import * as wqm from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';

const PACKAGES: Record<string, Record<string, unknown>> = {
  'core-devres': core,
  'pci-emu': pci,
  workqueue: wqm,
  hrtimer: hr,
  miscdev: misc,
  'module-loader': modl,
};

/** Each exported function that takes the kernel first, with the function name its messages use. */
const TAKES_KERNEL: Record<string, Record<string, string>> = {
  'core-devres': {
    busRegister: 'bus_register',
    censusOf: 'censusOf',
    currentBindingDevice: 'currentBindingDevice',
    drmUnplugSrcu: 'drm_unplug_srcu',
    fenceInit: 'fence_init',
    jiffies: 'jiffies',
    kcalloc: 'kcalloc',
    kernelBuffer: 'kernelBuffer',
    kernelMemory: 'kernelMemory',
    kfree: 'kfree',
    kmalloc: 'kmalloc',
    kmallocArray: 'kmalloc_array',
    kmemleakScan: 'kmemleakScan',
    krealloc: 'krealloc',
    kzalloc: 'kzalloc',
    mightSleep: 'might_sleep',
    msleep: 'msleep',
    rcuReadLock: 'rcu_read_lock',
    rcuReadUnlock: 'rcu_read_unlock',
    rcuReaders: 'rcu_readers',
    registerModuleText: 'registerModuleText',
    releaseKernelBuffers: 'releaseKernelBuffers',
    reportBlockedTasks: 'reportBlockedTasks',
    revocableProviderAlloc: 'revocable_provider_alloc',
    scheduleTimeoutUninterruptible: 'schedule_timeout_uninterruptible',
    slabInfo: 'slabInfo',
    sleepNs: 'schedule_timeout',
    srcuGracePeriods: 'srcu_grace_periods',
    synchronizeRcu: 'synchronize_rcu',
    synchronizeSrcuGp: 'synchronize_srcu',
    textOwnerOf: 'textOwnerOf',
    usleepRange: 'usleep_range',
    waitEventInterruptibleTimeout: 'wait_event_interruptible_timeout',
    waitEventTimeout: 'wait_event_timeout',
  },
  'pci-emu': {
    disableIrq: 'disable_irq',
    disableIrqNosync: 'disable_irq_nosync',
    enableIrq: 'enable_irq',
    freeIrq: 'free_irq',
    irqOccupy: 'irqOccupy',
    irqTable: 'irqTable',
    pciAddDevice: 'pci_add_device',
    pciBus: 'pciBus',
    pciRegisterDriver: 'pci_register_driver',
    pciUnregisterDriver: 'pci_unregister_driver',
    requestIrq: 'request_irq',
    requestThreadedIrq: 'request_threaded_irq',
    synchronizeIrq: 'synchronize_irq',
    systemRam: 'systemRam',
  },
  workqueue: {
    allocDelayedWork: 'INIT_DELAYED_WORK',
    allocOrderedWorkqueue: 'alloc_ordered_workqueue',
    allocWork: 'INIT_WORK',
    allocWorkqueue: 'alloc_workqueue',
    pools: 'pools',
    systemUnboundWq: 'system_unbound_wq',
    systemWq: 'system_wq',
    wqClampMaxActive: 'wq_clamp_max_active',
  },
  hrtimer: {
    hrtimerClockBase: 'hrtimerClockBase',
    hrtimerSetup: 'hrtimer_setup',
    hrtimerState: 'hrtimerState',
  },
  miscdev: {
    miscMutex: 'miscMutex',
    miscRegister: 'misc_register',
    miscRegistry: 'miscRegistry',
    open: 'open',
  },
  'module-loader': {
    deleteModule: 'delete_module',
    exportSymbol: 'EXPORT_SYMBOL',
    findModule: 'find_module',
    findSymbol: 'find_symbol',
    formatLsmod: 'formatLsmod',
    loadModule: 'load_module',
    lsmod: 'lsmod',
    procModules: 'procModules',
    symbolGet: 'symbol_get',
    symbolPut: 'symbol_put',
    thisModule: 'THIS_MODULE',
  },
};

/**
 * Each exported class whose constructor takes the kernel first, with the
 * message's function and argument names: the sync primitives and Revocable
 * name the kernel function (`mutex_init`), the structs `Class.new` (as `Revocable.new`).
 */
const CONSTRUCTED_WITH_KERNEL: Record<string, Record<string, string>> = {
  'core-devres': {
    BusType: 'BusType.new: kernel',
    Completion: 'init_completion: k',
    Device: 'Device.new: kernel',
    Fence: 'fence_init: k',
    FencedView: 'FencedView.new: kernel',
    KBuf: 'KBuf.new: kernel',
    Mutex: 'mutex_init: k',
    Revocable: 'Revocable.new: kernel',
    RevocableProvider: 'RevocableProvider.new: kernel',
    SpinLock: 'spin_lock_init: k',
    Srcu: 'init_srcu_struct: k',
    SrcuStruct: 'init_srcu_struct: k',
    WaitQueue: 'init_waitqueue_head: k',
  },
  'pci-emu': {
    IoMem: 'IoMem.new: kernel',
    IrqDesc: 'IrqDesc.new: kernel',
    IrqTable: 'IrqTable.new: kernel',
    IrqThread: 'IrqThread.new: kernel',
    PciDev: 'PciDev.new: kernel',
    SystemRam: 'SystemRam.new: kernel',
  },
  workqueue: {
    DelayedWork: 'DelayedWork.new: kernel',
    WorkStruct: 'WorkStruct.new: kernel',
    WorkerPool: 'WorkerPool.new: kernel',
    Workqueue: 'Workqueue.new: kernel',
  },
  hrtimer: {},
  miscdev: {
    File: 'File.new: kernel',
    FileFence: 'FileFence.new: kernel',
    FileHandle: 'FileHandle.new: k',
    MiscRegistry: 'MiscRegistry.new: kernel',
  },
  'module-loader': { Module: 'Module.new: kernel' },
};

/**
 * Exports whose first parameter is named `k` but that take something other
 * than a Kernel, with the reason. None today: `censusOf` and
 * `reportBlockedTasks` check structurally (their files are imported by
 * kernel.ts) but still reject anything that is not a Kernel.
 */
const NOT_A_KERNEL: Record<string, readonly string[]> = {};

/**
 * Exports that take the kernel first but do not check it, because they run
 * on a hot path (docs/validation.md, "Hot paths", names each one): their
 * callers are the subsystems' own dispatchers, which pass the kernel their
 * object was made with. `callbackRunnable` runs at every callback dispatch
 * of every subsystem; an `instanceof` there measured ~1 ns on a ~1.5 ns
 * check (module-loader.bench: 2.21x a direct call with it, 1.34x without).
 */
const HOT_PATH: Record<string, readonly string[]> = { 'core-devres': ['callbackRunnable'] };

/** The exported functions of `mod` whose first parameter is named `k` or `kernel`. */
function kernelFirst(mod: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(mod)) {
    if (typeof v !== 'function') continue;
    const src = Function.prototype.toString.call(v);
    if (/^(?:async\s+)?function\s*\*?\s*[\w$]*\s*\(\s*(?:k|kernel)\b/.test(src)) out.push(name);
  }
  return out.sort();
}

/** The exported classes of `mod` whose own constructor takes `k` or `kernel` first. */
function kernelConstructed(mod: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(mod)) {
    if (typeof v !== 'function') continue;
    const src = Function.prototype.toString.call(v);
    if (src.startsWith('class') && /\bconstructor\(\s*(?:k|kernel)\b/.test(src)) out.push(name);
  }
  return out.sort();
}

/** The error `fn` throws or rejects with (or 'ok'), as `TypeError: …`. */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

describe('the kernel argument of every entry point that takes one', () => {
  it('classification: every export taking the kernel first is in TAKES_KERNEL or NOT_A_KERNEL', () => {
    for (const [pkg, mod] of Object.entries(PACKAGES)) {
      const listed = [
        ...Object.keys(TAKES_KERNEL[pkg] ?? {}),
        ...(NOT_A_KERNEL[pkg] ?? []),
        ...(HOT_PATH[pkg] ?? []),
      ].sort();
      expect({ pkg, fns: kernelFirst(mod) }).toEqual({ pkg, fns: listed });
    }
  });

  for (const [pkg, fns] of Object.entries(TAKES_KERNEL)) {
    it(`${pkg}: a plain object or undefined as the kernel is a TypeError naming the function and k`, async () => {
      const mod = PACKAGES[pkg] as Record<string, (...a: unknown[]) => unknown>;
      const got: string[] = [];
      const want: string[] = [];
      for (const [name, kname] of Object.entries(fns)) {
        const fn = mod[name] as (...a: unknown[]) => unknown;
        got.push(`${name} ${await outcome(() => fn({}))}`, `${name} ${await outcome(() => fn(undefined))}`);
        want.push(
          `${name} TypeError: ${kname}: k must be a Kernel, got [object Object]`,
          `${name} TypeError: ${kname}: k must be a Kernel, got undefined`,
        );
      }
      expect(got).toEqual(want);
    });
  }

  it('each hot-path exception is named in docs/validation.md under "Hot paths"', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/validation.md', import.meta.url)), 'utf8');
    const section = doc.slice(doc.indexOf('## Hot paths'), doc.indexOf('\n## ', doc.indexOf('## Hot paths') + 1));
    for (const names of Object.values(HOT_PATH)) for (const n of names) expect(section).toContain(`\`${n}\``);
  });

  it('classification: every exported class constructed with the kernel first is in CONSTRUCTED_WITH_KERNEL', () => {
    for (const [pkg, mod] of Object.entries(PACKAGES)) {
      expect({ pkg, classes: kernelConstructed(mod) }).toEqual({
        pkg,
        classes: Object.keys(CONSTRUCTED_WITH_KERNEL[pkg] ?? {}).sort(),
      });
    }
  });

  for (const [pkg, classes] of Object.entries(CONSTRUCTED_WITH_KERNEL)) {
    if (Object.keys(classes).length === 0) continue;
    it(`${pkg}: constructors given a plain object as the kernel throw a TypeError naming it`, async () => {
      const mod = PACKAGES[pkg] as Record<string, new (...a: unknown[]) => unknown>;
      const got: string[] = [];
      const want: string[] = [];
      for (const [name, what] of Object.entries(classes)) {
        const C = mod[name] as new (...a: unknown[]) => unknown;
        got.push(`${name} ${await outcome(() => new C({}))}`);
        want.push(`${name} TypeError: ${what} must be a Kernel, got [object Object]`);
      }
      expect(got).toEqual(want);
    });
  }

  it('a plain object with a Kernel’s fields is still not a Kernel; a real one passes the check', async () => {
    const k = new core.Kernel({ cpus: 2 });
    const fake = { ...k, now: 0, cpus: 2 };
    expect(await outcome(() => wqm.allocWorkqueue(fake as never, 'w'))).toBe(
      'TypeError: alloc_workqueue: k must be a Kernel, got [object Object]',
    );
    expect(wqm.allocWorkqueue(k, 'w')).toBeInstanceOf(wqm.Workqueue);
    expect(modl.lsmod(k)).toEqual([]);
    expect(core.jiffies(k)).toBe(0);
  });
});
