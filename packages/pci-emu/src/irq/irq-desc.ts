/**
 * Interrupt descriptors (kernel/irq/irqdesc.c, chip.c, spurious.c): one per
 * Linux IRQ number, holding the registered actions and the flow state.
 *
 * Flow handlers:
 * - `level` (INTx, `handle_level_irq`): while any source holds the line
 *   asserted, the handlers run again after each pass. A driver that does not
 *   quiet its device (edu: write the interrupt acknowledge register) makes
 *   the line storm; after {@link IRQ_STORM_LIMIT} consecutive passes the
 *   IRQ is disabled with a report (see docs/pci-emu.md).
 * - `edge` (MSI, `handle_edge_irq`): one pass per message; messages arriving
 *   while a pass is queued coalesce into it.
 *
 * A pass runs in hardirq context via `k.raise` on the descriptor's CPU. A
 * handler may keep the CPU for a span with {@link irqOccupy}; the descriptor
 * counts as in progress until the span ends, which is what `synchronize_irq`
 * (and so `free_irq`) waits for.
 */
import {
  callbackRunnable,
  checkDelayNs,
  checkKernel,
  type Kernel,
  KernelLocal,
  type Owner,
  type TimerEntry,
  WaitQueue,
} from '@quiesce/core-devres';
import { IRQ_HANDLED, IRQ_WAKE_THREAD, type IrqReturn } from '../pci/constants.js';
import type { IrqThread } from './irq-thread.js';

/** `irq_handler_t`: runs in hardirq context; returns IRQ_HANDLED, IRQ_NONE or (threaded) IRQ_WAKE_THREAD. */
export type IrqHandler = (irq: number, devId: unknown) => IrqReturn;

/** Consecutive level-triggered passes with the line still asserted before the IRQ is disabled. */
export const IRQ_STORM_LIMIT = 1000;

/** `struct irqaction`. */
export interface IrqAction {
  readonly handler: IrqHandler;
  readonly flags: number;
  readonly name: string;
  readonly devId: unknown;
  readonly owner: Owner;
  readonly stack: string | undefined;
  /** The thread of a threaded action (`request_threaded_irq`), else null. */
  readonly thread: IrqThread | null;
}

export class IrqDesc {
  readonly actions: IrqAction[] = [];
  /** Handler passes running (including their {@link irqOccupy} spans). */
  inProgress = 0;
  /** `disable_irq` depth; > 0 means no passes. */
  depth = 0;
  /** Level sources currently asserting (INTx lines are shared, so OR them). */
  readonly asserted = new Set<object>();
  /** The queued pass, if any (edge coalescing, level re-trigger). */
  pending: TimerEntry | null = null;
  /** Consecutive passes with the line still asserted afterwards. */
  storm = 0;
  /** `irq_count` / `irqs_unhandled` as in spurious.c. */
  count = 0;
  unhandled = 0;
  /** Whether the last pass had an action return IRQ_HANDLED. */
  lastHandled = true;
  /** ONESHOT threads woken and not finished: the line stays masked while > 0. */
  threadsOneshot = 0;
  /** Threads woken and not finished (`threads_active`, waited for by `synchronize_irq`). */
  threadsActive = 0;
  /** Where `synchronize_irq` sleeps. */
  readonly wq: WaitQueue;

  constructor(
    readonly kernel: Kernel,
    readonly irq: number,
    readonly flow: 'level' | 'edge',
    readonly cpu: number,
    /** `irq_chip` name for /proc/interrupts-style messages: `IO-APIC`, `PCI-MSI`. */
    readonly chip: string,
  ) {
    checkKernel('IrqDesc.new', kernel, 'kernel');
    this.wq = new WaitQueue(kernel, `irq ${irq}`);
  }

  /** `IRQCHIP_ONESHOT_SAFE`: MSI is, so IRQF_ONESHOT is dropped and a NULL primary handler needs no ONESHOT. */
  get oneshotSafe(): boolean {
    return this.chip === 'PCI-MSI';
  }

  /** True while the handler of this IRQ runs on some CPU. */
  get running(): boolean {
    return this.inProgress > 0;
  }
}

/** The per-kernel IRQ table. */
export class IrqTable {
  readonly descs = new Map<number, IrqDesc>();
  /** The descriptor whose handlers run now (for {@link irqOccupy}). */
  current: IrqDesc | null = null;
  /** Span requested by the handler running now. */
  spanNs = 0;
  /** Next legacy (INTx) IRQ number to hand out. */
  nextIntx = 16;
  /** Next MSI IRQ number to hand out. */
  nextMsi = 24;

  constructor(readonly kernel: Kernel) {
    checkKernel('IrqTable.new', kernel, 'kernel');
  }

  /** Creates the descriptor for `irq`. */
  create(irq: number, flow: 'level' | 'edge', chip: string): IrqDesc {
    const d = new IrqDesc(this.kernel, irq, flow, 0, chip);
    this.descs.set(irq, d);
    return d;
  }

