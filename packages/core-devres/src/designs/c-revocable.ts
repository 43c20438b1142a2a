/**
 * The C "revocable" API (Tzung-Bi Shih, drivers/base/revocable.c as posted
 * 2025-2026; merged for 7.0, reverted in Feb 2026, reposted): the
 * c-revocable discipline of docs/disciplines.md.
 *
 * - A provider (`struct revocable_provider`) holds a pointer to the resource
 *   and its own SRCU domain.
 * - A consumer (`struct revocable`) refers to a provider.
 *   `revocable_try_access()` enters the provider's SRCU read section and
 *   returns the pointer, or NULL once revoked; `revocable_withdraw_access()`
 *   leaves it. The section may sleep (SRCU), so a consumer may use the
 *   resource from process context across sleeps, or from atomic context.
 * - Revoking (`revocable_provider_revoke()`, called `revocable_provider_free()`
 *   in v1-v3) clears the pointer, then waits `synchronize_srcu()`: when it
 *   returns, no consumer can still hold the pointer. One grace period per
 *   provider.
 *
 * The consumer keeps the SRCU index, as in C: two contexts sharing one
 * consumer overwrite each other's index (the flaw cited when the series was
 * reverted: the revoke then never completes). Here that is a `warn` report
 * and the overwritten section stays open, as it would. Use one consumer per
 * context, or {@link revocableScoped}, which makes its own.
 */

import { checkDevice } from '../device/check-device.js';
import type { Device } from '../device/device.js';
import { devresAdd } from '../devres/devres.js';
import { checkKernel } from '../kernel/check-kernel.js';
import type { Kernel } from '../kernel/kernel.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { badArg, checkFn, checkOptFn, checkString } from '../kernel/validate.js';
import { synchronizeSrcuGp } from './srcu-grace.js';
import { SrcuStruct } from './srcu-struct.js';

/** `struct revocable_provider`. */
export class RevocableProvider<T> {
  /** The resource, null once revoked (`rp->res`). */
  res: T | null;
  /** The provider's own SRCU domain (`rp->srcu`). */
  readonly srcu: SrcuStruct;

  /** See {@link revocableProviderAlloc} (the same checks). */
  constructor(
    readonly kernel: Kernel,
    res: T,
    readonly name: string,
  ) {
    checkKernel('RevocableProvider.new', kernel, 'kernel');
    checkKernel('revocable_provider_alloc', kernel);
    checkString('revocable_provider_alloc', 'name', name);
    this.res = res;
    this.srcu = new SrcuStruct(kernel, `revocable ${name}`);
  }
}

/** `struct revocable`: one consumer's handle on a provider. */
export class RevocableConsumer<T> {
  /** SRCU index of the open section, -1 when outside. */
  idx = -1;

  /** See {@link revocableAlloc} (the same check). */
  constructor(readonly rp: RevocableProvider<T>) {
    checkProvider('revocable_alloc', rp);
  }
}

/** Throws a `TypeError` unless `rp` is a {@link RevocableProvider}. Context: any. */
function checkProvider(fnName: string, rp: unknown): void {
  if (!(rp instanceof RevocableProvider)) throw badArg(fnName, 'rp', 'a RevocableProvider', rp);
}

/**
 * `revocable_provider_alloc(res)`: a provider holding `res`.
 * Context: may sleep (kzalloc(GFP_KERNEL) and init_srcu_struct(); checked
 * with might_sleep()). Errors: a `TypeError`, checked before might_sleep,
 * when `k` is not a Kernel or `name` not a string. `res` is any value (C's
 * `void *`; NULL is allowed, it reads as "already revoked").
 */
export function revocableProviderAlloc<T>(k: Kernel, res: T, name = 'revocable'): RevocableProvider<T> {
  checkKernel('revocable_provider_alloc', k);
  checkString('revocable_provider_alloc', 'name', name);
  mightSleep(k, 'revocable_provider_alloc');
  return new RevocableProvider(k, res, name);
}

/**
 * `devm_revocable_provider_alloc()`: a provider revoked at unbind. The devres
 * fence revokes (clears and waits a grace period); the release calls
 * `release(res)` if given. Context: may sleep (as revocable_provider_alloc,
 * and devres_alloc). Errors: `-ENOMEM` (fault injection); a `TypeError`,
 * checked before might_sleep, when `dev` is not a Device, `name` not a
 * string or `release` not a function (null and undefined: none).
 */
export function devmRevocableProviderAlloc<T>(
  dev: Device,
  res: T,
  name = 'revocable',
  release: ((res: T) => void) | null = null,
): RevocableProvider<T> {
  checkDevice('devm_revocable_provider_alloc', dev);
  checkString('devm_revocable_provider_alloc', 'name', name);
  checkOptFn('devm_revocable_provider_alloc', 'release', release);
  mightSleep(dev.kernel, 'devm_revocable_provider_alloc');
  const rp = new RevocableProvider(dev.kernel, res, name);
  devresAdd(dev, {
    name: `revocable ${name}`,
    fence: async () => {
      await revocableRevoke(rp);
    },
    release: () => {
      if (release !== null && release !== undefined) release(res);
    },
  });
  return rp;
}

