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

  /**
   * `Devres::new()`: wraps `value` and registers it on `dev`. At unbind the
   * fence revokes (waiting for readers and a grace period) and the release
   * calls `release(value)`. Context: any. Errors: `-ENOMEM` (fault injection).
   */
  constructor(
    readonly dev: Device,
    value: T,
    readonly name = 'devres',
    release: ((value: T) => void) | null = null,
  ) {
    this.value = value;
    this.inner = new Revocable(dev.kernel, value, name);
    if (dev.kernel.census !== null) countDevresAccess(this, dev.kernel.census);
    devresAdd(dev, {
      name: `Devres ${name}`,
      fence: async () => {
        await this.inner.revoke();
      },
      release: () => {
        if (release !== null) release(value);
      },
    });
  }

  /** The value, given proof that `dev` is bound. Errors: `-EINVAL` for another device's proof. Context: any. */
  access(bound: BoundDevice): T {
    if (bound.dev !== this.dev)
      throw new KernelError('EINVAL', `Devres ${this.name}: proof is for ${bound.dev}, not ${this.dev}`);
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
