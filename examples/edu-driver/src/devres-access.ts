/**
 * The devres-access discipline: Rust-for-Linux's
 * `Devres::access(&self, dev: &Device<Bound>)` (6.16). BAR0 lives in a
 * `Devres<IoMem>`; every hot path reaches it with `bar.access(bound)`, an
 * identity compare against the proof of binding handed to probe, and no
 * revocation flag. That is only sound because nothing that holds the proof
 * outlives the binding: the timer, the work, the IRQ handler (forced to
 * unregister before unbind since 6.18) and the misc device are devm-managed
 * and fenced before the Devres is released, as in the fenced discipline
 * (same probe, fenced.ts). Unbind then revokes the Devres as the revocable
 * discipline does (a grace period). With the sanitizer on, a proof kept
 * past its binding is a `use-after-remove` report.
 */
import type { Module } from '@quiesce/module-loader';
import type { PciDriver } from '@quiesce/pci-emu';
import { devmEduDriver } from './fenced.js';
import type { EduOptions } from './options.js';

/** The devres-access edu driver. */
export function devresAccessDriver(mod: Module, opts: EduOptions = {}): PciDriver {
  return devmEduDriver(mod, opts, 'devres-access');
}
