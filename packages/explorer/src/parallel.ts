/**
 * Parallel seeded exploration: this thread and pooled worker threads.
 *
 * The main thread hands out chunks of schedule indices in increasing order;
 * each worker runs its chunk with the same code as the serial loop
 * ({@link runSlice}). With stopAtFirst, once a finding at index i is known no
 * chunk starting after i is handed out (one already in flight may run; its
 * hits are higher), and every chunk starting before i has been (chunks go
 * out in order), so the lowest finding index, and hence
 * the merged result, is the serial one.
 *
 * `jobs` threads explore: this thread and `jobs - 1` pooled workers. This
 * thread is a lane like the others (it would otherwise sit idle: handing out
 * a chunk and merging its hits costs microseconds), so `--jobs 2` is one
 * worker thread, not two plus an idle main thread: one thread and one V8
 * heap fewer, and where this thread is already warm (a host that explored
 * before, the benchmark) one JIT warm-up fewer: a fresh isolate runs its
 * first ~2,000 edu schedules at a fraction of the warm rate
 * (docs/explorer.md, "Scaling").
 *
 * Workers are pooled (pool.ts) and keep the scenario modules they loaded, so
 * an exploration pays for thread start-up and module import once per
 * process, not once per call.
 */
import { acquireWorkers, type PooledWorker, releaseWorkers } from './pool.js';
import { loadScenario, moduleUrl, type Scenario, type ScenarioRef } from './scenario.js';
import { type Hit, runSlice, type SeededSpec, type SliceResult } from './seeded.js';

/** Messages from main to a worker. */
export type ToWorker =
  | { type: 'job'; module: string; exportName: string | undefined; spec: SeededSpec }
  | { type: 'chunk'; start: number; end: number };

/** Messages from a worker to main. */
export type FromWorker =
  | { type: 'ready' }
  | ({ type: 'done'; start: number; end: number } & SliceResult)
  | { type: 'error'; message: string };

export interface ParallelResult {
  /** Schedules run by all lanes. */
  executed: number;
  /** Schedules [lo, covered) were all handed out (and run, unless a finding stopped a chunk early). */
  covered: number;
  timedOut: boolean;
}

/** Hooks of a parallel exploration. */
export interface ParallelHooks {
  overTime: () => boolean;
  /** Called once per hit, in arrival order. */
  onHit: (h: Hit) => void;
  onChunk: (executed: number) => void;
}

/**
 * Schedules in the next message when `n` are left to hand out (guided
 * self-scheduling): a quarter of each worker's share of what is left, at
 * most 256. Early messages are large, so a message's cost (structured
 * clone, a wake-up of the thread) vanishes next to the work; they shrink
 * towards the end, so the workers finish together instead of one running
 * a last large chunk while the other waits, and a first finding stops the
 * others soon.
 */
export function chunkSize(n: number, jobs: number): number {
  return Math.max(1, Math.min(256, Math.ceil(n / (jobs * 4))));
}

/**
 * Runs schedules [lo, hi) of a seeded exploration on `jobs` threads: this
 * one, running `scenario` (the object `ref` names; loaded from `ref` when
 * not given), and `jobs - 1` pooled workers, which import `ref`.
 * Context: outside the simulation. Returns: how much was run; every hit
 * went to `hooks.onHit` (merge them with the FindingMerger).
 * Errors: rejects if a lane fails (scenario module error, oops outside a
 * run); ScenarioLoadError when `ref` cannot be loaded here.
 */
export async function exploreSeededParallel(
  ref: ScenarioRef,
  spec: SeededSpec,
  lo: number,
  hi: number,
  jobs: number,
  hooks: ParallelHooks,
  scenario?: Scenario,
): Promise<ParallelResult> {
  const here = scenario ?? (await loadScenario(ref)).scenario;
  const lanes = Math.min(jobs, Math.ceil((hi - lo) / chunkSize(hi - lo, jobs)));
  const workers = await acquireWorkers(Math.max(0, lanes - 1));
  const lane = localLane(here);
  try {
    return await drive(
      [...workers, lane],
      lane,
      { module: moduleUrl(ref.module), exportName: ref.export, spec },
      lo,
      hi,
      jobs,
      hooks,
    );
  } finally {
    releaseWorkers(workers);
  }
}

