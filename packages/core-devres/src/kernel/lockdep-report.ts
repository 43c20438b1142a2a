/**
 * The text of lockdep's two reports, in the kernel's shape
 * (kernel/locking/lockdep.c: print_circular_bug, print_deadlock_bug): who
 * tries to take what while holding what, the existing dependency chain, the
 * unsafe scenario, and the two stacks (this acquisition; the one that
 * recorded the opposite order). A recursive report has one stack (this
 * acquisition) and names the held one by its operation, as the kernel's
 * held-locks list does.
 */
import type { ReportInput } from '../sanitizer/sanitizer.js';
import type { Acquisition, HeldLock, LockDep } from './lockdep.js';
import { formatSite } from './wait-graph.js';

const col = (s: string): string => s.padEnd(31);

/** `WARNING: possible circular locking dependency detected`: taking `next` while holding `prev` closes `chain` (next ->* prev). */
export function circularReport(who: string, prev: HeldLock, next: Acquisition, chain: readonly LockDep[]): ReportInput {
  const a = prev.cls.name;
  const b = next.cls.name;
  const last = chain[chain.length - 1] as LockDep;
  const deps = [...chain]
    .reverse()
    .map((d, i) => `-> #${i} (${d.to.name}): taken while holding (${d.from.name}) by ${d.by}`);
  const detail = [
    `${who} is trying to acquire lock:`,
    ` (${b}) at: ${next.op}`,
    'but task is already holding lock:',
    ` (${a}) at: ${prev.op}`,
    'which lock already depends on the new lock.',
    'the existing dependency chain (in reverse order) is:',
    ...deps,
    'Possible unsafe locking scenario:',
    `       ${col('CPU0')}CPU1`,
    `       ${col('----')}----`,
    `  lock(${a});`,
    `         ${col('')}lock(${last.from.name});`,
    `         ${col('')}lock(${a});`,
    `  lock(${b});`,
    ' *** DEADLOCK ***',
  ].join('\n');
  const stacks: ReportInput['stacks'] = {};
  const here = formatSite(next.site ?? null);
  if (here !== undefined) stacks.access = here;
  const before = chain
    .filter((d) => d.stack !== undefined)
    .map((d) => `(${d.from.name}) -> (${d.to.name}) by ${d.by}:\n${d.stack}`);
  if (before.length > 0) stacks.acquired = before.join('\n');
  return {
    kind: 'possible-circular-locking',
    title: 'WARNING: possible circular locking dependency detected',
    resource: `${a} -> ${b}`,
    detail,
    stacks,
  };
}

/** `WARNING: possible recursive locking detected`: `next` is of a class the context already holds (`held`). */
export function recursiveReport(who: string, held: HeldLock, next: Acquisition): ReportInput {
  const c = next.cls.name;
  const detail = [
    `${who} is trying to acquire lock:`,
    ` (${c}) at: ${next.op}`,
    'but task is already holding lock:',
    ` (${c}) at: ${held.op}`,
    'Possible unsafe locking scenario:',
    '       CPU0',
    '       ----',
    `  lock(${c});`,
    `  lock(${c});`,
    ' *** DEADLOCK ***',
    ' May be due to missing lock nesting notation',
  ].join('\n');
  const stacks: ReportInput['stacks'] = {};
  const here = formatSite(next.site ?? null);
  if (here !== undefined) stacks.access = here;
  return {
    kind: 'possible-circular-locking',
    title: 'WARNING: possible recursive locking detected',
    resource: `recursive ${c}`,
    detail,
    stacks,
  };
}
