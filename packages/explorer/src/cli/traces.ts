/** `--trace-out` and `--ftrace`: a finding's replay exported for kernel tooling. */
import { writeFileSync } from 'node:fs';
import type { Finding } from '../finding.js';
import type { ReplayResult } from '../replay.js';
import { formatFtrace } from '../trace/ftrace.js';
import { perfettoTrace } from '../trace/perfetto.js';
import type { OutputArgs } from './args.js';
import type { Io } from './io.js';

/**
 * Writes the trace-event JSON and/or prints the ftrace text of `rp` (a
 * replay traced in full), up to the report of `finding`. Context: any (file I/O).
 */
export function exportTraces(io: Io, args: OutputArgs, rp: ReplayResult, finding: Finding, title: string): void {
  const events = rp.traceLog.slice(0, rp.mark);
  if (args.traceOut !== undefined) {
    writeFileSync(args.traceOut, `${JSON.stringify(perfettoTrace(events, finding, title))}\n`);
    io.out(`\ntrace-event JSON: ${args.traceOut}  (open in ui.perfetto.dev or chrome://tracing)`);
  }
  if (args.ftrace) io.out(`\n${formatFtrace(events, finding)}`);
}