  /** Queues a pass of `desc` unless one is queued already. Context: any. */
  kick(desc: IrqDesc): void {
    // No action: the line is shut down (the last free_irq does irq_shutdown), so nothing fires.
    if (desc.pending !== null || desc.depth > 0 || desc.threadsOneshot > 0 || desc.actions.length === 0) return;
    desc.pending = this.kernel.raise(`irq ${desc.irq}`, desc.cpu, () => this.pass(desc));
  }

  /** Raises or lowers `source`'s contribution to a level-triggered line. Context: any. */
  setLevel(desc: IrqDesc, source: object, level: boolean): void {
    if (level) {
      const was = desc.asserted.size > 0;
      desc.asserted.add(source);
      if (!was && desc.inProgress === 0) this.kick(desc);
    } else {
      desc.asserted.delete(source);
      if (desc.asserted.size === 0) desc.storm = 0;
    }
  }

  /** One pass of the flow handler: every action, owner-checked. Runs in hardirq context. */
  private pass(desc: IrqDesc): void {
    const k = this.kernel;
    desc.pending = null;
    if (desc.depth > 0) return;
    if (desc.flow === 'level' && desc.asserted.size === 0) return; // deasserted before we got here
    desc.inProgress++;
    const prev = this.current;
    const prevSpan = this.spanNs;
    this.current = desc;
    this.spanNs = 0;
    let handled = false;
    try {
      for (const a of [...desc.actions]) {
        if (!desc.actions.includes(a)) continue; // freed by an earlier handler of this pass
        if (!callbackRunnable(k, a.owner, a.handler.name || a.name, 'irq', a.stack, a.handler)) continue;
        k.trace('irq_handler', `${desc.irq} ${a.name}`);
        // lockdep: the handler "holds" its IRQ's map, which free_irq takes (docs/design.md §5).
        const ld = k.lockdep;
        const map = ld === null ? null : ld.classOf(`irq ${a.name}`);
        if (map !== null) ld?.acquire(map, `handle_irq ${a.name}`);
        let r: number;
        try {
          r = a.handler(desc.irq, a.devId);
        } finally {
          if (map !== null) ld?.release(map);
        }
        if ((r & IRQ_WAKE_THREAD) !== 0) this.wakeThread(desc, a);
        if ((r & (IRQ_HANDLED | IRQ_WAKE_THREAD)) !== 0) handled = true;
      }
    } finally {
      const span = this.spanNs;
      this.current = prev;
      this.spanNs = prevSpan;
      this.noteInterrupt(desc, handled);
      if (span > 0) k.occupyCpu(desc.cpu, span, `irq ${desc.irq}`, () => this.endPass(desc));
      else this.endPass(desc);
    }
  }

  /** `__irq_wake_thread()`, or the kernel's warning when the action has no thread. */
  private wakeThread(desc: IrqDesc, a: IrqAction): void {
    if (a.thread === null) {
      this.kernel.warn(
        `irq ${desc.irq}`,
        `IRQ ${desc.irq} device ${a.name} returned IRQ_WAKE_THREAD but no thread function available.`,
      );
      return;
    }
    a.thread.wake();
  }

  private endPass(desc: IrqDesc): void {
    desc.inProgress--;
    desc.wq.wakeUp();
    // A ONESHOT line stays masked until its thread is done (irq_finalize_oneshot unmasks).
    if (desc.flow !== 'level' || desc.asserted.size === 0 || desc.inProgress > 0 || desc.threadsOneshot > 0) return;
    if (++desc.storm >= IRQ_STORM_LIMIT) {
      desc.depth++;
      this.kernel.warn(
        `irq ${desc.irq}`,
        !desc.lastHandled
          ? `irq ${desc.irq}: nobody cared (try booting with the "irqpoll" option)`
          : `irq ${desc.irq}: interrupt storm: line still asserted after ${IRQ_STORM_LIMIT} handled passes; disabling it`,
      );
      return;
    }
    this.kick(desc);
  }

  /** `note_interrupt()`: counts unhandled passes (IRQ_NONE from every action). */
  private noteInterrupt(desc: IrqDesc, handled: boolean): void {
    desc.count++;
    desc.lastHandled = handled;
    if (!handled) desc.unhandled++;
  }
}

const TABLE = new KernelLocal((k: Kernel) => new IrqTable(k));

/** The kernel's IRQ table. Context: any. */
export function irqTable(k: Kernel): IrqTable {
  checkKernel('irqTable', k);
  return TABLE.get(k);
}

/**
 * Keeps the CPU of the running IRQ handler busy for `spanNs` of virtual
 * time after the handler returns (how another CPU sees a long handler:
 * `free_irq`/`synchronize_irq` wait for the span). No kernel counterpart:
 * a real handler simply takes that long. Context: hardirq (inside a handler).
 */
export function irqOccupy(k: Kernel, spanNs: number): void {
  checkKernel('irqOccupy', k);
  checkDelayNs('irqOccupy', 'spanNs', spanNs); // a NaN or infinite span would stall the CPU's clock
  const t = irqTable(k);
  if (t.current === null) throw new Error('irqOccupy: not inside an IRQ handler');
  if (spanNs > t.spanNs) t.spanNs = spanNs;
}
