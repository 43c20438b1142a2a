/**
 * Per-device driver data of the edu driver, shared by the three disciplines.
 *
 * What differs between disciplines is only how a hot path reaches BAR0:
 * `enter(priv)` returns the mapping (fenced and kernel-C: the `IoMem`
 * itself, no check) or null (revocable: `Devres.tryAccess()` after unbind).
 */
import type { BoundDevice, Devres, DrmDevice, Kernel, Mutex, RevocableProvider, WaitQueue } from '@quiesce/core-devres';
import type { HrTimer } from '@quiesce/hrtimer';
import type { MiscDevice } from '@quiesce/miscdev';
import type { Module } from '@quiesce/module-loader';
import type { DmaCoherent, IoMem, PciDev } from '@quiesce/pci-emu';
import type { DelayedWork, Workqueue } from '@quiesce/workqueue';

/** How the driver obeys "only while bound" (docs/disciplines.md; `kernel` is the report's `kernel-c`). */
export type Discipline = 'fenced' | 'revocable' | 'kernel' | 'devres-access' | 'srcu-device' | 'c-revocable';

export interface EduPriv {
  readonly k: Kernel;
  readonly pdev: PciDev;
  readonly mod: Module;
  readonly discipline: Discipline;
  /** How hot paths reach BAR0 (see the file comment). */
  enter(): IoMem | null;
  /** fenced / kernel-C: the mapping. */
  io: IoMem | null;
  /** revocable, devres-access: the mapping behind a Devres. */
  bar: Devres<IoMem> | null;
  /** devres-access: the proof of binding handed to probe, kept for the hot paths. */
  bound: BoundDevice | null;
  /** srcu-device: the DRM-style device whose unplug flag guards every hot path. */
  ddev: DrmDevice | null;
  /** c-revocable: the provider holding the mapping. */
  provider: RevocableProvider<IoMem> | null;
  irq: number;
  timer: HrTimer | null;
  work: DelayedWork | null;
  wq: Workqueue | null;
  misc: MiscDevice | null;
  dma: DmaCoherent | null;
  /** Serialises the completion work against itself and ioctls' device programming. */
  lock: Mutex;
  /** kernel-C: held by every ioctl; remove() takes it to set `removed` (the C idiom for "no ioctl in flight"). */
  ioctlLock: Mutex;
  /** Wakes FACT_RESULT waiters. */
  results: WaitQueue;
  /** kernel-C: set by remove() under `lock` so late ioctls fail (the C idiom). */
  removed: boolean;
  /** The device returned all ones: surprise removal. */
  gone: boolean;
  factPending: boolean;
  factResult: number;
  factCount: number;
  dmaPending: boolean;
  dmaDone: number;
  polls: number;
  irqs: number;
  livenessErrors: number;
  pollPeriodNs: number;
}
