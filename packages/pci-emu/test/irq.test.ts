import { deviceReleaseDriver, isKernelError } from '@quiesce/core-devres';
import {
  devmRequestIrq,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_RAISE,
  EduDevice,
  freeIrq,
  type IoMem,
  IRQ_HANDLED,
  IRQ_NONE,
  IRQF_SHARED,
  type IrqHandler,
  type IrqReturn,
  irqOccupy,
  irqTable,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_IRQ_INTX,
  PCI_IRQ_MSI,
  type PciDeviceModel,
  pciAddDevice,
  pciAllocIrqVectors,
  pciFreeIrqVectors,
  pciIomap,
  pciIrqVector,
  pciReadConfigWord,
  pciRegisterDriver,
  pciSetMaster,
  pciWriteConfigWord,
  requestIrq,
  synchronizeIrq,
} from '@quiesce/pci-emu';
import { describe, expect, it } from 'vitest';
import { driver, fakeModule, inTask, kernel, plugEdu } from './helpers.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isKernelError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

describe('request_irq', () => {
  it('-EINVAL for an unknown IRQ and for IRQF_SHARED without dev_id', async () => {
    const k = kernel();
    await plugEdu(k);
    const h: IrqHandler = () => IRQ_HANDLED;
    expect(await inTask(k, () => code(requestIrq(k, 999, h, 0, 'x', null, null)))).toBe('EINVAL');
    expect(await inTask(k, () => code(requestIrq(k, 16, h, IRQF_SHARED, 'x', null, null)))).toBe('EINVAL');
  });

  it('-EBUSY unless both actions pass IRQF_SHARED', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const irq = pdev.intxIrq;
    const h: IrqHandler = () => IRQ_NONE;
    await inTask(k, () => requestIrq(k, irq, h, 0, 'a', 1, null));
    expect(await inTask(k, () => code(requestIrq(k, irq, h, IRQF_SHARED, 'b', 2, null)))).toBe('EBUSY');
    await inTask(k, () => freeIrq(k, irq, 1));
    await inTask(k, () => requestIrq(k, irq, h, IRQF_SHARED, 'a', 1, null));
    expect(await inTask(k, () => code(requestIrq(k, irq, h, IRQF_SHARED, 'b', 2, null)))).toBe('ok');
    expect(
      irqTable(k)
        .descs.get(irq)
        ?.actions.map((a) => a.name),
    ).toEqual(['a', 'b']);
  });

  it('handlers run in hardirq context; a sleeping call from one is reported', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const ctx: string[] = [];
    await inTask(k, () =>
      requestIrq(
        k,
        pdev.intxIrq,
        () => {
          ctx.push(k.contextInfo().kind);
          io.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
          void synchronizeIrq(k, pdev.intxIrq);
          return IRQ_HANDLED;
        },
        0,
        'edu',
        null,
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(ctx).toEqual(['hardirq']);
    expect(k.reports.map((r) => r.kind)).toEqual(['sleep-in-atomic']);
  });

  it('shared INTx line: both handlers are called; one device acknowledging keeps the other asserted', async () => {
    const k = kernel();
    const a = await inTask(k, () => pciAddDevice(k, new EduDevice(), { irq: 20 }));
    const b = await inTask(k, () => pciAddDevice(k, new EduDevice(), { irq: 20 }));
    const ioA = pciIomap(a, 0, 0) as IoMem;
    const ioB = pciIomap(b, 0, 0) as IoMem;
    const log: string[] = [];
    const mk = (name: string, io: IoMem) =>
      function handler(): IrqReturn {
        const st = io.readl(0x24);
        log.push(`${name}:${st}`);
        if (st === 0) return IRQ_NONE;
        io.writel(st, EDU_REG_IRQ_ACK);
        return IRQ_HANDLED;
      };
    await inTask(k, () => requestIrq(k, 20, mk('a', ioA), IRQF_SHARED, 'a', 'A', null));
    await inTask(k, () => requestIrq(k, 20, mk('b', ioB), IRQF_SHARED, 'b', 'B', null));
    ioB.writel(2, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(log).toEqual(['a:0', 'b:2']);
  });
});

describe('free_irq', () => {
  it('warns "Trying to free already-free IRQ" and returns null when nothing matches', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    expect(await inTask(k, () => freeIrq(k, pdev.intxIrq, 'nope'))).toBeNull();
    expect(k.reports[0]?.title).toContain(`Trying to free already-free IRQ ${pdev.intxIrq}`);
  });

  it('waits for a handler running on another CPU, and the handler never runs after it returns', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const irq = pdev.intxIrq;
    const events: string[] = [];
    await inTask(k, () =>
      requestIrq(
        k,
        irq,
        function slowIsr() {
          events.push(`start@${k.now}`);
          io.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
          irqOccupy(k, 50_000);
          return IRQ_HANDLED;
        },
        0,
        'edu',
        'dev',
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    k.spawn('remover', async () => {
      await k.yield(); // let the IRQ start first
      const t0 = k.now;
      expect(await freeIrq(k, irq, 'dev')).toBe('edu');
      events.push(`freed@${k.now}`);
      expect(k.now - t0).toBe(50_000);
      io.writel(1, EDU_REG_IRQ_RAISE); // would run the handler if it were still there
    });
    await k.run();
    expect(events).toEqual(['start@0', 'freed@50000']);
  });

  it('a pass queued before free_irq does not call the freed handler', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    let calls = 0;
    await inTask(k, () =>
      requestIrq(
        k,
        pdev.intxIrq,
        () => {
          calls++;
          return IRQ_HANDLED;
        },
        0,
        'edu',
        'd',
        null,
      ),
    );
    await inTask(k, async () => {
      io.writel(1, EDU_REG_IRQ_RAISE); // the pass is queued, not yet run
      await freeIrq(k, pdev.intxIrq, 'd');
      io.writel(1, EDU_REG_IRQ_ACK);
    });
    await k.run();
    expect(calls).toBe(0);
  });

  it('devm_request_irq: the fence frees the IRQ at unbind, waiting for the running handler', async () => {
    const k = kernel();
    const box: { io: IoMem | null; runs: number } = { io: null, runs: 0 };
    await inTask(k, () =>
      pciRegisterDriver(
        k,
        driver('edu', async (p) => {
          box.io = pciIomap(p, 0, 0);
          await devmRequestIrq(
            p,
            p.intxIrq,
            () => {
              box.runs++;
              box.io?.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
              irqOccupy(k, 10_000);
              return IRQ_HANDLED;
            },
            0,
            'edu',
            box,
            null,
          );
        }),
      ),
    );
    const { pdev } = await plugEdu(k);
    const io = box.io as IoMem;
    io.writel(1, EDU_REG_IRQ_RAISE);
    k.spawn('unbind', async () => {
      await k.yield();
      await deviceReleaseDriver(pdev);
      expect(k.now).toBe(10_000);
      expect(irqTable(k).descs.get(pdev.intxIrq)?.actions).toHaveLength(0);
    });
    await k.run();
    expect(box.runs).toBe(1);
    // The driver leaked its pci_iomap (not devm): the leak check says so; the IRQ itself is clean.
    expect(k.reports.map((r) => r.kind)).toEqual(['leak-at-unbind']);
    expect(k.reports[0]?.resource).toContain('iomap');
  });
});

