/**
 * Progress on stderr: a redrawn bar on a terminal, plain lines (one per 10%
 * of the budget, or per 1,000 schedules when unbounded) otherwise, so CI
 * logs stay readable.
 */
import type { Progress } from '../explore.js';

export interface ProgressSink {
  update(p: Progress): void;
  /** Ends the bar (newline on a terminal). */
  done(): void;
}

function rate(p: Progress): string {
  const s = p.elapsedMs / 1000;
  return s > 0 ? `${Math.round(p.done / s)}/s` : '';
}

/** A progress display writing to `out` (TTY-aware). Context: outside the simulation. */
export function progressBar(out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }): ProgressSink {
  const tty = out.isTTY === true;
  let lastStep = -1;
  let drawn = false;
  return {
    update(p) {
      const found = `${p.findings} finding${p.findings === 1 ? '' : 's'}`;
      if (tty) {
        let bar = '';
        if (p.total !== null) {
          const width = 30;
          const fill = Math.min(width, Math.round((p.done / p.total) * width));
          bar = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${p.done}/${p.total}`;
        } else bar = `${p.done} schedules`;
        out.write(`\r\x1b[2K${bar}  ${rate(p)}  ${found}`);
        drawn = true;
        return;
      }
      const step = p.total !== null ? Math.floor((p.done / p.total) * 10) : Math.floor(p.done / 1000);
      if (step === lastStep) return;
      lastStep = step;
      const of = p.total !== null ? `/${p.total}` : '';
      out.write(`quiesce-explore: ${p.done}${of} schedules, ${found}, ${rate(p)}\n`);
    },
    done() {
      if (tty && drawn) out.write('\n');
    },
  };
}
