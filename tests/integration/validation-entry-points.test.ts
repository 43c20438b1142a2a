// The validation rules (docs/validation.md) at the entry points of miscdev,
// module-loader, core-devres (device model, devres, sync primitives, fence
// API, Revocable/Devres, the other designs) and pci-emu that issue 21 left
// open: each bad
// call gets the kernel's answer or a TypeError naming function, argument and
// value, leaves the world as it was, and the canary works afterwards.
import {
  busRegister,
  Completion,
  Devres,
  devmAddAction,
  devmFence,
  devmFenceAdd,
  devmKzalloc,
  devmRevocableProviderAlloc,
  devresAdd,
  devresOpenGroup,
  drmDevAlloc,
  drmDevExit,
  drmDevIsUnplugged,
  drmDevUnplug,
  drmUnplugSrcu,
  fenceInit,
  fenceRefuses,
  fenceReportCallback,
  fenceSync,
  GFP_KERNEL,
  isKernelError,
  Kernel,
  Mutex,
  msleep,
  Revocable,
  RevocableGuard,
  rcuReaders,
  rcuReadLock,
  revocableAlloc,
  revocableIsRevoked,
  revocableProviderAlloc,
  revocableRevoke,
  revocableScoped,
  SpinLock,
  Srcu,
  SrcuStruct,
  scheduleTimeoutUninterruptible,
  sleepNs,
  srcuGracePeriods,
  synchronizeRcu,
  synchronizeSrcuGp,
  WaitQueue,
  waitEventTimeout,
} from '@quiesce/core-devres';
import * as hr from '@quiesce/hrtimer';
import * as misc from '@quiesce/miscdev';
import * as modl from '@quiesce/module-loader';
import * as pci from '@quiesce/pci-emu';
import * as wqm from '@quiesce/workqueue';
import { describe, expect, it } from 'vitest';
import { canary } from './canary.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests pass values C's types would not allow.
type Any = any;

const kernel = (): Kernel => new Kernel({ cpus: 2 });

/** The error `fn` throws or rejects with (or 'ok'), as `TypeError: …` or the errno name. */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    if (isKernelError(e)) return e.code;
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

async function plug(k: Kernel): Promise<pci.PciDev> {
  return k.exec('plug', () => pci.pciAddDevice(k, new pci.EduDevice()));
}

