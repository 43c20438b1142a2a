/**
 * The edu driver's logic, written once for the three disciplines. Every
 * function takes the BAR0 mapping the discipline's `enter()` produced; none
 * of them checks whether the device is still bound: that is the discipline's
 * job, and the point of the comparison.
 */
import { KernelError, msleep, usleepRange } from '@quiesce/core-devres';
import { HRTIMER_RESTART, type HrTimer, type HrtimerRestart, hrtimerForwardNow } from '@quiesce/hrtimer';
import {
  EDU_DMA_IRQ_ON_DONE,
  EDU_DMA_RUN,
  EDU_DMA_SIZE,
  EDU_DMA_START,
  EDU_REG_DMA_CMD,
  EDU_REG_DMA_CNT,
  EDU_REG_DMA_DST,
  EDU_REG_DMA_SRC,
  EDU_REG_FACT,
  EDU_REG_ID,
  EDU_REG_IRQ_ACK,
  EDU_REG_IRQ_STATUS,
  EDU_REG_LIVENESS,
  EDU_REG_STATUS,
  EDU_STATUS_COMPUTING,
  EDU_STATUS_IRQFACT,
  type IoMem,
  IRQ_HANDLED,
  IRQ_NONE,
} from '@quiesce/pci-emu';
import { queueDelayedWork } from '@quiesce/workqueue';
import type { EduPriv } from './priv.js';
import {
  EDU_IOC_DMA,
  EDU_IOC_DMA_DONE,
  EDU_IOC_FACT,
  EDU_IOC_FACT_RESULT,
  EDU_IOC_READ_ID,
  EDU_RESULT_TIMEOUT_MS,
} from './uapi.js';

const ALL_ONES = 0xffff_ffff;

/** A read of all ones from a register that cannot hold it: the device is gone (`PCI_POSSIBLE_ERROR`). */
function deviceGone(priv: EduPriv, v: number): boolean {
  if (v !== ALL_ONES) return false;
  priv.gone = true;
  priv.factPending = false;
  priv.dmaPending = false;
  priv.results.wakeUp();
  return true;
}

/** Queues the completion work now (from the IRQ handler or the poll timer). Context: atomic. */
function kickWork(priv: EduPriv): void {
  if (priv.work !== null && priv.wq !== null) queueDelayedWork(priv.wq, priv.work, 0);
}

/** The interrupt handler: acknowledge what the device raised and defer the rest. Context: hardirq. */
export function eduIrqWith(priv: EduPriv, bar: IoMem): number {
  const status = bar.readl(EDU_REG_IRQ_STATUS);
  if (status === 0 || deviceGone(priv, status)) return IRQ_NONE;
  bar.writel(status, EDU_REG_IRQ_ACK);
  priv.irqs++;
  kickWork(priv);
  return IRQ_HANDLED;
}

/** The liveness poll: write a value, expect its complement back; kick the work while results are outstanding. Context: hardirq. */
export function eduPollWith(priv: EduPriv, bar: IoMem, timer: HrTimer): HrtimerRestart {
  const v = (Math.imul(priv.polls + 1, 0x9e3779b1) >>> 0) & 0x7fff_ffff;
  bar.writel(v, EDU_REG_LIVENESS);
  const back = bar.readl(EDU_REG_LIVENESS);
  if (!deviceGone(priv, back) && back !== ~v >>> 0) priv.livenessErrors++;
  priv.polls++;
  if (priv.factPending || priv.dmaPending) kickWork(priv);
  hrtimerForwardNow(timer, priv.pollPeriodNs);
  return HRTIMER_RESTART;
}

