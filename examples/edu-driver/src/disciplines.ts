/**
 * The six disciplines as data: the id the report and the bug matrix use, the
 * edu driver's `Discipline`, and what each is in kernel terms
 * (docs/disciplines.md says the same at length).
 */
import type { Discipline } from './priv.js';

export interface DisciplineInfo {
  /** Report id (`kernel-c`, `fenced`, …). */
  id: string;
  /** The edu driver's discipline (`kernel` for `kernel-c`). */
  edu: Discipline;
  /** What it is in kernel terms. */
  kernel: string;
  /** What a hot path pays. */
  hotPath: string;
  /** What unbind does. */
  unbind: string;
}

export const DISCIPLINES: readonly DisciplineInfo[] = [
  {
    id: 'kernel-c',
    edu: 'kernel',
    kernel:
      'a C driver with a careful remove() order (misc_deregister, wait for ioctls, hrtimer_cancel, free_irq, cancel_work_sync, then iounmap)',
    hotPath: 'nothing',
    unbind: "the driver's own cancels, in its order",
  },
  {
    id: 'fenced',
    edu: 'fenced',
    kernel:
      "the fence-on-remove contract (devm with fence/release: every fence, then every release); also what Rust-for-Linux's pci::Bar<'bound> plus scoped registrations compile to",
    hotPath: 'nothing',
    unbind: 'every fence (hrtimer_cancel, disable_work_sync, free_irq, fenced misc_deregister), then every release',
  },
  {
    id: 'devres-access',
    edu: 'devres-access',
    kernel:
      'Rust-for-Linux Devres::access(&Device<Bound>) (6.16): proof of binding, with the registrations devm-fenced (IRQ since 6.18)',
    hotPath: 'identity compare of the bound-device proof',
    unbind: 'fences, then the Devres revoked (one RCU grace period) and released',
  },
  {
    id: 'revocable',
    edu: 'revocable',
    kernel: 'Rust-for-Linux Revocable/Devres per resource (try_access on every access)',
    hotPath: 'RCU read lock + revoked flag',
    unbind: 'revoke + synchronize_rcu per resource',
  },
  {
    id: 'srcu-device',
    edu: 'srcu-device',
    kernel: "DRM's drm_dev_enter/drm_dev_exit/drm_dev_unplug (one static SRCU domain, a per-device unplugged flag)",
    hotPath: 'SRCU read lock + device flag',
    unbind: 'flag + one synchronize_srcu per device',
  },
  {
    id: 'c-revocable',
    edu: 'c-revocable',
    kernel:
      'the C revocable API (Tzung-Bi Shih 2025-2026: provider/consumer over SRCU, scoped try-access) and its revocable_replace_fops for misc files',
    hotPath: 'SRCU read lock + pointer load',
    unbind: 'clear the pointer + synchronize_srcu per provider',
  },
];

/** The entry of report id `id`. Errors: a TypeError naming an unknown id. */
export function disciplineInfo(id: string): DisciplineInfo {
  const d = DISCIPLINES.find((x) => x.id === id);
  if (d === undefined) throw new TypeError(`disciplineInfo: unknown discipline id '${id}'`);
  return d;
}
