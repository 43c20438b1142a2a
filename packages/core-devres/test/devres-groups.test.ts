import {
  type Device,
  DevresGroupScope,
  devmAddAction,
  devresAdd,
  devresCloseGroup,
  devresGroupScope,
  devresOpenGroup,
  devresReleaseAll,
  devresReleaseGroup,
  devresRemoveGroup,
  type GroupId,
  isKernelError,
} from '@quiesce/core-devres';
import { describe, expect, it } from 'vitest';
import { world } from './helpers.js';

/** Runs `body` in a task on a fresh world; returns the world and the release log. */
async function inTask(
  body: (dev: Device, add: (name: string) => void, log: string[]) => Promise<void> | void,
  mode: 'two-phase' | 'lifo' = 'two-phase',
) {
  const w = world({ mode });
  const log: string[] = [];
  const add = (name: string): void => devmAddAction(w.dev, () => void log.push(name), null, name);
  await w.k.exec('t', () => body(w.dev, add, log));
  return { ...w, log };
}

/** The list as letters: resources by name, markers as `<id` / `>id`. */
function shape(dev: Device, names: Map<GroupId, string>): string[] {
  return dev.devres.map((n) =>
    n.kind === 'resource'
      ? n.res.name.replace(/^action /, '')
      : `${n.kind === 'group-open' ? '<' : '>'}${names.get(n.id) ?? '?'}`,
  );
}

describe('devres groups', () => {
  it('open(null) returns a fresh id each time; open(id) returns id', async () => {
    await inTask((dev) => {
      const a = devresOpenGroup(dev);
      const b = devresOpenGroup(dev, null);
      expect(a).not.toBeNull();
      expect(b).not.toBeNull();
      expect(a).not.toBe(b);
      const mine = { tag: 'mine' };
      expect(devresOpenGroup(dev, mine)).toBe(mine);
      expect(devresOpenGroup(dev, 'str-id')).toBe('str-id');
    });
  });

  it('open fails with null when the allocation fails', async () => {
    const { k, dev } = world();
    k.failNextAllocations(1);
    expect(devresOpenGroup(dev)).toBeNull();
    expect(dev.devres).toEqual([]);
  });

  it('release: from the open marker to the close marker, newest first, returns the count', async () => {
    const { log, dev } = await inTask(async (dev, add, log) => {
      add('before');
      const g = devresOpenGroup(dev);
      add('g1');
      add('g2');
      devresCloseGroup(dev, g);
      add('after');
      expect(await devresReleaseGroup(dev, g)).toBe(2);
      expect(log).toEqual(['g2', 'g1']);
      expect(shape(dev, new Map())).toEqual(['before', 'after']);
      expect(await devresReleaseAll(dev)).toBe(2);
    });
    expect(log).toEqual(['g2', 'g1', 'after', 'before']);
    expect(dev.devres).toEqual([]);
  });

  it('release of a group still open goes to the end of the list', async () => {
    await inTask(async (dev, add, log) => {
      add('before');
      const g = devresOpenGroup(dev);
      add('g1');
      add('g2');
      expect(await devresReleaseGroup(dev, g)).toBe(2);
      expect(log).toEqual(['g2', 'g1']);
    });
  });

  it('release includes nested groups and drops their markers', async () => {
    await inTask(async (dev, add, log) => {
      const outer = devresOpenGroup(dev);
      add('a');
      const inner = devresOpenGroup(dev);
      add('b');
      devresCloseGroup(dev, inner);
      add('c');
      const open = devresOpenGroup(dev); // nested and never closed
      add('d');
      devresCloseGroup(dev, outer);
      add('e');
      expect(await devresReleaseGroup(dev, outer)).toBe(4);
      expect(log).toEqual(['d', 'c', 'b', 'a']);
      expect(shape(dev, new Map())).toEqual(['e']);
      // The nested groups went with it.
      expect(await devresReleaseGroup(dev, inner)).toBe(0);
      expect(await devresReleaseGroup(dev, open)).toBe(0);
    });
  });

  it('release uses the device mode: two-phase fences the whole group before any release', async () => {
    for (const mode of ['two-phase', 'lifo'] as const) {
      const { log } = await inTask(async (dev, _add, log) => {
        const g = devresOpenGroup(dev);
        for (const n of ['A', 'B']) {
          devresAdd(dev, { name: n, fence: async () => void log.push(`f${n}`), release: () => void log.push(`r${n}`) });
        }
        devresCloseGroup(dev, g);
        expect(await devresReleaseGroup(dev, g)).toBe(2);
      }, mode);
      expect(log).toEqual(mode === 'two-phase' ? ['fB', 'fA', 'rB', 'rA'] : ['fB', 'rB', 'fA', 'rA']);
    }
  });

  it('remove drops only the markers; the resources stay until unbind', async () => {
    const { log } = await inTask(async (dev, add, log) => {
      add('a');
      const g = devresOpenGroup(dev);
      add('b');
      devresCloseGroup(dev, g);
      add('c');
      devresRemoveGroup(dev, g);
      expect(log).toEqual([]);
      expect(shape(dev, new Map())).toEqual(['a', 'b', 'c']);
      // The group is gone: releasing it is an unknown group.
      expect(await devresReleaseGroup(dev, g)).toBe(0);
      expect(await devresReleaseAll(dev)).toBe(3);
    });
    expect(log).toEqual(['c', 'b', 'a']);
  });

  it('an unknown group warns: release returns 0, close and remove change nothing', async () => {
    const { k } = await inTask(async (dev, add, log) => {
      add('a');
      expect(await devresReleaseGroup(dev, 'nope')).toBe(0);
      devresCloseGroup(dev, 'nope');
      devresRemoveGroup(dev, 'nope');
      expect(log).toEqual([]);
      expect(dev.devres).toHaveLength(1);
    });
    expect(k.reports.map((r) => [r.kind, r.title])).toEqual([
      ['warn', 'WARNING: devres_release_group: group not found'],
      ['warn', 'WARNING: devres_close_group: group not found'],
      ['warn', 'WARNING: devres_remove_group: group not found'],
    ]);
  });

  it('a null id means the latest open group', async () => {
    await inTask(async (dev, add, log) => {
      const g1 = devresOpenGroup(dev, 'g1');
      add('a');
      const g2 = devresOpenGroup(dev, 'g2');
      add('b');
      devresCloseGroup(dev); // closes g2 (latest open)
      add('c');
      const names = new Map<GroupId, string>([
        [g1 as GroupId, 'g1'],
        [g2 as GroupId, 'g2'],
      ]);
      expect(shape(dev, names)).toEqual(['<g1', 'a', '<g2', 'b', '>g2', 'c']);
      // g2 is closed, so the latest open group is g1: released to the end of the list.
      expect(await devresReleaseGroup(dev)).toBe(3);
      expect(log).toEqual(['c', 'b', 'a']);
      expect(dev.devres).toEqual([]);
      // No open group left.
      expect(await devresReleaseGroup(dev)).toBe(0);
      devresOpenGroup(dev, 'g3');
      add('d');
      devresRemoveGroup(dev); // latest open: g3
      expect(shape(dev, names)).toEqual(['d']);
    });
  });

  it('groups that straddle the released range keep their markers (remove_nodes colouring)', async () => {
    await inTask(async (dev, add, log) => {
      // <A x <B y >A z >B : B opens inside A but closes after it.
      devresOpenGroup(dev, 'A');
      add('x');
      devresOpenGroup(dev, 'B');
      add('y');
      devresCloseGroup(dev, 'A');
      add('z');
      devresCloseGroup(dev, 'B');
      expect(await devresReleaseGroup(dev, 'A')).toBe(2);
      expect(log).toEqual(['y', 'x']);
      const names = new Map<GroupId, string>([
        ['A', 'A'],
        ['B', 'B'],
      ]);
      expect(shape(dev, names)).toEqual(['<B', 'z', '>B']);
      expect(await devresReleaseGroup(dev, 'B')).toBe(1);
      expect(log).toEqual(['y', 'x', 'z']);
      expect(dev.devres).toEqual([]);

      // <C c1 <D d1 >C d2 >D, released D: C's close marker is inside D's range but C opened before it.
      devresOpenGroup(dev, 'C');
      add('c1');
      devresOpenGroup(dev, 'D');
      add('d1');
      devresCloseGroup(dev, 'C');
      add('d2');
      devresCloseGroup(dev, 'D');
      expect(await devresReleaseGroup(dev, 'D')).toBe(2);
      expect(shape(dev, new Map<GroupId, string>([['C', 'C']]))).toEqual(['<C', 'c1', '>C']);
      expect(await devresReleaseGroup(dev, 'C')).toBe(1);
    });
  });
});