/** Collects a finished factorial or DMA. Returns true while one is still running. */
function collect(priv: EduPriv, bar: IoMem): boolean {
  const status = bar.readl(EDU_REG_STATUS);
  if (deviceGone(priv, status)) return false;
  if (priv.factPending && (status & EDU_STATUS_COMPUTING) === 0) {
    priv.factResult = bar.readl(EDU_REG_FACT);
    priv.factPending = false;
    priv.factCount++;
    priv.results.wakeUp();
  }
  if (priv.dmaPending && (bar.readl(EDU_REG_DMA_CMD) & EDU_DMA_RUN) === 0) {
    priv.dmaPending = false;
    priv.dmaDone++;
  }
  return priv.factPending || priv.dmaPending;
}

/**
 * The completion work: collect a finished factorial or DMA; if one is still
 * running, look again after a short sleep, then requeue itself. `getBar` is
 * called again after the sleep (a revocable mapping must be re-checked after
 * every sleep). Context: process (kworker), may sleep.
 */
export async function eduWorkWith(priv: EduPriv, getBar: () => IoMem | null): Promise<void> {
  const bar = getBar();
  if (bar === null || !collect(priv, bar)) return;
  // The device is often done within tens of µs: a second look saves a requeue.
  await usleepRange(priv.k, 100, 200);
  const again = getBar();
  if (again === null || !collect(priv, again)) return;
  if (priv.work !== null && priv.wq !== null) queueDelayedWork(priv.wq, priv.work, priv.pollPeriodNs / 2);
}

/** The part of FACT_RESULT that sleeps: wait for the work to collect the result. Context: may sleep. */
export async function eduWaitResult(priv: EduPriv): Promise<void> {
  for (let i = 0; i < EDU_RESULT_TIMEOUT_MS && priv.factPending && !priv.gone; i++) await msleep(priv.k, 1);
  if (priv.gone) throw new KernelError('EIO', 'edu: device gone');
  if (priv.factPending) throw new KernelError('ETIMEDOUT', 'edu: factorial did not complete');
}

/**
 * `unlocked_ioctl` minus the wait: what touches the device. `getBar` is
 * called again after a sleep (a revocable mapping must be re-checked after
 * every sleep; a fenced one is simply still there). Context: may sleep.
 */
export async function eduIoctlWith(
  priv: EduPriv,
  getBar: () => IoMem | null,
  cmd: number,
  arg: number,
): Promise<number> {
  const bar = getBar();
  if (bar === null) throw new KernelError('ENODEV', 'edu: device unbound');
  switch (cmd) {
    case EDU_IOC_READ_ID:
      return bar.readl(EDU_REG_ID);
    case EDU_IOC_FACT:
      if (priv.factPending) throw new KernelError('EBUSY', 'edu: a factorial is running');
      bar.writel(EDU_STATUS_IRQFACT, EDU_REG_STATUS);
      bar.writel(arg >>> 0, EDU_REG_FACT);
      priv.factPending = true;
      return 0;
    case EDU_IOC_FACT_RESULT: {
      await eduWaitResult(priv);
      const again = getBar();
      if (again === null) throw new KernelError('ENODEV', 'edu: device unbound');
      return again.readl(EDU_REG_FACT);
    }
    case EDU_IOC_DMA: {
      if (!(arg >= 1 && arg <= EDU_DMA_SIZE)) throw new KernelError('EINVAL', `edu: DMA length ${arg}`);
      if (priv.dmaPending) throw new KernelError('EBUSY', 'edu: a DMA is running');
      if (priv.dma === null) throw new KernelError('ENOMEM', 'edu: no DMA buffer');
      bar.writeq(BigInt(priv.dma.dmaHandle), EDU_REG_DMA_SRC);
      bar.writeq(BigInt(EDU_DMA_START), EDU_REG_DMA_DST);
      bar.writeq(BigInt(arg), EDU_REG_DMA_CNT);
      bar.writeq(BigInt(EDU_DMA_RUN | EDU_DMA_IRQ_ON_DONE), EDU_REG_DMA_CMD);
      priv.dmaPending = true;
      return 0;
    }
    case EDU_IOC_DMA_DONE:
      return priv.dmaDone;
    default:
      throw new KernelError('ENOTTY', `edu: unknown ioctl 0x${cmd.toString(16)}`);
  }
}
