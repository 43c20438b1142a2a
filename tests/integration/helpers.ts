// Shared helpers of the integration tests: run a world under a seeded
// schedule and describe a failure with everything needed to replay it.
import { formatReport, Kernel, type Strategy } from '@quiesce/core-devres';
import type { EduScenario } from '@quiesce/edu-driver';

export interface Run {
  k: Kernel;
  seed: number;
  strategy: Strategy;
}

/** Runs `s` on a fresh kernel under (seed, strategy), or replays `decisions`. */
export async function runScenario(s: EduScenario, seed: number, strategy: Strategy, replay?: number[]): Promise<Run> {
  const k = new Kernel({ seed, strategy, cpus: 2, ...(replay ? { replay } : {}) });
  s.setup(k);
  await k.runFor(s.runFor);
  return { k, seed, strategy };
}

/** A failure message that names the seed, the strategy and how to replay. */
export function explain(r: Run, what: string): string {
  return [
    `${what} (seed ${r.seed}, strategy ${r.strategy}, ${r.k.decisions.length} decisions; replay with new Kernel({ replay: decisions }))`,
    ...r.k.reports.map(formatReport),
  ].join('\n');
}

/**
 * Runs `fn` in a task for up to `ns` of virtual time and returns its result
 * (`k.exec` would run until idle, which never comes while periodic timers are
 * armed).
 */
export async function execFor<T>(k: Kernel, name: string, fn: () => Promise<T>, ns = 50_000_000): Promise<T> {
  const t = k.spawn(name, fn);
  const p = t.result();
  p.catch(() => undefined);
  await k.runFor(ns);
  if (!t.exited) throw new Error(`${name} did not finish within ${ns} ns of virtual time`);
  return p;
}

/** Seeds alternate strategies: odd seeds random, even seeds PCT. */
export function strategyOf(seed: number): Strategy {
  return seed % 2 === 1 ? 'random' : 'pct';
}