describe('miscdev entry points', () => {
  it('misc_register rejects what struct miscdevice cannot hold, before taking a minor', async () => {
    const k = kernel();
    const fops: misc.FileOperations = { owner: null };
    const r = await k.exec('reg', async () => [
      await outcome(() => misc.miscRegister(k, { minor: 4.5, name: 'a', fops })),
      await outcome(() => misc.miscRegister(k, { minor: misc.MISC_DYNAMIC_MINOR, name: 7 as Any, fops })),
      await outcome(() => misc.miscRegister(k, { minor: 255, name: 'b', fops: { owner: null, read: 42 as Any } })),
      await outcome(() => misc.miscRegister(k, { minor: 255, name: 'c', fops, mode: 'bogus' as Any })),
      await outcome(() => misc.miscRegister(k, undefined as Any)),
      await outcome(() => misc.miscRegister(k, { minor: -1, name: 'd', fops })),
    ]);
    expect(r).toEqual([
      'TypeError: misc_register: misc.minor must be an integer, got 4.5',
      'TypeError: misc_register: misc.name must be a string, got 7',
      'TypeError: misc_register: misc.fops.read must be a function or null, got 42',
      'TypeError: misc_register: misc.mode must be one of kernel, fenced, sync, revocable, got "bogus"',
      'TypeError: misc_register: misc must be an object, got undefined',
      'EINVAL',
    ]);
    // Nothing was taken: the first dynamic minor is still 256 (drivers/char/misc.c allocates from 256 up).
    const ok: misc.MiscDevice = { minor: misc.MISC_DYNAMIC_MINOR, name: 'ok', fops };
    await k.exec('reg', () => misc.miscRegister(k, ok));
    expect(ok.minor).toBe(256);
    expect(await canary(k)).toEqual([]);
  });

  it('a rejected devm_misc_register leaves misc.mode as it was', async () => {
    const k = kernel();
    const pdev = await plug(k);
    const m: misc.MiscDevice = { minor: 300, name: 'm', fops: { owner: null } };
    expect(await k.exec('reg', () => outcome(() => misc.devmMiscRegister(pdev, m)))).toBe('EINVAL');
    expect(m.mode).toBe(undefined);
  });

  it('syscalls: a negative count is -EINVAL, what C cannot pass a TypeError; the driver is not called', async () => {
    const k = kernel();
    let calls = 0;
    const m: misc.MiscDevice = {
      minor: misc.MISC_DYNAMIC_MINOR,
      name: 'sys',
      fops: {
        owner: null,
        async read() {
          calls++;
          return 0;
        },
        async write() {
          calls++;
          return 0;
        },
        async unlockedIoctl() {
          calls++;
          return 0;
        },
      },
    };
    const r = await k.exec('sys', async () => {
      await misc.miscRegister(k, m);
      const f = await misc.open(k, '/dev/sys');
      return [
        await outcome(() => f.read(-1)),
        await outcome(() => f.read(Number.NaN)),
        await outcome(() => f.write(new Uint8Array(4), -4)),
        await outcome(() => f.write('abc' as Any)),
        await outcome(() => f.ioctl(Number.NaN)),
        await outcome(() => f.ioctl(1, 'x' as Any)),
        await outcome(() => misc.open(k, 42 as Any)),
        await outcome(() => misc.open(k, '/dev/sys', 1.5)),
        await outcome(() => misc.miscDeregister(undefined as Any)),
      ];
    });
    expect(r).toEqual([
      'EINVAL',
      'TypeError: read: count must be an integer, got NaN',
      'EINVAL',
      'TypeError: write: data must be a Uint8Array or a UserBuffer, got "abc"',
      'TypeError: ioctl: cmd must be an integer in [0, 4294967295], got NaN',
      'TypeError: ioctl: arg must be an integer, a UserBuffer or null, got "x"',
      'TypeError: open: path must be a string, got 42',
      'TypeError: open: flags must be an integer, got 1.5',
      'TypeError: misc_deregister: misc must be an object, got undefined',
    ]);
    expect(calls).toBe(0);
    expect(misc.miscRegistered(m)).toBe(true);
  });

  it('user-copy helpers: a non-integer offset is a TypeError; outside the mapping is -EFAULT / a short copy', () => {
    const u = misc.UserBuffer.alloc(4);
    expect(() => misc.copyToUser(u, new Uint8Array(4), Number.NaN)).toThrow(/copy_to_user: offset must be an integer/);
    expect(() => misc.getUserU32(u, 0.5)).toThrow(/get_user: offset must be an integer/);
    expect(() => misc.putUserU32(u, Number.NaN)).toThrow(/put_user: value must be an integer/);
    expect(() => misc.UserBuffer.alloc(-1)).toThrow(/UserBuffer.alloc: count must be an integer in/);
    expect(misc.copyToUser(u, new Uint8Array(8))).toBe(4); // 4 of 8 bytes did not fit
    expect(() => misc.getUserU32(u, 1)).toThrow(/get_user: bad address/);
  });
});

