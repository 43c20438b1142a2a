/**
 * `Devres<T>` (rust/kernel/devres.rs): a revocable value registered on a
 * device and revoked at unbind.
 *
 * Two ways in:
 * - {@link Devres.tryAccess} / {@link Devres.tryAccessWithGuard}: the
 *   revocable paths, checking "is it still there?" on every access;
 * - {@link Devres.access}: takes a {@link BoundDevice} as proof that the
 *   driver is bound (Rust's `Devres::access(&self, dev: &Device<Bound>)`) and
 *   only compares identities: `-EINVAL` when the proof is for another device.
 *   No flag is read, because a bound device cannot be unbound under a caller
 *   that holds the proof.
 *
 * The bound token can still be misused in JavaScript, where no borrow
 * checker ties it to the binding: kept past unbind, or used after a rebind
 * (with a Devres of either binding). In sanitizer `report`/`panic` mode that
 * access is a `use-after-remove` report (and the value is returned, as KASAN
 * lets the access proceed). The check costs nothing on the hot path: the
 * tokens and the Devres swap their identity keys for tombstones when their
 * binding ends (see `BoundDevice`), so the one compare `access()` makes fails
 * and the cold path compares bind generations. With the sanitizer `off`
 * nothing is swapped and a stale token is not detected (as in production:
 * the type system was meant to prevent it).
 */

import { countDevresAccess } from '../census/counting.js';
import type { BoundDevice, Device } from '../device/device.js';
import { KernelError } from '../kernel/errno.js';
import { devresAdd } from './devres.js';
import { Revocable, type RevocableGuard } from './revocable.js';

export class Devres<T> {
  private readonly inner: Revocable<T>;
  /** Never cleared: `access()` returns it without reading the revocation flag. */
  private readonly value: T;
  /** `dev` until release; a tombstone afterwards with the sanitizer on (see the file comment). */
  private key: object;
  /** Bind generation of the binding this Devres was made in (0: made while unbound). */
  readonly generation: number;

  /**
   * `Devres::new()`: wraps `value` and registers it on `dev`. At unbind the
   * fence revokes (waiting for readers and a grace period) and the release
   * calls `release(value)`. Context: may sleep (the devres node is a
   * GFP_KERNEL allocation, as `Devres::new(dev, data, GFP_KERNEL)`; checked
   * with might_sleep()). Errors: `-ENOMEM` (fault injection).
   */
  constructor(
    readonly dev: Device,
    value: T,
    readonly name = 'devres',
    release: ((value: T) => void) | null = null,
  ) {
    this.value = value;
    this.key = dev;
    this.generation = dev.bound?.generation ?? 0;
    this.inner = new Revocable(dev.kernel, value, name);
    if (dev.kernel.census !== null) countDevresAccess(this, dev.kernel.census);
    devresAdd(dev, {
      name: `Devres ${name}`,
      fence: async () => {
        await this.inner.revoke();
      },
      release: () => {
        if (dev.kernel.sanitizer.mode !== 'off') this.key = {};
        if (release !== null) release(value);
      },
    });
  }

  /**
   * `Devres::access(&self, dev: &Device<Bound>)`: the value, given proof that
   * `dev` is bound. One identity compare. Errors: `-EINVAL` for another
   * device's proof. With the sanitizer on, a proof or a Devres from an ended
   * binding is a `use-after-remove` report (the value is still returned).
   * Context: any.
   */
  access(bound: BoundDevice): T {
    if (bound.key !== this.key) return this.accessCold(bound);
    return this.value;
  }

  /** The compare failed: another device's proof (`-EINVAL`), or a binding that has ended (report). */
  private accessCold(bound: BoundDevice): T {
    if (bound.dev !== this.dev)
      throw new KernelError('EINVAL', `Devres ${this.name}: proof is for ${bound.dev}, not ${this.dev}`);
    const k = this.dev.kernel;
    const stale = bound.key !== bound.dev ? `a proof of binding ${bound.generation}, which has ended` : 'the proof';
    k.sanitizer.report({
      kind: 'use-after-remove',
      title: `BUG: Devres::access of ${this.name} with a stale Device<Bound>`,
      resource: `Devres ${this.name}`,
      detail:
        `${stale} was used on a Devres made in binding ${this.generation}` +
        `${this.key !== this.dev ? ', released at its unbind' : ''} (current binding: ${this.dev.bound?.generation ?? 'none'})`,
      stacks: k.stack(),
    });
    return this.value;
  }

  /** The value, or null once revoked. Context: any. */
  tryAccess(): T | null {
    return this.inner.tryAccess();
  }

  /** A guard, or null once revoked. Context: any. */
  tryAccessWithGuard(): RevocableGuard<T> | null {
    return this.inner.tryAccessWithGuard();
  }

  /** True once unbind has revoked it. */
  isRevoked(): boolean {
    return this.inner.isRevoked();
  }
}
