/**
 * Knobs that turn a correct edu driver into one of the buggy variants of
 * docs/design.md §6. Every default is the correct driver; each bug in
 * examples/buggy/ changes one knob.
 */
import type { UnbindMode } from '@quiesce/core-devres';

/** A step of the kernel-C discipline's hand-written remove(). */
export type RemoveStep =
  | 'misc_deregister'
  | 'fence_ioctls'
  | 'quiesce'
  | 'settle'
  | 'hrtimer_cancel'
  | 'free_irq'
  | 'cancel_work_sync'
  | 'cancel_work'
  | 'dma_free'
  | 'iounmap'
  | 'release_regions'
  | 'free_irq_vectors'
  | 'disable_device';

/** The order a careful C driver uses. */
export const CAREFUL_REMOVE: readonly RemoveStep[] = [
  'misc_deregister',
  'fence_ioctls',
  'quiesce',
  'hrtimer_cancel',
  'free_irq',
  'cancel_work_sync',
  'dma_free',
  'iounmap',
  'release_regions',
  'free_irq_vectors',
  'disable_device',
];

/** A devm acquisition of the fenced discipline, in probe order. */
export type FencedStep = 'iomap' | 'dma' | 'work' | 'timer' | 'irq' | 'misc';

/** Probe order of the correct fenced driver: the mapping first, users of it after. */
export const FENCED_ORDER: readonly FencedStep[] = ['iomap', 'dma', 'work', 'timer', 'irq', 'misc'];

/**
 * A driver author's mistake, written in whatever discipline the driver uses
 * (the bug × discipline matrix, docs/disciplines.md). Each names what the
 * author got wrong, not how a discipline spells it:
 * - `work-not-stopped`: nothing stops the completion work at unbind (bug 1);
 * - `timer-not-stopped`: nothing stops the poll timer at unbind (bugs 2, 10);
 * - `work-cancel-nosync`: the work is cancelled without waiting (bug 4);
 * - `work-cancelled-before-timer`: the work is stopped before the timer that queues it (bug 5);
 * - `irq-before-map`: the IRQ is set up before (so torn down after) the mapping (bug 6);
 * - `ioctl-unguarded`: nothing makes unbind wait for an ioctl in flight (bug 8);
 * - `work-before-map`: what stops the work is registered before the mapping (bug 9, with `unbindMode: 'lifo'`).
 */
export type Mistake =
  | 'work-not-stopped'
  | 'timer-not-stopped'
  | 'work-cancel-nosync'
  | 'work-cancelled-before-timer'
  | 'irq-before-map'
  | 'ioctl-unguarded'
  | 'work-before-map';

/** kernel-C: remove() with the work cancelled before the timer that queues it (bug 5). */
export const CANCEL_ORDER_REMOVE: readonly RemoveStep[] = [
  'misc_deregister',
  'fence_ioctls',
  'cancel_work_sync',
  'quiesce',
  'hrtimer_cancel',
  'free_irq',
  'dma_free',
  'iounmap',
  'release_regions',
  'free_irq_vectors',
  'disable_device',
];

/** kernel-C: remove() that unmaps, lets the device settle, and only then frees the IRQ (bug 6). */
export const IRQ_AFTER_UNMAP_REMOVE: readonly RemoveStep[] = [
  'misc_deregister',
  'fence_ioctls',
  'hrtimer_cancel',
  'cancel_work_sync',
  'dma_free',
  'iounmap',
  'settle',
  'free_irq',
  'release_regions',
  'free_irq_vectors',
  'disable_device',
];

/** The devm acquisition order of the devm-based disciplines, given the options (an explicit order wins). */
export function devmOrder(opts: EduOptions): readonly FencedStep[] {
  if (opts.fencedOrder !== undefined) return opts.fencedOrder;
  switch (opts.mistake) {
    case 'work-cancelled-before-timer':
      // The work registered after the timer is fenced (stopped) before it.
      return ['iomap', 'dma', 'timer', 'work', 'irq', 'misc'];
    case 'irq-before-map':
      return ['irq', 'iomap', 'dma', 'work', 'timer', 'misc'];
    case 'work-before-map':
      return ['work', 'iomap', 'dma', 'timer', 'irq', 'misc'];
    default:
      return FENCED_ORDER;
  }
}

export interface EduOptions {
  /** A driver author's mistake (see {@link Mistake}); default none. */
  mistake?: Mistake;
  /** Module, PCI driver and misc device name (default `edu`). */
  name?: string;
  /** Liveness poll period (default 1 ms). */
  pollPeriodNs?: number;
  /** How long the poll callback keeps its CPU (0: instantaneous). */
  callbackSpanNs?: number;
  /** kernel-C: the remove() steps in order (default {@link CAREFUL_REMOVE}). */
  removeSteps?: readonly RemoveStep[];
  /** fenced: devm acquisition order (default {@link FENCED_ORDER}). */
  fencedOrder?: readonly FencedStep[];
  /** Unbind mode of the device (default two-phase; the kernel's single pass is `lifo`). */
  unbindMode?: UnbindMode;
  /** File operations name their module (`.owner = THIS_MODULE`, default) or nobody. */
  fopsOwner?: 'module' | 'none';
  /** The module's own statistics timer is cancelled in module_exit (default) or forgotten. */
  moduleTimer?: 'cancelled' | 'leaked';
  /** revocable: the per-device timer is dropped (cancelled) at unbind (default) or leaked. */
  revocableTimer?: 'dropped' | 'leaked';
  /** revocable + leaked timer: pin the module while the timer may fire (try_module_get at arm). */
  pinModule?: boolean;
}
