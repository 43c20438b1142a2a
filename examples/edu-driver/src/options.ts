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

export interface EduOptions {
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
