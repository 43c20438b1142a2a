/**
 * Synthetic bugs of known depth for checking PCT's guarantee (Burckhardt et
 * al. 2010): a bug of depth d needs d ordering constraints between steps of
 * different tasks. Each task takes `steps` steps (a yield, then a mark); the
 * task that sees the bug throws, which the explorer reports as an oops.
 */
import type { Kernel } from '@quiesce/core-devres';
import type { Scenario } from '@quiesce/explorer';

/** Marks taken so far: `at[name][i]` is the global sequence number of step i of task `name`. */
type Marks = Record<string, number[]>;

function world(
  name: string,
  tasks: string[],
  steps: number,
  check: (m: Marks, who: string, i: number) => boolean,
): Scenario {
  return {
    name,
    setup(k: Kernel) {
      const at: Marks = Object.fromEntries(tasks.map((t) => [t, []]));
      let seq = 0;
      for (const t of tasks) {
        k.spawn(t, async () => {
          for (let i = 0; i < steps; i++) {
            await k.yield();
            (at[t] as number[]).push(seq++);
            if (check(at, t, i)) throw new Error(`${name}: the bad order happened`);
          }
        });
      }
    },
  };
}

const last = (m: Marks, t: string, steps: number): number | undefined =>
  (m[t] as number[]).length === steps ? (m[t] as number[])[steps - 1] : undefined;

/**
 * Depth 1: B finishes all its steps before A takes its first (one
 * constraint: B_last < A_0). C is a bystander: three threads, so the bound
 * 1/n is below the true rate (1/2: B above A in the priority order) by more
 * than the sampling error.
 */
export function depth1(steps = 3): Scenario {
  return world(
    'pct-depth-1',
    ['A', 'B', 'C'],
    steps,
    (m, who, i) => who === 'A' && i === 0 && last(m, 'B', steps) !== undefined,
  );
}

/** Depth 2: all of B runs between A's first and second steps (A_0 < B_0, B_last < A_1); C is a bystander. */
export function depth2(steps = 3): Scenario {
  return world('pct-depth-2', ['A', 'B', 'C'], steps, (m, who, i) => {
    if (who !== 'A' || i !== 1) return false;
    const a0 = (m.A as number[])[0] as number;
    const b = m.B as number[];
    return b.length === steps && (b[0] as number) > a0;
  });
}

/**
 * Depth 3: between A's first and second steps, all of B runs and then all
 * of C (A_0 < B_0, B_last < C_0, C_last < A_1), with a third task so that
 * the order of three threads matters.
 */
export function depth3(steps = 2): Scenario {
  return world('pct-depth-3', ['A', 'B', 'C'], steps, (m, who, i) => {
    if (who !== 'A' || i !== 1) return false;
    const a0 = (m.A as number[])[0] as number;
    const b = m.B as number[];
    const c = m.C as number[];
    return (
      b.length === steps && c.length === steps && (b[0] as number) > a0 && (c[0] as number) > (b[steps - 1] as number)
    );
  });
}
