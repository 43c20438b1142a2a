/**
 * devres groups (drivers/base/devres.c): markers on the devres list that let
 * a driver release everything acquired since a point, e.g. to undo half a
 * probe step.
 */
import { checkDevice } from '../device/check-device.js';
import type { Device } from '../device/device.js';
import { type AsyncScope, asyncDispose } from '../kernel/dispose.js';
import { KernelError } from '../kernel/errno.js';
import { mightSleep } from '../kernel/might-sleep.js';
import { orNull } from '../kernel/validate.js';
import { checkGfp, GFP_KERNEL, gfpflagsAllowBlocking } from '../mm/gfp.js';
import { releaseNodes } from './devres.js';
import type { GroupId, ResourceNode } from './node.js';

/** `dev` must be a Device (a `TypeError` otherwise); an `id` of undefined is read as null (C's `void *id`: any value is an id). */
function checkGroupArgs(fnName: string, dev: unknown, id: GroupId | null | undefined): GroupId | null {
  checkDevice(fnName, dev);
  return orNull(id);
}

/** Finds the open marker of `id`, or of the newest still-open group when `id` is null. */
function findGroup(dev: Device, id: GroupId | null): { open: number; close: number } | null {
  const list = dev.devres;
  for (let i = list.length - 1; i >= 0; i--) {
    const n = list[i];
    if (n?.kind !== 'group-open') continue;
    const close = list.findIndex((m, j) => j > i && m.kind === 'group-close' && m.id === n.id);
    if (id === null ? close < 0 : n.id === id) return { open: i, close };
  }
  return null;
}

/**
 * `devres_open_group(dev, id, gfp)`: opens a group. `id` null makes a fresh
 * id. Returns the group id, or null when the allocation fails (as the
 * kernel's NULL). Context: may sleep with the default `GFP_KERNEL` (the
 * group's markers are a kmalloc: checked with might_sleep()); any context
 * with `GFP_ATOMIC`. Throws TypeError for a gfp that is not a `gfp_t`.
 */
export function devresOpenGroup(dev: Device, id: GroupId | null = null, gfp: number = GFP_KERNEL): GroupId | null {
  const want = checkGroupArgs('devres_open_group', dev, id);
  checkGfp('devres_open_group', gfp);
  if (gfpflagsAllowBlocking(gfp)) mightSleep(dev.kernel, 'devres_open_group');
  if (dev.kernel.allocFails()) return null;
  const gid: GroupId = want ?? { group: dev.devres.length };
  dev.devres.push({ kind: 'group-open', id: gid });
  return gid;
}

/** `devres_close_group()`: closes group `id` (null: the newest open one). Unknown group warns. Context: any. */
export function devresCloseGroup(dev: Device, id: GroupId | null = null): void {
  const g = findGroup(dev, checkGroupArgs('devres_close_group', dev, id));
  if (g === null) {
    dev.kernel.warn(dev.name, 'devres_close_group: group not found');
    return;
  }
  const open = dev.devres[g.open];
  if (open?.kind === 'group-open') dev.devres.push({ kind: 'group-close', id: open.id });
}

/**
 * `devres_remove_group()`: removes the group's markers; its resources stay
 * on the list (owned by the enclosing scope). Unknown group warns. Context: any.
 */
export function devresRemoveGroup(dev: Device, id: GroupId | null = null): void {
  const g = findGroup(dev, checkGroupArgs('devres_remove_group', dev, id));
  if (g === null) {
    dev.kernel.warn(dev.name, 'devres_remove_group: group not found');
    return;
  }
  if (g.close >= 0) dev.devres.splice(g.close, 1);
  dev.devres.splice(g.open, 1);
}

/**
 * `devres_release_group()`: releases every resource from the group's open
 * marker to its close marker (or the end while still open), nested groups
 * included, newest first, and drops the markers. Returns the number of
 * resources released; an unknown group warns and returns 0.
 * Context: may sleep (annotated with might_sleep(): release actions may sleep).
 */
export async function devresReleaseGroup(dev: Device, id: GroupId | null = null): Promise<number> {
  const want = checkGroupArgs('devres_release_group', dev, id);
  mightSleep(dev.kernel, 'devres_release_group');
  const g = findGroup(dev, want);
  if (g === null) {
    dev.kernel.warn(dev.name, 'devres_release_group: group not found');
    return 0;
  }
  const end = g.close >= 0 ? g.close + 1 : dev.devres.length;
  const span = dev.devres.splice(g.open, end - g.open);
  const nodes = span.filter((n): n is ResourceNode => n.kind === 'resource');
  // As remove_nodes(): only groups wholly inside the span go (both markers,
  // or the open marker of a still-open group); the markers of a group that
  // straddles the span's edge stay on the list.
  const hasClose = (id: GroupId): boolean => dev.devres.some((n) => n.kind === 'group-close' && n.id === id);
  const kept = span.filter((n) => {
    if (n.kind === 'resource') return false;
    const both = span.some((m) => m.kind !== n.kind && m.kind !== 'resource' && m.id === n.id);
    return n.kind === 'group-open' ? !both && hasClose(n.id) : !both;
  });
  dev.devres.splice(g.open, 0, ...kept);
  return releaseNodes(dev, nodes, dev.mode);
}

/**
 * A devres group as a scope (`await using g = devresGroupScope(dev)`):
 * opened now; at scope exit it is released unless {@link DevresGroupScope.keep}
 * was called, in which case only its markers go (the resources stay with the
 * device). This is the "undo a failed probe step" idiom in TypeScript's own
 * syntax.
 */
export class DevresGroupScope implements AsyncScope {
  private kept = false;
  readonly id: GroupId;

  constructor(readonly dev: Device) {
    const id = devresOpenGroup(dev);
    if (id === null) throw new KernelError('ENOMEM', `devres_open_group on ${dev}`);
    this.id = id;
  }

  /** Keeps the group's resources (the step succeeded). */
  keep(): void {
    this.kept = true;
  }

  async [asyncDispose](): Promise<void> {
    if (this.kept) devresRemoveGroup(this.dev, this.id);
    else await devresReleaseGroup(this.dev, this.id);
  }
}

/** Opens a {@link DevresGroupScope}. Errors: `-ENOMEM` (fault injection). Context: may sleep (`devres_open_group` with GFP_KERNEL). */
export function devresGroupScope(dev: Device): DevresGroupScope {
  checkDevice('devres_group_scope', dev);
  return new DevresGroupScope(dev);
}
