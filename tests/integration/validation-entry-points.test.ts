// The validation rules (docs/validation.md) at the entry points of miscdev,
// module-loader, core-devres and pci-emu that issue 21 left open: each bad
// call gets the kernel's answer or a TypeError naming function, argument and
// value, leaves the world as it was, and the canary works afterwards.
import {
  busRegister,
  devmAddAction,
  devmKzalloc,
  devresAdd,
  devresOpenGroup,
  GFP_KERNEL,
  isKernelError,
  Kernel,
  sleepNs,
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
