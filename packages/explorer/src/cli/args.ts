/**
 * The CLI's argument parsing: argv to a typed command, or a UsageError with
 * the message the user sees (exit 2).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExploreStrategy } from '../explore.js';
import {
  FINDING_KIND_CLASSES,
  FINDING_KINDS,
  type FindingKind,
  type FindingKindClass,
  findingKindsOfClass,
} from '../finding.js';
import { parseShard, type Shard } from '../shard.js';

/** The usage text (`--help`, and after every usage error). */
export const USAGE = `usage: quiesce-explore <scenario module> [options]
       quiesce-explore --replay <file> [scenario module]
       quiesce-explore merge <result.json>... [--out merged.json]

  --export NAME        scenario export (default: default, or the only one)
  --strategy S         random | pct | exhaustive (default random)
  --schedules N        schedule budget (default 1000; exhaustive: unbounded)
  --time MS            wall-clock budget in milliseconds
  --seed S             seed of the first schedule (default 1)
  --depth D            PCT depth (default 3)
  --preemptions K      exhaustive preemption bound (default 2)
  --jobs J             threads for random/pct: this one + J-1 workers (default 1; 0 = all cores)
  --shard I/N          run shard I of N (0-based; seeded: a range of seeds, exhaustive: subtrees)
  --kind K[,K]         only findings of these kinds count (repeatable; default all); a class
                       (memory, misuse, lock, lifecycle, other) stands for its kinds
  --all                collect every distinct finding (default: stop at the first)
  --no-shrink          keep the decision list as found
  --out FILE           write a replay file for the first finding (merge: the merged result)
  --result FILE        write the whole result as JSON (the input of merge)
  --trace-out FILE     write the first finding's replay as Chrome/Perfetto trace-event JSON
  --ftrace             print the first finding's replay in the ftrace text layout
  --replay FILE        replay a replay file (a scenario module argument overrides the file's)
  -q, --quiet          no progress output
  -h, --help

exit: 0 clean, 1 finding, 2 usage error, 3 incomplete (time budget spent, shards missing)`;

/** A bad command line or input file: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options shared by every command that writes files or traces. */
export interface OutputArgs {
  out?: string;
  result?: string;
  traceOut?: string;
  ftrace: boolean;
  quiet: boolean;
}

/** A parsed command line: what to run, with its validated options. */
export type Command =
  | { cmd: 'help' }
  | ({ cmd: 'replay'; file: string; module?: string } & OutputArgs)
  | ({ cmd: 'merge'; files: string[] } & OutputArgs)
  | ({
      cmd: 'explore';
      module: string;
      export?: string;
      strategy: ExploreStrategy;
      schedules?: number;
      timeMs?: number;
      seed?: number;
      depth?: number;
      preemptions?: number;
      jobs?: number;
      shard?: Shard;
      kinds?: FindingKind[];
      all: boolean;
      shrink: boolean;
      /** Options given that the strategy does not read (for a warning). */
      given: string[];
    } & OutputArgs);

const STRING_OPTIONS = [
  'export',
  'strategy',
  'schedules',
  'time',
  'seed',
  'depth',
  'preemptions',
  'jobs',
  'shard',
  'out',
  'result',
  'trace-out',
  'replay',
] as const;

/**
 * `--schedules -1` as two arguments: node's parseArgs refuses a value that
 * starts with a dash; join such pairs as `--schedules=-1`, so the value
 * check below gives the same message as for the `=` form.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  const takesValue = new Set<string>(STRING_OPTIONS.map((o) => `--${o}`));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const v = argv[i + 1];
    if (takesValue.has(a) && v !== undefined && /^-\d/.test(v)) {
      out.push(`${a}=${v}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min} (got ${v})`);
  }
  return n;
}

/** Refuses an output path whose folder does not exist (before any time is spent exploring). */
function writable(flag: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`--${flag} ${path}: folder ${dir} does not exist (create it first)`);
  }
  return path;
}