describe('module-loader entry points', () => {
  it('load_module rejects a definition that is not one before linking anything', async () => {
    const k = kernel();
    const r = await k.exec('load', async () => [
      await outcome(() => modl.loadModule(k, { name: 42 } as Any)),
      await outcome(() => modl.loadModule(k, { name: 'm', init: 5 } as Any)),
      await outcome(() => modl.loadModule(k, { name: 'm', imports: [1] } as Any)),
      await outcome(() => modl.loadModule(k, { name: 'a/b' })),
      await outcome(() => modl.deleteModule(k, 5 as Any)),
      await outcome(() => modl.deleteModule(k, 'm', Number.NaN)),
    ]);
    expect(r).toEqual([
      'TypeError: load_module: def.name must be a string, got 42',
      'TypeError: load_module: def.init must be a function or null, got 5',
      'TypeError: load_module: def.imports[0] must be a string, got 1',
      'EINVAL',
      'TypeError: delete_module: name must be a string, got 5',
      'TypeError: delete_module: flags must be an integer in [0, 4294967295], got NaN',
    ]);
    expect(modl.lsmod(k)).toEqual([]);
    expect(await canary(k)).toEqual([]);
  });

  it('a null init or exit is an absent one (C NULL), not a function to call', async () => {
    const k = kernel();
    const r = await k.exec('nulls', async () => {
      const mod = await modl.loadModule(k, { name: 'nulls', init: null, exit: null } as Any);
      const state = mod.state;
      // No init and no exit: removable (delete_module refuses only an init without an exit).
      return [state, await outcome(() => modl.deleteModule(k, 'nulls'))];
    });
    expect(r).toEqual(['LIVE', 'ok']);
    expect(modl.lsmod(k)).toEqual([]);
  });

  it('module references: undefined is NULL (built-in); anything but a Module is a TypeError', () => {
    expect(modl.tryModuleGet(undefined as Any)).toBe(true);
    expect(() => modl.modulePut(undefined as Any)).not.toThrow();
    expect(() => modl.tryModuleGet({} as Any)).toThrow(/try_module_get: mod must be a Module or null/);
    expect(() => modl.moduleRefcount(null as Any)).toThrow(/module_refcount: mod must be a Module, got null/);
  });
});