/**
 * This thread as a lane: chunks run one after another with {@link runSlice}
 * (the serial loop's code), each result delivered on a later macrotask. A
 * chunk is one long run of microtasks, so the workers' messages wait until
 * it ends; they lose no time, as each has a second chunk queued.
 */
function localLane(scenario: Scenario): PooledWorker {
  let onMessage: (m: FromWorker) => void = () => undefined;
  let onError: (e: Error) => void = () => undefined;
  let spec: SeededSpec | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let dead = false;
  // setImmediate here schedules the explorer's own lanes, outside every
  // simulated kernel: no schedule's decisions or trace depend on it.
  const deliver = (m: FromWorker): void => {
    // A macrotask, as a worker's message is: the workers' results queued
    // meanwhile are handled first, and no chunk nests inside another's hooks.
    setImmediate(() => {
      if (!dead) onMessage(m);
    });
  };
  return {
    send(m: ToWorker) {
      if (m.type === 'job') {
        spec = m.spec;
        deliver({ type: 'ready' });
        return;
      }
      const job = spec;
      if (job === null) return deliver({ type: 'error', message: 'chunk before job' });
      // Yield to the event loop before each chunk: the workers' results
      // wait in its poll phase, and a worker answered only after this
      // thread's next chunk (the second one in flight would otherwise start
      // at once, as a microtask) sits idle for a chunk's time.
      queue = queue
        .then(() => new Promise<void>((r) => setImmediate(r)))
        .then(() => runSlice(scenario, job, m.start, m.end))
        .then(
          (r) => deliver({ type: 'done', start: m.start, end: m.end, ran: r.ran, hits: r.hits }),
          (e: unknown) => {
            if (!dead) onError(e instanceof Error ? e : new Error(String(e)));
          },
        );
    },
    listen(m, e) {
      onMessage = m;
      onError = e;
    },
    discard() {
      dead = true;
    },
  };
}

function drive(
  workers: PooledWorker[],
  local: PooledWorker,
  job: { module: string; exportName: string | undefined; spec: SeededSpec },
  lo: number,
  hi: number,
  jobs: number,
  hooks: ParallelHooks,
): Promise<ParallelResult> {
  return new Promise<ParallelResult>((resolve, reject) => {
    let next = lo;
    let best = Number.POSITIVE_INFINITY;
    let executed = 0;
    let timedOut = false;
    let busy = 0;
    let settled = false;
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      // The others may still be running chunks: never lend them out again.
      for (const w of workers) w.discard();
      reject(e);
    };
    const dispatch = (w: PooledWorker): void => {
      if (!timedOut && hooks.overTime()) timedOut = true;
      if (next < hi && next <= best && !timedOut) {
        const start = next;
        next = Math.min(hi, next + chunkSize(hi - next, jobs));
        busy++;
        w.send({ type: 'chunk', start, end: next });
      } else if (busy === 0 && !settled) {
        settled = true;
        resolve({ executed, covered: next, timedOut });
      }
    };
    for (const w of workers) {
      w.listen(
        (m) => {
          if (settled) return;
          if (m.type === 'error') return fail(new Error(`explorer worker: ${m.message}`));
          if (m.type === 'done') {
            busy--;
            executed += m.ran;
            for (const h of m.hits) {
              hooks.onHit(h);
              if (job.spec.stopAtFirst && h.index < best) best = h.index;
            }
            hooks.onChunk(executed);
          }
          // 'ready' only says the scenario loaded: its chunks are already queued.
          if (m.type === 'done') dispatch(w);
        },
        (e) => fail(e),
      );
      w.send({ type: 'job', ...job });
      // Two chunks in flight per worker, sent with the job rather than on
      // its 'ready': a worker queues them behind the scenario's import and
      // starts the next as soon as it posts a result, without waiting for
      // this thread to answer (waiting for 'ready' let this thread's own lane
      // start a whole chunk first while the worker sat idle). This thread's
      // lane takes one at a time: a queue there only hides no latency and
      // holds back work a worker could take at the end.
      dispatch(w);
      if (w !== local) dispatch(w);
    }
  });
}
