import {
  type ContextInfo,
  type ReportKind,
  type ReportStacks,
  SanitizerPanic,
  type SanitizerReport,
} from './report.js';

/**
 * `off`: production; nothing is collected and hot paths carry no check.
 * `report`: collect every report. `panic`: throw {@link SanitizerPanic} at the first.
 * `report-nostack`: collect every report but capture no call traces (reports
 * carry empty stacks). Capturing and formatting a JS stack at every resource
 * acquisition was over half the cost of an explored schedule; the explorer
 * searches in this mode and replays a finding in `report` mode to get its
 * traces.
 */
export type SanitizerMode = 'off' | 'report' | 'panic' | 'report-nostack';

/** What a subsystem hands to {@link Sanitizer.report}; the kernel fills context and time. */
export interface ReportInput {
  kind: ReportKind;
  title: string;
  resource: string;
  detail: string;
  stacks?: ReportStacks;
}

/**
 * Captures the current JS stack as a kernel-ish call trace, or undefined when
 * the sanitizer is `off` or `report-nostack` (stacks are the expensive part
 * of a report).
 */
export function captureStack(mode: SanitizerMode, skip = 2): string | undefined {
  if (mode === 'off' || mode === 'report-nostack') return undefined;
  const s = new Error().stack;
  if (s === undefined) return undefined;
  return s
    .split('\n')
    .slice(skip)
    .filter((l) => !l.includes('node:internal'))
    .slice(0, 12)
    .map((l) => l.trim().replace(/^at /, ''))
    .join('\n');
}

/** The sanitizer of one kernel: the list of reports and the mode. */
export class Sanitizer {
  mode: SanitizerMode;
  readonly reports: SanitizerReport[] = [];
  /** Reports raised while `off` are counted, not kept, so a run can still say "something happened". */
  suppressed = 0;

  constructor(
    mode: SanitizerMode,
    private readonly where: () => { context: ContextInfo; time: number },
  ) {
    this.mode = mode;
  }

  /** Files a report; in `panic` mode throws it. Returns the report (or null when off). */
  report(input: ReportInput): SanitizerReport | null {
    if (this.mode === 'off') {
      this.suppressed++;
      return null;
    }
    const { context, time } = this.where();
    const r: SanitizerReport = {
      kind: input.kind,
      title: input.title,
      resource: input.resource,
      detail: input.detail,
      context,
      time,
      stacks: input.stacks ?? {},
    };
    this.reports.push(r);
    if (this.mode === 'panic') throw new SanitizerPanic(r);
    return r;
  }

  /** Reports of one kind. */
  byKind(kind: ReportKind): SanitizerReport[] {
    return this.reports.filter((r) => r.kind === kind);
  }

  /** Drops collected reports (between scenarios). */
  clear(): void {
    this.reports.length = 0;
    this.suppressed = 0;
  }
}
