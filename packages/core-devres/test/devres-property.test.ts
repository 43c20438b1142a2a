/**
 * Property: random sequences of acquire / devmReleaseAction / devmRemoveAction /
 * devresReleaseResource / group open, close, release, remove / unbind (and
 * rebind) never leak, never release twice, and tear down exactly as the
 * kernel's devres list would: newest first, every fence before any release of
 * the same teardown in two-phase mode, fence+release per entry in lifo mode.
 *
 * The expected behaviour comes from an independent model of the list
 * (drivers/base/devres.c: find_group, remove_nodes' colouring of groups).
 */
import {
  deviceBind,
  deviceReleaseDriver,
  devmAddAction,
  devmReleaseAction,
  devmRemoveAction,
  devresAdd,
  devresCloseGroup,
  devresOpenGroup,
  devresReleaseGroup,
  devresReleaseResource,
  devresRemoveGroup,
  devresRemoveResource,
  type GroupId,
  type ManagedResource,
  msleep,
  type UnbindMode,
} from '@quiesce/core-devres';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driver, world } from './helpers.js';

const KEYS = 3; // action (fn, data) pairs shared between entries, so "latest match first" matters

type Op =
  | { t: 'acquire'; fence: boolean; sleep: boolean }
  | { t: 'action'; key: number }
  | { t: 'releaseAction'; key: number }
  | { t: 'removeAction'; key: number }
  | { t: 'releaseRes'; pick: number }
  | { t: 'removeRes'; pick: number }
  | { t: 'open'; named: boolean }
  | { t: 'close'; pick: number | null }
  | { t: 'releaseGroup'; pick: number | null }
  | { t: 'removeGroup'; pick: number | null }
  | { t: 'rebind' };

const pick = fc.option(fc.nat(12), { nil: null });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('acquire' as const), fence: fc.boolean(), sleep: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('action' as const), key: fc.nat(KEYS - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('releaseAction' as const), key: fc.nat(KEYS - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeAction' as const), key: fc.nat(KEYS - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('releaseRes' as const), pick: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeRes' as const), pick: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('open' as const), named: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('close' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('releaseGroup' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeGroup' as const), pick }) },
  { weight: 1, arbitrary: fc.constant({ t: 'rebind' as const }) },
);

/** Group-heavy mix: interleaved (straddling) groups, nesting and null ids come up often. */
const groupOpArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('acquire' as const), fence: fc.boolean(), sleep: fc.constant(false) }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('open' as const), named: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('close' as const), pick: fc.option(fc.nat(4), { nil: null }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('releaseGroup' as const), pick: fc.option(fc.nat(4), { nil: null }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('removeGroup' as const), pick: fc.option(fc.nat(4), { nil: null }) }),
  },
);

// ------------------------------------------------------------------ the model

type MRes = { kind: 'res'; label: string; fence: boolean };
type MNode = MRes | { kind: 'open' | 'close'; grp: GroupId };

class Model {
  list: MNode[] = [];
  warns = 0;

  private closeIndex(grp: GroupId): number {
    return this.list.findIndex((n) => n.kind === 'close' && n.grp === grp);
  }

  /** find_group(): the newest open marker with `id`, or the newest still-open group for null. */
  find(id: GroupId | null): { open: number; close: number } | null {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const n = this.list[i] as MNode;
      if (n.kind !== 'open') continue;
      const close = this.closeIndex(n.grp);
      if (id === null ? close < 0 : n.grp === id) return { open: i, close };
    }
    return null;
  }

  /** remove_nodes() over [open, end): resources out; markers of wholly contained groups out. */
  releaseGroup(id: GroupId | null): MRes[] | null {
    const g = this.find(id);
    if (g === null) {
      this.warns++;
      return null;
    }
    const end = g.close >= 0 ? g.close + 1 : this.list.length;
    const span = this.list.slice(g.open, end);
    const inSpan = (kind: 'open' | 'close', grp: GroupId) => span.some((m) => m.kind === kind && m.grp === grp);
    const outside = [...this.list.slice(0, g.open), ...this.list.slice(end)];
    const kept = span.filter((n) => {
      if (n.kind === 'res') return false;
      if (n.kind === 'open') {
        if (inSpan('close', n.grp)) return false;
        return outside.some((m) => m.kind === 'close' && m.grp === n.grp); // closed after the span: straddles
      }
      return !inSpan('open', n.grp); // opened before the span: straddles
    });
    this.list = [...this.list.slice(0, g.open), ...kept, ...this.list.slice(end)];
    return span.filter((n): n is MRes => n.kind === 'res');
  }

  /** Latest resource entry matching `label` (devres_find / devres_remove order). */
  takeLatest(label: string): MRes | null {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const n = this.list[i] as MNode;
      if (n.kind === 'res' && n.label === label) {
        this.list.splice(i, 1);
        return n;
      }
    }
    return null;
  }

  releaseAll(): MRes[] {
    const r = this.list.filter((n): n is MRes => n.kind === 'res');
    this.list = [];
    return r;
  }
}

