#!/usr/bin/env node
/**
 * quiesce-explore: explore a scenario module from the command line.
 *
 *   quiesce-explore <scenario module> [--strategy random|pct|exhaustive] [...]
 *   quiesce-explore --replay replay.json [scenario module]
 *   quiesce-explore merge shard-*.json --out merged.json
 *
 * Exit codes (for CI; docs/explorer.md): 0 clean, 1 finding (or a replay
 * that reproduces one), 2 usage or input error, 3 incomplete (time budget
 * spent without a finding, shards missing or cut short).
 */
import { parseCommand, USAGE, UsageError } from './cli/args.js';
import { exploreCommand } from './cli/explore-cmd.js';
import { EXIT, type Io, processIo } from './cli/io.js';
import { mergeCommand } from './cli/merge-cmd.js';
import { replayCommand } from './cli/replay-cmd.js';

/** Runs the CLI on `argv` (without node and script). Context: outside the simulation. Returns: the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    const c = parseCommand(argv);
    switch (c.cmd) {
      case 'help':
        io.out(USAGE);
        return EXIT.clean;
      case 'replay':
        return await replayCommand(io, c);
      case 'merge':
        return mergeCommand(io, c);
      case 'explore':
        return await exploreCommand(io, c);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`quiesce-explore: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
