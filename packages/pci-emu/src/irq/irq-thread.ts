/**
 * The kernel thread of a threaded interrupt (kernel/irq/manage.c:
 * `irq_thread`, `__irq_wake_thread`, `irq_finalize_oneshot`).
 *
 * One task per action, named `irq/N-name` as the kernel names it. The
 * primary handler runs in hardirq context; when it returns
 * `IRQ_WAKE_THREAD` the thread is woken and runs the thread function in
 * process context (it may sleep). A wake while a run is already pending is
 * folded into it; a wake during a run makes the thread run once more.
 *
 * `IRQF_ONESHOT`: the line stays masked from the wake until the thread
 * function returns (`desc.threadsOneshot`), so a level-triggered device that
 * is only quieted by the thread does not storm. `free_irq` stops the thread
 * (`kthread_stop`): a run already pending still happens, then it exits.
 */
import { callbackRunnable, checkKernel, type Kernel, mightSleep, type Owner, type Task } from '@quiesce/core-devres';
import type { IrqDesc, IrqTable } from './irq-desc.js';

/** `irq_handler_t` of a thread function: runs in process context and may sleep. */
export type IrqThreadFn = (irq: number, devId: unknown) => Promise<number> | number;

export class IrqThread {
  /** IRQTF_RUNTHREAD: a run is pending. */
  private runThread = false;
  private stopping = false;
  readonly task: Task;

  constructor(
    private readonly kernel: Kernel,
    private readonly table: IrqTable,
    readonly desc: IrqDesc,
    readonly fn: IrqThreadFn,
    readonly name: string,
    readonly devId: unknown,
    readonly owner: Owner,
    /** IRQF_ONESHOT in force (dropped on chips that are one-shot safe, such as PCI-MSI). */
    readonly oneshot: boolean,
    readonly stack: string | undefined,
  ) {
    checkKernel('IrqThread.new', kernel, 'kernel');
    this.task = kernel.spawn(`irq/${desc.irq}-${name}`, () => this.loop(), desc.cpu);
  }

  /** `__irq_wake_thread()`: called from the primary handler's pass. Context: hardirq. */
  wake(): void {
    if (this.stopping || this.runThread) return;
    this.runThread = true;
    if (this.oneshot) this.desc.threadsOneshot++;
    this.desc.threadsActive++;
    this.kernel.wake(this.task);
  }

  /** `kthread_stop()`: lets a pending run happen, then waits for the thread to exit. Context: may sleep. */
  async stop(): Promise<void> {
    mightSleep(this.kernel, 'kthread_stop');
    this.stopping = true;
    this.kernel.wake(this.task);
    await this.kernel.join(this.task);
  }

  private async loop(): Promise<void> {
    const k = this.kernel;
    for (;;) {
      while (!this.runThread && !this.stopping) await k.idleWait(`irq thread ${this.desc.irq}`);
      if (!this.runThread) return;
      this.runThread = false;
      try {
        if (callbackRunnable(k, this.owner, this.fn.name || this.name, 'irq thread', this.stack, this.fn)) {
          k.trace('irq_thread', `${this.desc.irq} ${this.name}`);
          // lockdep: the thread function holds the IRQ's map too (free_irq waits for it).
          const map = k.lockdep?.classOf(`irq ${this.name}`) ?? null;
          if (map !== null) k.lockdep?.acquire(map, `irq_thread_fn ${this.name}`);
          try {
            await this.fn(this.desc.irq, this.devId);
          } finally {
            if (map !== null) k.lockdep?.release(map);
          }
        }
      } finally {
        this.finish();
      }
    }
  }

  /** `irq_finalize_oneshot()` and the `threads_active` wake-up of `synchronize_irq`. */
  private finish(): void {
    const d = this.desc;
    if (this.oneshot && --d.threadsOneshot === 0) {
      // Unmask: a level line still asserted fires again now.
      if (d.flow === 'level' && d.asserted.size > 0 && d.inProgress === 0) this.table.kick(d);
    }
    d.threadsActive--;
    d.wq.wakeUp();
  }
}