/** The events a teardown of `nodes` (oldest first) must produce in `mode`. */
function expectedEvents(nodes: readonly MRes[], mode: UnbindMode): string[] {
  const nf = [...nodes].reverse();
  if (mode === 'two-phase') {
    return [...nf.filter((n) => n.fence).map((n) => `f ${n.label}`), ...nf.map((n) => `r ${n.label}`)];
  }
  return nf.flatMap((n) => (n.fence ? [`f ${n.label}`, `r ${n.label}`] : [`r ${n.label}`]));
}

// ------------------------------------------------------------------ the run

async function check(mode: UnbindMode, ops: readonly Op[]): Promise<void> {
  const w = world({ mode });
  const { k, dev } = w;
  const model = new Model();
  let events: string[] = [];
  const acquired = new Map<string, { res: ManagedResource; released: number; fenced: number }>();
  const removed = new Set<string>();
  const actionReleases = new Array<number>(KEYS).fill(0);
  const actionAdds = new Array<number>(KEYS).fill(0);
  const actionDrops = new Array<number>(KEYS).fill(0);
  const actionData = Array.from({ length: KEYS }, (_, i) => ({ key: i }));
  const actionFns = Array.from({ length: KEYS }, (_, i) => (_d: { key: number }) => {
    actionReleases[i] = (actionReleases[i] as number) + 1;
    events.push(`r a${i}`);
  });
  const groups: GroupId[] = [];
  let nextRes = 0;
  let nextGroup = 0;
  const drv = driver('dev0');

  /** Runs one teardown and compares its events with the model's. */
  const teardown = async (expected: MRes[] | null, run: () => Promise<unknown>): Promise<unknown> => {
    events = [];
    const out = await run();
    expect(events).toEqual(expectedEvents(expected ?? [], mode));
    return out;
  };

  await k.exec('driver', async () => {
    await deviceBind(dev, drv);
    for (const op of ops) {
      switch (op.t) {
        case 'acquire': {
          const label = `R${nextRes++}`;
          const rec = { res: null as unknown as ManagedResource, released: 0, fenced: 0 };
          const base = {
            name: label,
            release: () => {
              rec.released++;
              events.push(`r ${label}`);
            },
          };
          rec.res = op.fence
            ? {
                ...base,
                fence: async () => {
                  rec.fenced++;
                  events.push(`f ${label}`);
                  if (op.sleep) await msleep(k, 1); // a fence may sleep
                },
              }
            : base;
          acquired.set(label, rec);
          devresAdd(dev, rec.res);
          model.list.push({ kind: 'res', label, fence: op.fence });
          break;
        }
        case 'action':
          devmAddAction(
            dev,
            actionFns[op.key] as (d: { key: number }) => void,
            actionData[op.key] as { key: number },
            `a${op.key}`,
          );
          actionAdds[op.key] = (actionAdds[op.key] as number) + 1;
          model.list.push({ kind: 'res', label: `a${op.key}`, fence: false });
          break;
        case 'releaseAction': {
          const n = model.takeLatest(`a${op.key}`);
          if (n === null) model.warns++;
          await teardown(n === null ? null : [n], () =>
            devmReleaseAction(
              dev,
              actionFns[op.key] as (d: { key: number }) => void,
              actionData[op.key] as { key: number },
            ),
          );
          break;
        }
        case 'removeAction': {
          const n = model.takeLatest(`a${op.key}`);
          if (n === null) model.warns++;
          else actionDrops[op.key] = (actionDrops[op.key] as number) + 1;
          await teardown(null, async () =>
            devmRemoveAction(
              dev,
              actionFns[op.key] as (d: { key: number }) => void,
              actionData[op.key] as { key: number },
            ),
          );
          break;
        }
        case 'releaseRes':
        case 'removeRes': {
          if (acquired.size === 0) break;
          const label = [...acquired.keys()][op.pick % acquired.size] as string;
          const rec = acquired.get(label);
          if (rec === undefined) break;
          const n = model.takeLatest(label);
          if (op.t === 'releaseRes') {
            if (n === null) model.warns++;
            const ok = await teardown(n === null ? null : [n], () => devresReleaseResource(dev, rec.res));
            expect(ok).toBe(n !== null);
          } else {
            if (n !== null) removed.add(label);
            const ok = await teardown(null, async () => devresRemoveResource(dev, rec.res));
            expect(ok).toBe(n !== null);
          }
          break;
        }
        case 'open': {
          const id = devresOpenGroup(dev, op.named ? `g${nextGroup++}` : null);
          expect(id).not.toBeNull();
          groups.push(id as GroupId);
          model.list.push({ kind: 'open', grp: id as GroupId });
          break;
        }
        case 'close': {
          const id = op.pick === null || groups.length === 0 ? null : (groups[op.pick % groups.length] as GroupId);
          const g = model.find(id);
          if (g !== null && g.close >= 0) break; // closing a closed group corrupts the kernel's list: not a case
          if (g === null) model.warns++;
          else model.list.push({ kind: 'close', grp: (model.list[g.open] as { grp: GroupId }).grp });
          devresCloseGroup(dev, id);
          break;
        }
        case 'releaseGroup': {
          const id = op.pick === null || groups.length === 0 ? null : (groups[op.pick % groups.length] as GroupId);
          const nodes = model.releaseGroup(id);
          const count = await teardown(nodes, () => devresReleaseGroup(dev, id));
          expect(count).toBe(nodes?.length ?? 0);
          break;
        }
        case 'removeGroup': {
          const id = op.pick === null || groups.length === 0 ? null : (groups[op.pick % groups.length] as GroupId);
          const g = model.find(id);
          if (g === null) model.warns++;
          else {
            const close = g.close;
            if (close >= 0) model.list.splice(close, 1);
            model.list.splice(g.open, 1);
          }
          devresRemoveGroup(dev, id);
          break;
        }
        case 'rebind':
          await teardown(model.releaseAll(), () => deviceReleaseDriver(dev));
          await deviceBind(dev, drv);
          break;
      }
      // The list mirrors the model after every step.
      expect(
        dev.devres.map((n) =>
          n.kind === 'resource' ? n.res.name.replace(/^action /, '') : `${n.kind === 'group-open' ? '<' : '>'}`,
        ),
      ).toEqual(model.list.map((n) => (n.kind === 'res' ? n.label : n.kind === 'open' ? '<' : '>')));
    }
    await teardown(model.releaseAll(), () => deviceReleaseDriver(dev));
  });

  // Never leak, never twice: each resource released exactly once unless removed (then never).
  for (const [label, rec] of acquired) {
    expect(rec.released).toBe(removed.has(label) ? 0 : 1);
    expect(rec.fenced).toBeLessThanOrEqual(1);
  }
  for (let i = 0; i < KEYS; i++) {
    expect((actionReleases[i] as number) + (actionDrops[i] as number)).toBe(actionAdds[i]);
  }
  expect(dev.devres).toEqual([]);
  expect(k.sanitizer.byKind('double-release')).toEqual([]);
  expect(k.sanitizer.byKind('warn')).toHaveLength(model.warns);
  expect(k.reports.filter((r) => r.kind !== 'warn')).toEqual([]);
}

describe('devres property', () => {
  for (const mode of ['two-phase', 'lifo'] as const) {
    it(`${mode}: never leaks, never releases twice, tears down in the kernel's order`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), (ops) => check(mode, ops)),
        { numRuns: 150 },
      );
    });

    it(`${mode}: group-heavy sequences (nested, straddling, null ids) match the kernel's devres list`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(groupOpArb, { maxLength: 30 }), (ops) => check(mode, ops)),
        { numRuns: 150 },
      );
    });
  }
});
