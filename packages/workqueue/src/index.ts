/** @quiesce/workqueue: Workqueues, work and delayed work items, and the kworker tasks that run them in process context. */
export {};
