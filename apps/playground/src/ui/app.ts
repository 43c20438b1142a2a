/**
 * The page's controller: holds the {@link AppState}, runs requests on the
 * {@link Engine}, and tells its listener when to re-render. Every user action
 * is a method here, so tests drive the page with a fake engine and read the
 * view (src/ui/view.ts) without a browser.
 */
import type { Engine, RunRequest, RunResult } from '../engine/api.js';
import {
  type AppState,
  clampStep,
  requestOf,
  type Selection,
  selectionOf,
  type Tab,
  updateSelection,
} from './state.js';
import { stepForKey } from './steps.js';
import { zoomForKey } from './timeline.js';

/** What the controller needs from its surroundings (a browser, or a test). */
export interface AppEnv {
  /** Saves `text` as a file named `name` (the page: a Blob and an `<a download>`). */
  download(name: string, text: string): void;
  /** Default worker count (`navigator.hardwareConcurrency`). */
  workers: number;
}

export type Listener = () => void;

export class Playground {
  state: AppState;
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly engine: Engine,
    private readonly env: AppEnv,
    initial?: Partial<Selection>,
  ) {
    const cat = engine.catalogue();
    const sel: Selection = {
      discipline: cat.disciplines[0]?.id ?? 'fenced',
      bug: null,
      teardown: cat.teardowns[0]?.id ?? 'unbind',
      strategy: cat.strategies[0]?.id ?? 'random',
      budget: 1000,
      seed: 1,
      workers: Math.max(1, env.workers),
      kinds: 'all',
      bound: 2,
      ...initial,
    };
    this.state = {
      tab: 'explore',
      selection: sel,
      running: false,
      progress: null,
      result: null,
      step: 0,
      error: null,
      source: null,
      runs: 0,
      zoom: 1,
    };
  }

  /** Registers a re-render callback. Returns: its unsubscribe function. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }

  setTab(tab: Tab): void {
    this.set({ tab });
  }

  /** A form field changed. `TypeError` for an unknown field (see updateSelection). */
  setField(field: string, raw: string): void {
    this.set({ selection: updateSelection(this.state.selection, field, raw) });
  }

  /** Runs the form's selection. Returns: the result, or null when a run is already in flight. */
  run(): Promise<RunResult | null> {
    return this.start(requestOf(this.state.selection), 'form');
  }

  /** Runs a matrix cell or a report-table row: the form takes its selection, the page shows the explorer. */
  runRequest(req: RunRequest, source: 'matrix' | 'report'): Promise<RunResult | null> {
    const selection = selectionOf(req, this.state.selection);
    this.set({ selection, tab: 'explore' });
    return this.start(requestOf(selection), source);
  }

  private async start(req: RunRequest, source: AppState['source']): Promise<RunResult | null> {
    if (this.state.running) return null;
    this.set({
      running: true,
      progress: { done: 0, total: req.budget, schedulesPerSec: 0, findings: 0 },
      result: null,
      step: 0,
      error: null,
      source,
      runs: this.state.runs + 1,
      zoom: 1,
    });
    try {
      const result = await this.engine.run(req, (progress) => {
        if (this.state.running) this.set({ progress });
      });
      this.finish(result, source);
      return result;
    } catch (e) {
      this.set({ running: false, error: `run failed: ${errorText(e)}` });
      return null;
    }
  }

  private finish(result: RunResult, source: AppState['source']): void {
    const steps = result.finding?.steps.length ?? 0;
    this.set({
      running: false,
      result,
      source,
      // Start step-through at the bad access when there is one: the line that
      // matters; the user walks back from it.
      step: clampStep(steps - 1, steps),
      selection: selectionOf(result.request, this.state.selection),
    });
  }

  /** Stops the run in flight; the engine resolves it as 'incomplete'. */
  cancel(): void {
    if (this.state.running) this.engine.cancel();
  }

  /** Moves the step-through cursor by `delta` (clamped). */
  step(delta: number): void {
    this.goTo(this.state.step + delta);
  }

  /** Puts the step-through cursor on step `i` (clamped). */
  goTo(i: number): void {
    const n = this.state.result?.finding?.steps.length ?? 0;
    this.set({ step: clampStep(i, n) });
  }

  /** A key on the step list (src/ui/steps.ts stepForKey). Returns: true when it is a step key. */
  stepKey(key: string): boolean {
    const n = this.state.result?.finding?.steps.length ?? 0;
    const to = n === 0 ? null : stepForKey(key, this.state.step, n);
    if (to === null) return false;
    this.goTo(to);
    return true;
  }

  /** A key on the timeline: `+` `-` `0` zoom, ← → step. Returns: true when handled. */
  timelineKey(key: string): boolean {
    const z = zoomForKey(key, this.state.zoom);
    if (z !== null) this.setZoom(z);
    else if (key === 'ArrowLeft' || key === 'ArrowRight') this.step(key === 'ArrowLeft' ? -1 : 1);
    else return false;
    return true;
  }

  /** Puts the cursor on the step nearest virtual time `ns` (the last of equally near ones: the later event). */
  goToTime(ns: number): void {
    const steps = this.state.result?.finding?.steps ?? [];
    let best = -1;
    for (let i = 0; i < steps.length; i++) {
      const d = Math.abs((steps[i]?.atNs ?? 0) - ns);
      if (best < 0 || d <= Math.abs((steps[best]?.atNs ?? 0) - ns)) best = i;
    }
    if (best >= 0) this.goTo(best);
  }

  /** Sets the timeline's zoom factor (1 = the whole run; clamped to 1..128). */
  setZoom(factor: number): void {
    this.set({ zoom: Math.min(128, Math.max(1, Math.trunc(factor) || 1)) });
  }

  /** Opens a quiesce-replay/1 file's text (from the CLI or from the page). */
  async openReplayText(text: string): Promise<RunResult | null> {
    let file: unknown;
    try {
      file = JSON.parse(text);
    } catch (e) {
      this.set({ error: `not a replay file (JSON): ${errorText(e)}` });
      return null;
    }
    if (this.state.running) return null;
    this.set({
      running: true,
      progress: null,
      result: null,
      error: null,
      source: 'replay',
      runs: this.state.runs + 1,
      zoom: 1,
    });
    try {
      const result = await this.engine.openReplay(file);
      this.finish(result, 'replay');
      return result;
    } catch (e) {
      this.set({ running: false, error: `replay failed: ${errorText(e)}` });
      return null;
    }
  }

  /** Downloads the shown finding's replay file. Returns: the file name, or null without a finding. */
  downloadReplay(): string | null {
    const r = this.state.result;
    if (!r?.finding) return null;
    const name = replayFileName(r);
    this.env.download(name, `${JSON.stringify(r.finding.replayFile, null, 2)}\n`);
    return name;
  }
}

/** `quiesce-fenced-bug04-unbind-seed1.json`: names the combination, so a folder of them sorts. */
export function replayFileName(r: RunResult): string {
  const q = r.request;
  const bug = q.bug === null ? 'correct' : `bug${String(q.bug).padStart(2, '0')}`;
  const seed = r.finding?.seed ?? q.seed ?? 1;
  return `quiesce-${q.discipline}-${bug}-${q.teardown}-seed${seed}.json`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