/** `--kind` values: kinds and class names (each class its kinds), deduplicated, in the order given. */
function kindsOf(v: string[] | undefined): FindingKind[] | undefined {
  if (v === undefined) return undefined;
  const names = v.flatMap((x) => x.split(',')).filter((x) => x !== '');
  const isClass = (x: string): x is FindingKindClass => (FINDING_KIND_CLASSES as readonly string[]).includes(x);
  const bad = names.find((x) => !isClass(x) && !(FINDING_KINDS as readonly string[]).includes(x));
  if (bad !== undefined || names.length === 0) {
    throw new UsageError(
      `--kind must be one of ${FINDING_KINDS.join(', ')} or a class (${FINDING_KIND_CLASSES.join(', ')}) (got ${bad ?? 'nothing'})`,
    );
  }
  const kinds = names.flatMap((x) => (isClass(x) ? findingKindsOfClass(x) : [x as FindingKind]));
  return [...new Set(kinds)];
}

/**
 * Parses the command line (without node and script). Context: any.
 * Errors: UsageError for anything the user must fix.
 */
export function parseCommand(argv: readonly string[]): Command {
  const options = Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      options: {
        ...options,
        kind: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        'no-shrink': { type: 'boolean' },
        ftrace: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const str = (k: string): string | undefined => v[k] as string | undefined;
  if (v.help === true) return { cmd: 'help' };
  const output: OutputArgs = {
    ...(str('out') !== undefined ? { out: writable('out', str('out')) as string } : {}),
    ...(str('result') !== undefined ? { result: writable('result', str('result')) as string } : {}),
    ...(str('trace-out') !== undefined ? { traceOut: writable('trace-out', str('trace-out')) as string } : {}),
    ftrace: v.ftrace === true,
    quiet: v.quiet === true,
  };
  const pos = parsed.positionals;
  if (pos[0] === 'merge') {
    if (pos.length < 2) throw new UsageError('merge needs at least one result file');
    return { cmd: 'merge', files: pos.slice(1), ...output };
  }
  const replay = str('replay');
  if (replay !== undefined) {
    if (pos.length > 1) throw new UsageError('--replay takes at most one scenario module');
    return { cmd: 'replay', file: replay, ...(pos[0] !== undefined ? { module: pos[0] } : {}), ...output };
  }
  return exploreCommand(v, pos, output);
}

function exploreCommand(
  v: Record<string, string | boolean | string[] | undefined>,
  pos: string[],
  output: OutputArgs,
): Command {
  const str = (k: string): string | undefined => v[k] as string | undefined;
  if (pos.length !== 1) throw new UsageError('expected exactly one scenario module');
  const strategy = (str('strategy') ?? 'random') as ExploreStrategy;
  if (!['random', 'pct', 'exhaustive'].includes(strategy)) throw new UsageError(`unknown strategy ${strategy}`);
  let shard: Shard | undefined;
  try {
    shard = str('shard') !== undefined ? parseShard(str('shard') as string) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const given = ['depth', 'preemptions', 'jobs'].filter((k) => v[k] !== undefined);
  const nums = {
    schedules: int('schedules', str('schedules'), 1),
    timeMs: int('time', str('time'), 1),
    seed: int('seed', str('seed'), 0),
    depth: int('depth', str('depth'), 1),
    preemptions: int('preemptions', str('preemptions'), 0),
    jobs: int('jobs', str('jobs'), 0),
  };
  const kinds = kindsOf(v.kind as string[] | undefined);
  const defined = Object.fromEntries(Object.entries(nums).filter(([, x]) => x !== undefined));
  return {
    cmd: 'explore',
    module: pos[0] as string,
    ...(str('export') !== undefined ? { export: str('export') as string } : {}),
    strategy,
    ...defined,
    ...(shard !== undefined ? { shard } : {}),
    ...(kinds !== undefined ? { kinds } : {}),
    all: v.all === true,
    shrink: v['no-shrink'] !== true,
    given,
    ...output,
  };
}
