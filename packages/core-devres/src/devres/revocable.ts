/**
 * `Revocable<T>` (rust/kernel/revocable.rs): a value that can be taken away
 * while others may still be reaching for it.
 *
 * Invariants:
 * - Once `revoked` is set, `tryAccess()` and `tryAccessWithGuard()` return
 *   null: no new reader can start.
 * - `revoke()` drops the value only after every guard taken before the
 *   revocation has been released and a grace period has passed.
 *
 * Two reader forms, as in Rust:
 * - `tryAccess()` returns the value itself. It is valid until the caller's
 *   next sleep (its next kernel await): the synchronous stretch in which it is
 *   used is an RCU read-side section, and `revoke()` waits a grace period.
 *   Do not keep it across an await.
 * - `tryAccessWithGuard()` returns a guard the reader holds across sleeps;
 *   `revoke()` waits for it. Deliberate difference: Rust's guard holds the
 *   RCU read lock and may not sleep; quiesce's guard is SRCU-like and may,
 *   so the "reader spanning a sleep" case is expressible.
 */
import { countRevocable } from '../census/counting.js';
import { checkKernel, checkThis } from '../kernel/check-kernel.js';
import { dispose } from '../kernel/dispose.js';
import type { Kernel } from '../kernel/kernel.js';
import { synchronizeRcu } from '../kernel/sync/rcu.js';
import { WaitQueue } from '../kernel/sync/wait-queue.js';
import { checkOptFn, checkString } from '../kernel/validate.js';

/** A held read-side section of a {@link Revocable}. Release it exactly once. */
export class RevocableGuard<T> {
  private held = true;

  constructor(
    private readonly owner: Revocable<T>,
    /** The guarded value, valid until {@link RevocableGuard.release}. */
    readonly value: T,
  ) {}

  /**
   * Ends the read-side section. A second call warns. Context: any. A guard
   * made by hand (`new RevocableGuard(r, v)`, which Rust's private
   * constructor forbids) that would release more guards than were taken
   * warns too and leaves the count at zero, so `revoke()` still completes.
   */
  release(): void {
    if (!this.held) {
      this.owner.kernel.warn(this.owner.name, `RevocableGuard of ${this.owner.name} released twice`);
      return;
    }
    this.held = false;
    this.owner.guardDone();
  }

  /** `using g = r.tryAccessWithGuard()` releases at scope exit. */
  [dispose](): void {
    this.release();
  }
}

export class Revocable<T> {
  private revoked = false;
  private data: T | null;
  private guards = 0;
  private readonly wq: WaitQueue;

  /**
   * `Revocable::new(data)`: a value readers can reach until {@link revoke}.
   * Context: any. Errors: a `TypeError` when `kernel` is not a Kernel,
   * `name` not a string or `onDrop` not a function (null and undefined are
   * "no drop").
   */
  constructor(
    readonly kernel: Kernel,
    value: T,
    readonly name = 'revocable',
    /** Called with the value when it is dropped (Rust's `Drop` of the inner value). */
    private readonly onDrop: ((value: T) => void) | null = null,
  ) {
    checkKernel('Revocable.new', kernel, 'kernel');
    checkString('Revocable.new', 'name', name);
    checkOptFn('Revocable.new', 'onDrop', onDrop);
    this.data = value;
    this.wq = new WaitQueue(kernel, `revocable ${name}`);
    if (kernel.census !== null) countRevocable(this, kernel.census);
  }

  /** `Revocable::try_access()`: the value, or null once revoked. Context: any. */
  tryAccess(): T | null {
    return this.revoked ? null : this.data;
  }

  /** `Revocable::try_access_with_guard()`: a guard holding the value, or null once revoked. Context: any. */
  tryAccessWithGuard(): RevocableGuard<T> | null {
    if (this.revoked) return null;
    this.guards++;
    // `as`: data is null only after revocation, checked just above.
    return new RevocableGuard(this, this.data as T);
  }

  /** True once revocation has started. */
  isRevoked(): boolean {
    return this.revoked;
  }

  /** Guards currently held. */
  get readers(): number {
    return this.guards;
  }

  /**
   * `Revocable::revoke()`: stops new readers, waits for held guards and a
   * grace period, then drops the value. Returns true if this call revoked it,
   * false if it was already revoked. Context: may sleep.
   */
  async revoke(): Promise<boolean> {
    checkThis('Revocable.revoke', this, Revocable, 'self');
    if (this.revoked) return false;
    this.revoked = true;
    this.kernel.census?.count('atomic_rmw'); // Rust: is_available.swap(false)
    this.kernel.trace('revoke', `${this.name}: ${this.guards} guard(s) held`);
    await this.wq.waitEvent(() => this.guards === 0, `revoke ${this.name}`);
    await synchronizeRcu(this.kernel);
    this.drop();
    return true;
  }

  /**
   * `Revocable::revoke_nosync()`: revokes and drops at once without waiting.
   * The caller guarantees there are no readers (in Rust this is `unsafe`);
   * a guard still held is a `use-after-remove` report.
   * Returns true if this call revoked it. Context: any.
   */
  revokeNosync(): boolean {
    checkThis('Revocable.revoke_nosync', this, Revocable, 'self');
    if (this.revoked) return false;
    this.revoked = true;
    if (this.guards > 0) {
      this.kernel.sanitizer.report({
        kind: 'use-after-remove',
        title: `BUG: revoke_nosync of ${this.name} with ${this.guards} reader(s) inside`,
        resource: this.name,
        detail: 'revoke_nosync() requires that no reader holds a guard; the value is dropped under a live guard',
        stacks: this.kernel.stack(),
      });
    }
    this.drop();
    return true;
  }

  /** @internal */
  guardDone(): void {
    // The last guard going is the common case and makes the one compare it always made;
    // only a release that leaves guards behind also asks whether the count went below zero.
    if (--this.guards === 0) this.wq.wakeUp();
    else if (this.guards < 0) this.guardUnderflow();
  }

  /** One more guard went than came (a hand-made guard): warn, and stay at 0 so revoke() can complete. */
  private guardUnderflow(): void {
    this.guards = 0;
    this.kernel.warn(this.name, `RevocableGuard of ${this.name} released without a matching try_access_with_guard`);
    this.wq.wakeUp();
  }

  private drop(): void {
    const v = this.data;
    this.data = null;
    if (v !== null && this.onDrop !== null) this.onDrop(v);
  }
}