describe('DevresGroupScope (`await using`)', () => {
  it('released at scope exit unless keep() was called', async () => {
    const { log } = await inTask(async (dev, add, log) => {
      add('outside');
      {
        await using _scope = devresGroupScope(dev);
        add('step1-a');
        add('step1-b');
      }
      expect(log).toEqual(['step1-b', 'step1-a']);
      {
        await using scope = devresGroupScope(dev);
        add('step2');
        scope.keep();
      }
      expect(log).toEqual(['step1-b', 'step1-a']);
      expect(shape(dev, new Map())).toEqual(['outside', 'step2']);
      await devresReleaseAll(dev);
    });
    expect(log).toEqual(['step1-b', 'step1-a', 'step2', 'outside']);
  });

  it('a failing step undoes exactly what it acquired', async () => {
    await inTask(async (dev, add, log) => {
      add('kept');
      const err = await (async () => {
        await using _scope = new DevresGroupScope(dev);
        add('half');
        throw new Error('step failed');
      })().catch((e: unknown) => e);
      expect((err as Error).message).toBe('step failed');
      expect(log).toEqual(['half']);
      expect(shape(dev, new Map())).toEqual(['kept']);
    });
  });

  it('opening a scope under -ENOMEM throws', async () => {
    const { k, dev } = world();
    k.failNextAllocations(1);
    let err: unknown;
    try {
      devresGroupScope(dev);
    } catch (e) {
      err = e;
    }
    expect(isKernelError(err, 'ENOMEM')).toBe(true);
  });
});