/**
 * `revocable_alloc(rp)`: a consumer of `rp`. Context: may sleep
 * (kzalloc(GFP_KERNEL); checked with might_sleep()). Errors: a `TypeError`,
 * before might_sleep, when `rp` is not a RevocableProvider.
 */
export function revocableAlloc<T>(rp: RevocableProvider<T>): RevocableConsumer<T> {
  checkProvider('revocable_alloc', rp);
  mightSleep(rp.kernel, 'revocable_alloc');
  return new RevocableConsumer(rp);
}

/**
 * `revocable_try_access(rev)`: enters the provider's SRCU section and returns
 * the resource, or null once revoked (the section is entered either way, as
 * in C: always pair with {@link revocableWithdrawAccess}). A consumer already
 * inside warns (its index is overwritten). Context: any; may sleep inside.
 * Unchecked argument: a hot path (the consumer was checked when
 * {@link revocableAlloc} made it); anything else is JavaScript's TypeError.
 */
export function revocableTryAccess<T>(rev: RevocableConsumer<T>): T | null {
  const rp = rev.rp;
  if (rev.idx >= 0) rp.kernel.warn(rp.name, `revocable ${rp.name}: consumer entered twice, SRCU index overwritten`);
  rev.idx = rp.srcu.srcuReadLock();
  return rp.res;
}

/** `revocable_withdraw_access(rev)`: leaves the section. Outside one it warns. Context: any. Unchecked, as revocableTryAccess. */
export function revocableWithdrawAccess<T>(rev: RevocableConsumer<T>): void {
  const idx = rev.idx;
  if (idx < 0) {
    rev.rp.kernel.warn(rev.rp.name, `revocable ${rev.rp.name}: withdraw_access without try_access`);
    return;
  }
  rev.idx = -1;
  rev.rp.srcu.srcuReadUnlock(idx);
}

/**
 * `REVOCABLE_TRY_ACCESS_WITH()` as a scope: runs `fn(res)` (null once
 * revoked) inside a read section of a fresh consumer, leaving it however
 * `fn` returns. Context: any (atomic callers pass a synchronous `fn`).
 * Errors: a `TypeError`, before the section is entered, when `rp` is not a
 * RevocableProvider or `fn` not a function.
 */
export function revocableScoped<T, R>(rp: RevocableProvider<T>, fn: (res: T | null) => R): R {
  checkProvider('revocable_try_access_with', rp);
  checkFn('revocable_try_access_with', 'fn', fn);
  const idx = rp.srcu.srcuReadLock();
  try {
    return fn(rp.res);
  } finally {
    rp.srcu.srcuReadUnlock(idx);
  }
}

/**
 * {@link revocableScoped} for a sleeping `fn`: the section spans its sleeps.
 * Context: may sleep (checked with might_sleep(): an awaited `fn` cannot
 * run inside an atomic section; atomic callers use revocableScoped).
 * Errors: a `TypeError` (rejected promise), before might_sleep, as
 * {@link revocableScoped}.
 */
export async function revocableScopedAsync<T, R>(
  rp: RevocableProvider<T>,
  fn: (res: T | null) => Promise<R>,
): Promise<R> {
  checkProvider('revocable_try_access_with', rp);
  checkFn('revocable_try_access_with', 'fn', fn);
  mightSleep(rp.kernel, 'revocable_try_access_with');
  const idx = rp.srcu.srcuReadLock();
  try {
    return await fn(rp.res);
  } finally {
    rp.srcu.srcuReadUnlock(idx);
  }
}

/**
 * `revocable_provider_revoke()`: clears the pointer (new accesses get null),
 * then waits `synchronize_srcu()` on the provider's domain, so no consumer
 * still holds it. Returns true if this call revoked, false if it already was.
 * Context: may sleep. Errors: a `TypeError` (rejected promise) when `rp` is
 * not a RevocableProvider.
 */
export async function revocableRevoke<T>(rp: RevocableProvider<T>): Promise<boolean> {
  checkProvider('revocable_provider_revoke', rp);
  if (rp.res === null) return false;
  rp.res = null;
  await synchronizeSrcuGp(rp.kernel, rp.srcu);
  return true;
}

/** True once `rp` was revoked. Context: any. Errors: a `TypeError` when `rp` is not a RevocableProvider. */
export function revocableIsRevoked<T>(rp: RevocableProvider<T>): boolean {
  checkProvider('revocable_is_revoked', rp);
  return rp.res === null;
}