describe('owners', () => {
  it('a handler whose module text is gone is not called: execute-after-free', async () => {
    const k = kernel();
    const mod = fakeModule('edu_drv');
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    pciSetMaster(pdev);
    pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI);
    const irq = pciIrqVector(pdev, 0);
    let calls = 0;
    await inTask(k, () =>
      requestIrq(
        k,
        irq,
        function eduIrq() {
          calls++;
          return IRQ_HANDLED;
        },
        0,
        'edu',
        null,
        mod,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(calls).toBe(1);
    mod.textFreed = true;
    io.writel(2, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(calls).toBe(1);
    expect(k.reports.map((r) => r.kind)).toEqual(['execute-after-free']);
    expect(k.reports[0]?.title).toContain('eduIrq [edu_drv]');
  });
});

describe('INTx masking and vectors', () => {
  it('INTx-disable in the command register masks the line; clearing it delivers a pending level', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    const seen: number[] = [];
    await inTask(k, () =>
      requestIrq(
        k,
        pdev.intxIrq,
        () => {
          seen.push(io.readl(0x24));
          io.writel(0xffff_ffff, EDU_REG_IRQ_ACK);
          return IRQ_HANDLED;
        },
        0,
        'edu',
        null,
        null,
      ),
    );
    pciWriteConfigWord(pdev, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
    io.writel(4, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(seen).toEqual([]);
    const v = { val: 0 };
    pciReadConfigWord(pdev, 0x06, v);
    expect(v.val & 0x08).toBe(0x08); // status: interrupt pending
    pciWriteConfigWord(pdev, PCI_COMMAND, 0);
    await k.run();
    expect(seen).toEqual([4]);
    pciReadConfigWord(pdev, 0x06, v);
    expect(v.val & 0x08).toBe(0);
  });

  it('pci_alloc_irq_vectors: -ENOSPC when nothing fits, -EINVAL for MSI without a capability', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    expect(() => pciAllocIrqVectors(pdev, 2, 2, PCI_IRQ_MSI | PCI_IRQ_INTX)).toThrowError(/pci_alloc_irq_vectors/);
    try {
      pciAllocIrqVectors(pdev, 2, 4, PCI_IRQ_MSI);
    } catch (e) {
      expect(isKernelError(e) && e.code).toBe('ENOSPC');
    }
    const noMsi: PciDeviceModel = {
      name: 'nomsi',
      vendor: 1,
      device: 1,
      revision: 0,
      classCode: 0,
      bars: [],
      interruptPin: 1,
      msiVectors: 0,
      attach() {},
      reset() {},
      onMmioWrite() {},
    };
    const p2 = await inTask(k, () => pciAddDevice(k, noMsi));
    try {
      pciAllocIrqVectors(p2, 1, 1, PCI_IRQ_MSI);
      expect.unreachable();
    } catch (e) {
      expect(isKernelError(e) && e.code).toBe('EINVAL');
    }
    expect(pciAllocIrqVectors(p2, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX)).toBe(1);
    expect(pciIrqVector(p2, 0)).toBe(p2.intxIrq);
  });

  it('pci_irq_vector beyond the allocation is -EINVAL; freeing vectors restores INTx', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    pciSetMaster(pdev);
    expect(pciAllocIrqVectors(pdev, 1, 4, PCI_IRQ_MSI)).toBe(1); // edu offers one vector
    expect(() => pciIrqVector(pdev, 1)).toThrowError();
    const v = { val: 0 };
    pciReadConfigWord(pdev, PCI_COMMAND, v);
    expect(v.val & PCI_COMMAND_INTX_DISABLE).toBe(PCI_COMMAND_INTX_DISABLE);
    pciFreeIrqVectors(pdev);
    pciReadConfigWord(pdev, PCI_COMMAND, v);
    expect(v.val & PCI_COMMAND_INTX_DISABLE).toBe(0);
    expect(pdev.config.msiEnabled).toBe(false);
    expect(pciIrqVector(pdev, 0)).toBe(pdev.intxIrq);
  });

  it('MSI needs bus mastering: no message without it', async () => {
    const k = kernel();
    const { pdev } = await plugEdu(k);
    const io = pciIomap(pdev, 0, 0) as IoMem;
    pciAllocIrqVectors(pdev, 1, 1, PCI_IRQ_MSI);
    let calls = 0;
    await inTask(k, () =>
      requestIrq(
        k,
        pciIrqVector(pdev, 0),
        () => {
          calls++;
          return IRQ_HANDLED;
        },
        0,
        'e',
        null,
        null,
      ),
    );
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(calls).toBe(0);
    pciSetMaster(pdev);
    io.writel(1, EDU_REG_IRQ_RAISE);
    await k.run();
    expect(calls).toBe(1);
  });
});
