/**
 * Emulates include/linux/workqueue.h.
 *
 * Workqueue constants (include/linux/workqueue.h). Values mirror the kernel's
 * so that flags read the same in traces and tests.
 */

/** Not bound to a CPU: one shared pool, workers on any CPU. */
export const WQ_UNBOUND = 1 << 1;
/** Accepted and ignored (no freezer in quiesce). */
export const WQ_FREEZABLE = 1 << 2;
/** Accepted and ignored (no memory pressure, so no rescuer). */
export const WQ_MEM_RECLAIM = 1 << 3;
/** Accepted; high-priority pools are not modelled separately. */
export const WQ_HIGHPRI = 1 << 4;
/** Accepted and ignored. */
export const WQ_CPU_INTENSIVE = 1 << 5;
/** Internal: ordered workqueue (one at a time, in queueing order). */
export const __WQ_ORDERED = 1 << 17;

/** Upper bound of `max_active` (kernel 6.9+). */
export const WQ_MAX_ACTIVE = 2048;
/** What `max_active == 0` means. */
export const WQ_DFL_ACTIVE = WQ_MAX_ACTIVE / 2;

/** `work_busy()` bit: pending (queued or its delayed-work timer armed). */
export const WORK_BUSY_PENDING = 1 << 0;
/** `work_busy()` bit: a worker is executing it. */
export const WORK_BUSY_RUNNING = 1 << 1;

/** Width of the disable count kept in an off-queue work's data word. */
export const WORK_OFFQ_DISABLE_BITS = 16;
/** Largest disable count; one more disable warns and is ignored. */
export const WORK_OFFQ_DISABLE_MAX = (1 << WORK_OFFQ_DISABLE_BITS) - 1;

/** `queue_work_on(WORK_CPU_UNBOUND, …)`: the local CPU (per-CPU wq) or any (unbound). */
export const WORK_CPU_UNBOUND = -1;