describe('core-devres entry points', () => {
  it('devres: a bad device, action, resource or name is a TypeError and nothing is added', async () => {
    const k = kernel();
    const pdev = await plug(k);
    const r = await k.exec('devres', async () => [
      await outcome(() => devmAddAction(pdev, 42 as Any, null)),
      await outcome(() => devmAddAction(null as Any, () => undefined, null)),
      await outcome(() => devresAdd(pdev, { name: 1 } as Any)),
      await outcome(() => devresAdd(pdev, { name: 'r', release: 'x' } as Any)),
      await outcome(() => devresOpenGroup(undefined as Any)),
      await outcome(() => devmKzalloc({} as Any, 16, GFP_KERNEL)),
      await outcome(() => busRegister(k, 'b', undefined, 'fifo' as Any)),
    ]);
    expect(r).toEqual([
      'TypeError: devm_add_action: action must be a function, got 42',
      'TypeError: devm_add_action: dev must be a Device, got null',
      'TypeError: devres_add: res.name must be a string, got 1',
      'TypeError: devres_add: res.release must be a function or null, got "x"',
      'TypeError: devres_open_group: dev must be a Device, got undefined',
      'TypeError: devm_kzalloc: dev must be a Device, got [object Object]',
      "TypeError: bus_register: mode must be 'two-phase' or 'lifo', got \"fifo\"",
    ]);
    expect(pdev.devres).toHaveLength(0);
    expect(await canary(k)).toEqual([]);
  });

  it('a sleep of "forever" (past KTIME_MAX) never moves the clock to the end of time: exec settles with a report', async () => {
    const k = kernel();
    const err = await k.exec('forever', () => sleepNs(k, 1e300)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(k.reports.map((r) => r.kind)).toContain('deadlock');
    expect(k.now).toBe(0);
    expect(await canary(k)).toEqual([]);
  });
});

describe('pci-emu entry points', () => {
  it('regions, iomap, vectors and config: TypeError for what C cannot hold, the kernel answer otherwise', async () => {
    const k = kernel();
    const pdev = await plug(k);
    const r = await k.exec('pci', async () => [
      await outcome(() => pci.pciRequestRegion(pdev, 4.5, 'x')),
      await outcome(() => pci.pciRequestRegion(pdev, 7, 'x')),
      await outcome(() => pci.pciRequestRegion(pdev, 0, undefined as Any)),
      await outcome(() => pci.pciRequestSelectedRegions(pdev, Number.NaN, 'x')),
      await outcome(() => pci.pciIomap(pdev, 0, -1)),
      await outcome(() => pci.pciIomap(pdev, 9, 0)),
      await outcome(() => pci.pciIounmap(pdev, null as Any)),
      await outcome(() => pci.pciEnableDevice({} as Any)),
      await outcome(() => pci.pciAllocIrqVectors(pdev, Number.NaN, 1, pci.PCI_IRQ_MSI)),
      await outcome(() => pci.pciAllocIrqVectors(pdev, 0, 0, pci.PCI_IRQ_ALL_TYPES)),
      await outcome(() => pci.pciWriteConfigByte(pdev, pci.PCI_INTERRUPT_LINE, Number.NaN)),
      await outcome(() => pci.pciReadConfigDword(pdev, 0, null as Any)),
    ]);
    expect(r).toEqual([
      'TypeError: pci_request_region: bar must be an integer, got 4.5',
      'EINVAL',
      'TypeError: pci_request_region: name must be a string, got undefined',
      'TypeError: pci_request_selected_regions: bars must be an integer, got NaN',
      'TypeError: pci_iomap: maxlen must be an integer in [0, 9007199254740991], got -1',
      'ok', // an invalid BAR maps to NULL (pci_iomap's answer)
      'ok', // iounmap(NULL) does nothing
      'TypeError: pci_enable_device: dev must be a PciDev, got [object Object]',
      'TypeError: pci_alloc_irq_vectors: min_vecs must be an integer in [0, 4294967295], got NaN',
      'EINVAL', // pci_msi_supported(dev, 0) refuses 0 vectors; INTx needs min_vecs 1
      'TypeError: pci_write_config_byte: val must be an integer, got NaN',
      'TypeError: pci_read_config_dword: val must be an object, got null',
    ]);
    expect(pdev.resources.map((res) => res.owner)).toEqual(Array(6).fill(null));
    expect(pdev.isEnabled).toBe(false);
    expect(pdev.msiNvec).toBe(0);
    expect(pdev.irq).toBe(pdev.intxIrq);
    expect(await canary(k)).toEqual([]);
  });

  it('IRQ requests: irq, flags, name and owner are checked first; nothing is linked', async () => {
    const k = kernel();
    const pdev = await plug(k);
    const h = (): number => pci.IRQ_HANDLED;
    const r = await k.exec('irq', async () => [
      await outcome(() => pci.requestIrq(k, Number.NaN, h, 0, 'x', null, null)),
      await outcome(() => pci.requestIrq(k, pdev.irq, h, -1, 'x', null, null)),
      await outcome(() => pci.requestIrq(k, pdev.irq, h, pci.IRQF_SHARED, 42 as Any, {}, null)),
      await outcome(() => pci.requestThreadedIrq(k, pdev.irq, undefined as Any, undefined as Any, 0, 't', null, null)),
      await outcome(() => pci.freeIrq(k, -1, null)),
      await outcome(() => pci.enableIrq(k, 1.5)),
    ]);
    expect(r).toEqual([
      'TypeError: request_irq: irq must be an integer in [0, 4294967295], got NaN',
      'TypeError: request_irq: irqflags must be an integer in [0, 4294967295], got -1',
      'TypeError: request_irq: devname must be a string, got 42',
      'EINVAL', // undefined is NULL: both handlers NULL is request_threaded_irq's -EINVAL
      'TypeError: free_irq: irq must be an integer in [0, 4294967295], got -1',
      'TypeError: enable_irq: irq must be an integer in [0, 4294967295], got 1.5',
    ]);
    expect(pci.irqTable(k).descs.get(pdev.irq)?.actions).toHaveLength(0);
    expect(await canary(k)).toEqual([]);
  });

  it('pci_add_device checks the model and every BAR before assigning a slot or an address', async () => {
    const k = kernel();
    // An edu whose second BAR is 100 bytes: not a power of two (the first one is valid and would be placed first).
    const bad = Object.assign(new pci.EduDevice(), {
      bars: [
        { kind: 'mem32', size: 4096 },
        { kind: 'mem32', size: 100 },
      ],
    }) as pci.PciDeviceModel;
    expect(await k.exec('add', () => outcome(() => pci.pciAddDevice(k, bad)))).toBe('EINVAL');
    expect(await k.exec('add', () => outcome(() => pci.pciAddDevice(k, new pci.EduDevice(), { slot: 40 })))).toBe(
      'TypeError: pci_add_device: opts.slot must be an integer in [0, 31], got 40',
    );
    // Nothing was consumed: the next device gets the first slot (3) and the first BAR address.
    const pdev = await plug(k);
    expect(pdev.name).toBe('0000:00:03.0');
    expect(pci.pciResourceStart(pdev, 0)).toBe(pci.PCI_MEM_BASE);
  });
});

describe('workqueue and hrtimer object arguments', () => {
  it('a work, delayed work, workqueue or timer that is not one is a TypeError naming the kernel function', async () => {
    const k = kernel();
    const wq = wqm.allocWorkqueue(k, 'v') as wqm.Workqueue;
    const t = hr.hrtimerSetup(
      k,
      new hr.HrTimer(),
      () => hr.HRTIMER_NORESTART,
      hr.CLOCK_MONOTONIC,
      hr.HRTIMER_MODE_REL,
      null,
    );
    const r = await k.exec('objs', async () => [
      await outcome(() => wqm.queueWork(wq, null as Any)),
      await outcome(() => wqm.queueDelayedWork(wq, {} as Any, 0)),
      await outcome(() => wqm.cancelWorkSync(undefined as Any)),
      await outcome(() => wqm.flushWorkqueue(null as Any)),
      await outcome(() => hr.hrtimerStart(null as Any, 1, hr.HRTIMER_MODE_REL)),
      await outcome(() => hr.hrtimerSetExpires(t, Number.NaN)),
    ]);
    expect(r).toEqual([
      'TypeError: queue_work_on: work must be a WorkStruct, got null',
      'TypeError: queue_delayed_work_on: dwork must be a DelayedWork, got [object Object]',
      'TypeError: cancel_work_sync: work must be a WorkStruct, got undefined',
      'TypeError: flush_workqueue: wq must be an object, got null',
      'TypeError: hrtimer_start_range_ns: timer must be an HrTimer, got null',
      'TypeError: hrtimer_set_expires: time must be a finite number of ns, got NaN',
    ]);
    expect(hr.hrtimerGetExpires(t)).toBe(0);
    expect(k.armedTimers).toBe(0);
    expect(await canary(k)).toEqual([]);
  });
});

describe('sync primitives (core-devres kernel/sync)', () => {
  it('constructors and the RCU/sleep helpers: a non-Kernel k or a non-string name is a TypeError, nothing is made', async () => {
    const k = kernel();
    const r = await k.exec('ctors', async () => [
      await outcome(() => new Mutex(undefined as Any)),
      await outcome(() => new Mutex({} as Any, 'm')),
      await outcome(() => new Mutex(k, 7 as Any)),
      await outcome(() => new Completion(k, null as Any)),
      await outcome(() => new WaitQueue(k, undefined as Any)),
      await outcome(() => new Srcu({} as Any)),
      await outcome(() => new SpinLock(k, 1 as Any)),
      await outcome(() => new SrcuStruct(null as Any)),
      await outcome(() => rcuReadLock(undefined as Any)),
      await outcome(() => synchronizeRcu({} as Any)),
      await outcome(() => msleep({} as Any, 1)),
      await outcome(() => sleepNs(k, 1, 5 as Any)),
      await outcome(() => scheduleTimeoutUninterruptible(k, '4' as Any)),
    ]);
    expect(r).toEqual([
      'TypeError: mutex_init: k must be a Kernel, got undefined',
      'TypeError: mutex_init: k must be a Kernel, got [object Object]',
      'TypeError: mutex_init: name must be a string, got 7',
      'TypeError: init_completion: name must be a string, got null',
      'TypeError: init_waitqueue_head: name must be a string, got undefined',
      'TypeError: init_srcu_struct: k must be a Kernel, got [object Object]',
      'TypeError: spin_lock_init: name must be a string, got 1',
      'TypeError: init_srcu_struct: k must be a Kernel, got null',
      'TypeError: rcu_read_lock: k must be a Kernel, got undefined',
      'TypeError: synchronize_rcu: k must be a Kernel, got [object Object]',
      'TypeError: msleep: k must be a Kernel, got [object Object]',
      'TypeError: schedule_timeout: what must be a string, got 5',
      'TypeError: schedule_timeout: timeout must be an integer (jiffies), got "4"',
    ]);
    // Nothing slept, nothing was entered, nothing was reported.
    expect(k.now).toBe(0);
    expect(rcuReaders(k)).toBe(0);
    expect(k.reports).toEqual([]);
    expect(await canary(k)).toEqual([]);
  });

  it('methods: a detached or foreign receiver, a bad condition, timeout or function is a TypeError before any state changes', async () => {
    const k = kernel();
    const c = new Completion(k, 'c');
    const wq = new WaitQueue(k, 'wq');
    const m = new Mutex(k, 'm');
    const done = c.complete;
    const lock = m.lock;
    const r = await k.exec('methods', async () => [
      await outcome(() => done()),
      await outcome(() => Completion.prototype.completeAll.call({} as Any)),
      await outcome(() => c.waitForCompletionTimeout('4' as Any)),
      await outcome(() => wq.waitEvent(42 as Any)),
      await outcome(() => waitEventTimeout(k, {} as Any, () => true, 1)),
      await outcome(() => waitEventTimeout(k, wq, () => true, Number.NaN)),
      await outcome(() => lock()),
      await outcome(() => m.with(5 as Any)),
    ]);
    expect(r).toEqual([
      'TypeError: complete: x must be a Completion, got undefined',
      'TypeError: complete_all: x must be a Completion, got [object Object]',
      'TypeError: wait_for_completion_timeout: timeout must be an integer (jiffies), got "4"',
      'TypeError: wait_event: condition must be a function, got 42',
      'TypeError: wait_event_timeout: wq_head must be a WaitQueue, got [object Object]',
      'TypeError: wait_event_timeout: timeout must be an integer (jiffies), got NaN',
      'TypeError: mutex_lock: lock must be a Mutex, got undefined',
      'TypeError: guard_mutex: fn must be a function, got 5',
    ]);
    expect(c.completionDone()).toBe(false); // no completion was counted
    expect(m.isLocked()).toBe(false); // the guard never locked
    expect(wq.waiters).toBe(0);
    expect(k.reports).toEqual([]);
    expect(await canary(k)).toEqual([]);
  });

  it('srcu_read_unlock: a non-integer index is a TypeError, a wrong integer WARNs; neither releases a reader', async () => {
    const k = kernel();
    const s = new Srcu(k, 's');
    const ss = new SrcuStruct(k, 'ss');
    const tok = s.srcuReadLock();
    const idx = ss.srcuReadLock();
    const r = [
      await outcome(() => s.srcuReadUnlock(String(tok) as Any)),
      await outcome(() => s.srcuReadUnlock(tok + 100)),
      await outcome(() => ss.srcuReadUnlock(0.5)),
      await outcome(() => ss.srcuReadUnlock(2)),
      await outcome(() => ss.srcuReadUnlock(idx ^ 1)), // the other index: a valid one, but no reader took it
    ];
    expect(r).toEqual([
      'TypeError: srcu_read_unlock: idx must be an integer, got "1"',
      'ok',
      'TypeError: srcu_read_unlock: idx must be an integer, got 0.5',
      'ok',
      'ok',
    ]);
    expect(k.reports.map((x) => x.title)).toEqual([
      `WARNING: srcu_read_unlock() with unknown index ${tok + 100}`,
      'WARNING: WARN_ON_ONCE(idx & ~0x1): srcu_read_unlock() with index 2 and no reader inside',
      `WARNING: srcu_read_unlock() with index ${idx ^ 1} and no reader inside`,
    ]);
    expect([s.readers, ss.readers]).toEqual([1, 1]);
    s.srcuReadUnlock(tok);
    ss.srcuReadUnlock(idx);
    expect([s.readers, ss.readers]).toEqual([0, 0]);
    expect(await canary(k)).toEqual([]);
  });

  it('mutex_unlock by a non-owner WARNs and unlocks (DEBUG_MUTEXES); mutex_trylock in interrupt context WARNs and fails', async () => {
    const k = kernel();
    const m = new Mutex(k, 'm');
    await k.exec('owner', () => m.lock());
    expect(m.isLocked()).toBe(true);
    await k.exec('other', () => m.unlock());
    expect(k.reports.map((x) => x.title)).toEqual([
      'WARNING: DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current) in mutex_unlock m',
    ]);
    expect(m.isLocked()).toBe(false);
    const got = k.runAtomic('hardirq', 0, 'irq', () => m.trylock());
    expect(got).toBe(false);
    expect(m.isLocked()).toBe(false);
    expect(k.reports.map((x) => x.title).at(-1)).toBe('WARNING: mutex_trylock m in interrupt context');
    expect(await canary(k)).toEqual([]);
  });
});

describe('fence API (core-devres fence/)', () => {
  it('fence_init, fence_sync, fence_refuses, fence_report_callback and devm_fence check their arguments first', async () => {
    const k = kernel();
    const pdev = await plug(k);
    let quiesced = 0;
    const quiesce = async (): Promise<void> => void quiesced++;
    const f = fenceInit(k, 'f', { quiesce });
    const r = await k.exec('fence', async () => [
      await outcome(() => fenceInit(undefined as Any, 'f', { quiesce })),
      await outcome(() => fenceInit(k, 5 as Any, { quiesce })),
      await outcome(() => fenceInit(k, 'f', null as Any)),
      await outcome(() => fenceInit(k, 'f', { quiesce: 1 } as Any)),
      await outcome(() => fenceInit(k, 'f', { quiesce, lateStart: 'never' } as Any)),
      await outcome(() => fenceSync({} as Any)),
      await outcome(() => fenceRefuses(undefined as Any, 'x')),
      await outcome(() => fenceRefuses({ closed: true } as Any, 'x')),
      await outcome(() => fenceReportCallback({} as Any, 'x', 'y')),
      await outcome(() => devmFence({} as Any, 'f', { quiesce })),
      await outcome(() => devmFence(pdev, 'f', { quiesce, release: 3 } as Any)),
      await outcome(() => devmFenceAdd(pdev, {} as Any)),
      await outcome(() => devmFenceAdd(pdev, f, { busy: 'no' } as Any)),
    ]);
    expect(r).toEqual([
      'TypeError: fence_init: k must be a Kernel, got undefined',
      'TypeError: fence_init: name must be a string, got 5',
      'TypeError: fence_init: ops must be an object, got null',
      'TypeError: fence_init: ops.quiesce must be a function, got 1',
      "TypeError: fence_init: ops.lateStart must be 'report', 'refuse' or undefined, got \"never\"",
      'TypeError: fence_sync: fence must be a Fence, got [object Object]',
      'ok', // undefined is NULL: a resource with no fence is never refused
      'TypeError: fence_refuses: fence must be a Fence, got [object Object]',
      'TypeError: fence_report_callback: fence must be a Fence, got [object Object]',
      'TypeError: devm_fence: dev must be a Device, got [object Object]',
      'TypeError: devm_fence: ops.release must be a function or null, got 3',
      'TypeError: devm_fence_add: fence must be a Fence, got [object Object]',
      'TypeError: devm_fence_add: parts.busy must be a function or null, got "no"',
    ]);
    expect(pdev.devres).toHaveLength(0);
    expect([f.closed, f.state, quiesced]).toEqual([false, 'open', 0]);
    // A closed fence refuses; a `what` that is not a string is a TypeError and is not counted.
    await k.exec('sync', () => fenceSync(f));
    expect(await outcome(() => fenceRefuses(f, 42 as Any))).toBe(
      'TypeError: fence_refuses: what must be a string, got 42',
    );
    expect([f.state, f.refused, quiesced]).toEqual(['fenced', 0, 1]);
    expect(k.reports).toEqual([]);
    expect(await canary(k)).toEqual([]);
  });
});

describe('Revocable, Devres and the other designs (core-devres devres/, designs/)', () => {
  it('constructors and entry points check first: nothing is registered, entered or revoked', async () => {
    const k = kernel();
    const pdev = await plug(k);
    const rp = revocableProviderAlloc(k, { bar: 1 }, 'rp');
    const ddev = await k.exec('drm', () => drmDevAlloc(pdev, 'drm'));
    const d = await k.exec('devres', () => new Devres(pdev, 1, 'd'));
    const r = await k.exec('designs', async () => [
      await outcome(() => new Revocable(undefined as Any, 1)),
      await outcome(() => new Revocable(k, 1, 'r', 5 as Any)),
      await outcome(() => new Devres({} as Any, 1)),
      await outcome(() => new Devres(pdev, 1, 'd', 'x' as Any)),
      await outcome(() => d.access({} as Any)),
      await outcome(() => revocableProviderAlloc({} as Any, 1)),
      await outcome(() => devmRevocableProviderAlloc(pdev, 1, 'p', 9 as Any)),
      await outcome(() => revocableAlloc({} as Any)),
      await outcome(() => revocableScoped(rp, 'f' as Any)),
      await outcome(() => revocableRevoke(null as Any)),
      await outcome(() => drmDevAlloc({} as Any, 'd')),
      await outcome(() => drmDevAlloc(pdev, 3 as Any)),
      await outcome(() => drmDevExit(ddev, 'x' as Any)),
      await outcome(() => drmDevUnplug({} as Any)),
      await outcome(() => synchronizeSrcuGp(k, {} as Any)),
    ]);
    expect(r).toEqual([
      'TypeError: Revocable.new: kernel must be a Kernel, got undefined',
      'TypeError: Revocable.new: onDrop must be a function or null, got 5',
      'TypeError: Devres.new: dev must be a Device, got [object Object]',
      'TypeError: Devres.new: release must be a function or null, got "x"',
      'TypeError: Devres.access: dev must be a BoundDevice, got [object Object]',
      'TypeError: revocable_provider_alloc: k must be a Kernel, got [object Object]',
      'TypeError: devm_revocable_provider_alloc: release must be a function or null, got 9',
      'TypeError: revocable_alloc: rp must be a RevocableProvider, got [object Object]',
      'TypeError: revocable_try_access_with: fn must be a function, got "f"',
      'TypeError: revocable_provider_revoke: rp must be a RevocableProvider, got null',
      'TypeError: drm_dev_alloc: dev must be a Device, got [object Object]',
      'TypeError: drm_dev_alloc: name must be a string, got 3',
      'TypeError: srcu_read_unlock: idx must be an integer, got "x"',
      'TypeError: drm_dev_unplug: dev must be a DrmDevice, got [object Object]',
      'TypeError: synchronize_srcu: ssp must be an SRCU domain (Srcu or SrcuStruct), got [object Object]',
    ]);
    // Only the good Devres is on the list; nothing is inside a section; nothing was revoked or unplugged.
    expect(pdev.devres).toHaveLength(1);
    expect([rp.srcu.readers, drmUnplugSrcu(k).readers]).toEqual([0, 0]);
    expect([revocableIsRevoked(rp), drmDevIsUnplugged(ddev), d.isRevoked()]).toEqual([false, false, false]);
    expect([k.now, srcuGracePeriods(k)]).toEqual([0, 0]);
    expect(k.reports).toEqual([]);
    expect(await canary(k)).toEqual([]);
  });

  it('a hand-made RevocableGuard that releases more than was taken WARNs and cannot block revoke()', async () => {
    const k = kernel();
    const rv = new Revocable(k, 1, 'r');
    new RevocableGuard(rv, 1).release();
    expect(k.reports.map((x) => x.title)).toEqual([
      'WARNING: RevocableGuard of r released without a matching try_access_with_guard',
    ]);
    expect(rv.readers).toBe(0);
    // A real guard still counts: revoke() waits for it, then completes.
    const g = rv.tryAccessWithGuard();
    let revoked: boolean | null = null;
    k.spawn('revoke', async () => {
      revoked = await rv.revoke();
    });
    k.spawn('reader', async () => {
      await msleep(k, 1);
      g?.release();
    });
    await k.run();
    expect(revoked).toBe(true);
    expect(rv.tryAccess()).toBe(null);
    expect(await canary(k)).toEqual([]);
  });
});
