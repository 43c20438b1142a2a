/**
 * What the explorer runs: a scenario builds one world on a kernel it is given
 * and spawns the tasks that race (probe, users hammering a device, unbind,
 * module unload). The explorer owns the kernel, so it decides the schedule.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kernel, KernelOptions, ReportKind } from '@quiesce/core-devres';

/** A lifecycle scenario. */
export interface Scenario {
  /** Short name for summaries and replay files (`edu-fenced`, `toy-buggy`). */
  name: string;
  /**
   * Builds the world on `k` and spawns its tasks. May run the kernel itself
   * (`await k.exec('probe', …)`); those decisions are recorded and replayed
   * like the rest. Must not read wall-clock time or `Math.random`: the
   * schedule is the only source of variation.
   */
  setup(k: Kernel): Promise<void> | void;
  /** Run for this much virtual time (ns) instead of until idle (periodic timers never go idle). */
  runFor?: number;
  /** Kernel options other than the schedule (cpus, rcuGracePeriodNs, maxSteps…). */
  kernel?: Partial<KernelOptions>;
  /** What a correct explorer should conclude: `clean`, or the kind of bug the variant has. */
  expect?: 'clean' | ReportKind;
}

/** Where a scenario lives, so that worker threads and replay files can load it. */
export interface ScenarioRef {
  /** Path (absolute, or relative to the current directory) or `file:` URL of a built JS module. */
  module: string;
  /** Export name (default `default`, or the only scenario the module exports). */
  export?: string;
}

/** True if `v` looks like a {@link Scenario}. */
export function isScenario(v: unknown): v is Scenario {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Scenario).name === 'string' &&
    typeof (v as Scenario).setup === 'function'
  );
}

/** The `file:` URL of a module path (absolute, relative to `base`, or already a URL). */
export function moduleUrl(module: string, base: string = process.cwd()): string {
  if (module.startsWith('file:')) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(base, module)).href;
}

/** Thrown when a scenario module or export cannot be used (the CLI turns it into exit code 2). */
export class ScenarioLoadError extends Error {
  override name = 'ScenarioLoadError';
}

/**
 * Imports a scenario module and picks the export: `ref.export`, else
 * `default`, else the only export that is a scenario. An `ref.export` that
 * is not an export name of a module exporting a `scenarioById(id)` function
 * is that function's scenario for the id (undefined or null: not found).
 * Returns: the scenario and the export name used.
 * Errors: {@link ScenarioLoadError} when the module cannot be imported, the
 * export is missing or not a scenario, or the choice is ambiguous.
 */
export async function loadScenario(
  ref: ScenarioRef,
  base: string = process.cwd(),
): Promise<{ scenario: Scenario; exportName: string }> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(moduleUrl(ref.module, base))) as Record<string, unknown>;
  } catch (e) {
    throw new ScenarioLoadError(`cannot import scenario module ${ref.module}: ${(e as Error).message}`);
  }
  const names = Object.keys(mod).filter((n) => isScenario(mod[n]));
  let name = ref.export;
  if (name === undefined) {
    if (isScenario(mod.default)) name = 'default';
    else if (names.length === 1) name = names[0] as string;
    else if (names.length === 0) throw new ScenarioLoadError(`${ref.module} exports no scenario`);
    else throw new ScenarioLoadError(`${ref.module} exports several scenarios; pick one: ${names.join(', ')}`);
  }
  // A module naming many scenarios by id (the playground's combinations,
  // examples/buggy/src/playground.ts) resolves an id that is no export name
  // through its `scenarioById` (docs/explorer.md, "Replay files").
  const byId = mod.scenarioById;
  const s = !(name in mod) && typeof byId === 'function' ? (byId as (id: string) => unknown)(name) : mod[name];
  if (!isScenario(s)) {
    throw new ScenarioLoadError(
      `${ref.module}: export ${name} is not a scenario${names.length > 0 ? ` (scenarios: ${names.join(', ')})` : ''}`,
    );
  }
  return { scenario: s, exportName: name };
}
