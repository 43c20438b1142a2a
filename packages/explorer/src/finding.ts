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
 * What a finding kind is about, as a kernel engineer sorts reports
 * (docs/explorer.md, "Kinds and classes"): `memory` a memory-safety error
 * (freed or out-of-bounds memory, or freed code, used: what KASAN reports);
 * `misuse` an API used where or how it is forbidden (`might_sleep`, an MMIO
 * offset outside the mapping, a `WARN`); `lock` waits that cannot finish
 * (lockdep, the hung-task detector); `lifecycle` a resource's lifetime got
 * wrong without an unsafe access (kmemleak, devres at unbind); `other` what
 * says nothing of its cause (an oops, a run that never went idle).
 */
export type FindingKindClass = 'memory' | 'misuse' | 'lock' | 'lifecycle' | 'other';

/** Every class, in the order `--kind` help lists them. */
export const FINDING_KIND_CLASSES: readonly FindingKindClass[] = ['memory', 'misuse', 'lock', 'lifecycle', 'other'];

/**
 * One entry per kind: its place in `--kind` help and its class. A `Record`
 * over the union, so a new sanitizer kind that is neither ordered nor
 * classified here fails to compile instead of being rejected by `--kind`.
 */
const KIND_INFO: Readonly<Record<FindingKind, { readonly order: number; readonly class: FindingKindClass }>> = {
  // A devres-managed resource (a mapping, a region) used after its release: KASAN's use-after-free.
  'use-after-remove': { order: 0, class: 'memory' },
  // kfree()d memory read or written: KASAN "use-after-free".
  'use-after-free': { order: 1, class: 'memory' },
  // An access past a kmalloc()ed object: KASAN "slab-out-of-bounds".
  'slab-out-of-bounds': { order: 2, class: 'memory' },
  // kfree() of freed memory: KASAN "double-free".
  'double-free': { order: 3, class: 'memory' },
  // kfree() of a pointer kmalloc() never returned: KASAN "invalid-free".
  'invalid-free': { order: 4, class: 'memory' },
  // A callback whose module text was freed called: a fault on freed code (KASAN on vmalloc'd text).
  'execute-after-free': { order: 5, class: 'memory' },
  // A sleeping call in atomic context: "BUG: sleeping function called from invalid context".
  'sleep-in-atomic': { order: 6, class: 'misuse' },
  // A devres node released twice: the release frees it again, KASAN "double-free" (its title says so).
  'double-release': { order: 7, class: 'memory' },
  // A resource still held when unbind ends: a lifetime that outlives the device, nothing accessed.
  'leak-at-unbind': { order: 8, class: 'lifecycle' },
  // An allocation nothing refers to: kmemleak "unreferenced object", a lifetime bug, not an access.
  'memory-leak': { order: 9, class: 'lifecycle' },
  // A callback entered on a closed fence: it runs on state the unbind frees (the use-after-free a fence stops, seen at entry).
  'callback-after-fence': { order: 10, class: 'memory' },
  // readl()/writel() at an offset outside or misaligned in the mapping: an MMIO API misuse (KASAN does not see iomem).
  'invalid-mmio': { order: 11, class: 'misuse' },
  // WARN(): the kernel caught a broken contract of one of its APIs.
  warn: { order: 12, class: 'misuse' },
  // A cycle of waits, or tasks nothing can wake: what lockdep and a stuck machine report.
  deadlock: { order: 13, class: 'lock' },
  // A task blocked too long: khungtaskd "task blocked for more than N seconds", a wait that never ends.
  'hung-task': { order: 14, class: 'lock' },
  // A lock-order cycle or recursive acquisition: lockdep "possible circular locking dependency".
  'possible-circular-locking': { order: 15, class: 'lock' },
  // An uncaught error in a task: the kernel's "Oops", which says where, not what kind of bug.
  oops: { order: 16, class: 'other' },
  // The step budget spent without going idle: a livelock or an unbounded periodic timer, cause unknown.
  hang: { order: 17, class: 'other' },
};

/** Every finding kind, for validating user input (`--kind`). */
export const FINDING_KINDS: readonly FindingKind[] = (Object.keys(KIND_INFO) as FindingKind[]).sort(
  (a, b) => KIND_INFO[a].order - KIND_INFO[b].order,
);

/** Each finding kind's class (a frozen copy of the table above). */
export const FINDING_KIND_CLASS: Readonly<Record<FindingKind, FindingKindClass>> = Object.freeze(
  Object.fromEntries(FINDING_KINDS.map((k) => [k, KIND_INFO[k].class])) as Record<FindingKind, FindingKindClass>,
);

/**
 * findingKindsOfClass() - the finding kinds of one class.
 * @c: a class of FINDING_KIND_CLASSES.
 *
 * The filter a `--kind memory` or a page's "memory safety" choice stands for;
 * no kernel function, as the kernel's reports are not filtered by class.
 * Context: any. Returns: a new array, in `FINDING_KINDS` order (never empty).
 * Errors: `TypeError` naming the function when @c is not a class.
 */
export function findingKindsOfClass(c: FindingKindClass): FindingKind[] {
  if (!(FINDING_KIND_CLASSES as readonly unknown[]).includes(c)) {
    throw new TypeError(
      `findingKindsOfClass(): c must be one of ${FINDING_KIND_CLASSES.join(', ')} (got ${String(c)})`,
    );
  }
  return FINDING_KINDS.filter((k) => KIND_INFO[k].class === c);
}

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
