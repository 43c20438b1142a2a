/**
 * A finding is one thing that went wrong in one schedule: a sanitizer report,
 * an uncaught task error (an oops) or a run that never went idle (a hang).
 */
import {
  type ContextInfo,
  formatReport,
  type Kernel,
  type ReportKind,
  type SanitizerReport,
} from '@quiesce/core-devres';

/** Sanitizer kinds, plus `oops` (an uncaught task error) and `hang` (maxSteps without going idle). */
export type FindingKind = ReportKind | 'oops' | 'hang';

/**
 * One entry per kind, in the order `--kind` help lists them. A `Record`
 * over the union, so a new sanitizer kind that is not listed here fails to
 * compile instead of being rejected by `--kind`.
 */
const KIND_ORDER: Readonly<Record<FindingKind, number>> = {
  'use-after-remove': 0,
  'use-after-free': 1,
  'slab-out-of-bounds': 2,
  'double-free': 3,
  'invalid-free': 4,
  'execute-after-free': 5,
  'sleep-in-atomic': 6,
  'double-release': 7,
  'leak-at-unbind': 8,
  'memory-leak': 9,
  'callback-after-fence': 10,
  'invalid-mmio': 11,
  warn: 12,
  deadlock: 13,
  'hung-task': 14,
  'possible-circular-locking': 15,
  oops: 16,
  hang: 17,
};

/** Every finding kind, for validating user input (`--kind`). */
export const FINDING_KINDS: readonly FindingKind[] = (Object.keys(KIND_ORDER) as FindingKind[]).sort(
  (a, b) => KIND_ORDER[a] - KIND_ORDER[b],
);

/** A sanitizer report, or an oops/hang shaped like one (plain JSON data). */
export interface Finding extends Omit<SanitizerReport, 'kind'> {
  kind: FindingKind;
}

/** Two findings are the same bug when kind and resource agree (the dedupe key). */
export function findingKey(f: { kind: string; resource: string }): string {
  return `${f.kind} ${f.resource}`;
}

/** A sanitizer report as a finding (a copy: reports belong to their kernel). */
export function fromReport(r: SanitizerReport): Finding {
  return {
    kind: r.kind,
    title: r.title,
    resource: r.resource,
    detail: r.detail,
    context: { ...r.context },
    time: r.time,
    stacks: { ...r.stacks },
  };
}

/** True for the error `Kernel.run` throws when `maxSteps` is exhausted. */
export function isHang(e: unknown): boolean {
  return e instanceof Error && /^Kernel\.run: \d+ steps without going idle/.test(e.message);
}

/**
 * Turns an error thrown out of `setup` or `run` into a finding: `hang` for an
 * exhausted step budget, else `oops` (as the kernel's "Oops" for a fault in a
 * task), naming the task `Kernel.run` attached to the error when there is one.
 */
export function fromError(k: Kernel, e: unknown): Finding {
  const err = e instanceof Error ? e : new Error(String(e));
  if (isHang(err)) {
    return {
      kind: 'hang',
      title: 'INFO: run did not go idle (livelock or a periodic timer without runFor)',
      resource: 'scheduler',
      detail: err.message,
      context: { kind: 'none', name: 'none', pid: 0, cpu: 0 },
      time: k.now,
      stacks: {},
    };
  }
  const who = (err as Error & { task?: unknown }).task;
  let context: ContextInfo = { kind: 'none', name: 'none', pid: 0, cpu: 0 };
  if (typeof who === 'string') {
    const slash = who.lastIndexOf('/');
    const pid = Number(who.slice(slash + 1));
    const t = k.allTasks.find((x) => x.pid === pid);
    context = { kind: 'task', name: who.slice(0, slash), pid, cpu: t?.cpu ?? 0 };
  }
  const msg = `${err.name}: ${err.message.split('\n')[0] ?? ''}`;
  const f: Finding = {
    kind: 'oops',
    title: `Oops: ${msg}`,
    resource: msg,
    detail: typeof who === 'string' ? `uncaught error in task ${who}` : 'uncaught error in scenario setup',
    context,
    time: k.now,
    stacks: {},
  };
  if (err.stack !== undefined) f.stacks = { access: err.stack.split('\n').slice(1, 13).join('\n') };
  return f;
}

/** Prints a finding as one KASAN-style block (the sanitizer's own format). */
export function formatFinding(f: Finding): string {
  return formatReport(f as SanitizerReport);
}
