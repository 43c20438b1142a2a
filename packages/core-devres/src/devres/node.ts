/**
 * One entry of a device's devres list (drivers/base/devres.c): a managed
 * resource, or a group marker.
 */

/**
 * A resource under the lifecycle contract (docs/design.md §4).
 *
 * - `fence()` may sleep. When it resolves nothing of the resource runs, is
 *   queued or armed, and nothing new can start.
 * - `release()` frees (unmaps, releases regions, drops memory). It should not
 *   sleep; a kernel-style devm action that does may return a promise.
 */
export interface ManagedResource {
  /** For reports and traces: `hrtimer edu_poll`, `iomap BAR0`, `action edu_cleanup`. */
  readonly name: string;
  fence?(): Promise<void>;
  release(): void | Promise<void>;
}

export type ResourceState = 'live' | 'fenced' | 'released';

export interface ResourceNode {
  readonly kind: 'resource';
  readonly res: ManagedResource;
  /** For devm_remove_action/devm_release_action matching. */
  readonly action: ((data: unknown) => unknown) | null;
  readonly data: unknown;
  state: ResourceState;
  readonly acquiredStack: string | undefined;
}

export interface GroupNode {
  readonly kind: 'group-open' | 'group-close';
  readonly id: GroupId;
}

export type DevresNode = ResourceNode | GroupNode;

/** A devres group id: the value passed to `devres_open_group`, or a fresh one. */
export type GroupId = object | string | number | symbol;
