/** @quiesce/hrtimer: High-resolution timers on the simulated kernel clock, with per-CPU timer bases. */
export {};
