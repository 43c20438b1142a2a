/**
 * The finding's timeline as SVG: a lane per CPU and per task, spans for
 * callbacks, work items, waits, IRQs and grace periods, marks for lifecycle
 * events and the report. The report's bad access is drawn red and carries
 * `data-bad-access` (the e2e test looks for it). The step-through cursor is a
 * vertical line at the current step's time. Its text alternative is the
 * ftrace listing (renderFtrace), linked by aria-describedby.
 */
import type { Timeline, TraceMark, TraceSpan } from '../engine/api.js';
import { h, type VNode } from './dom.js';

export const LABEL_W = 150;
export const PLOT_W = 820;
export const ROW_H = 18;
export const LANE_GAP = 6;
export const AXIS_H = 22;

export interface LaidSpan {
  span: TraceSpan;
  row: number;
}
export interface LaidLane {
  name: string;
  /** Top of the lane in SVG units. */
  y: number;
  rows: number;
  spans: LaidSpan[];
  marks: TraceMark[];
}
export interface TimelineLayout {
  lanes: LaidLane[];
  height: number;
  endNs: number;
}

/**
 * Places spans of one lane on rows so that overlapping spans (a callback
 * nested in a task, two waits) never share a row: greedy interval
 * partitioning by start time, first free row.
 */
function rowsFor(spans: TraceSpan[]): { laid: LaidSpan[]; rows: number } {
  const sorted = [...spans].sort((a, b) => a.startNs - b.startNs || b.endNs - a.endNs);
  const rowEnd: number[] = [];
  const laid: LaidSpan[] = [];
  for (const span of sorted) {
    let row = rowEnd.findIndex((end) => end <= span.startNs);
    if (row < 0) {
      row = rowEnd.length;
      rowEnd.push(span.endNs);
    } else rowEnd[row] = span.endNs;
    laid.push({ span, row });
  }
  return { laid, rows: Math.max(1, rowEnd.length) };
}

/** Lanes in the timeline's order (then any lane a span or mark names that the list lacks). */
export function layoutTimeline(t: Timeline): TimelineLayout {
  const names = [...t.lanes];
  for (const x of [...t.spans, ...t.marks]) if (!names.includes(x.lane)) names.push(x.lane);
  let y = AXIS_H;
  const lanes: LaidLane[] = names.map((name) => {
    const { laid, rows } = rowsFor(t.spans.filter((s) => s.lane === name));
    const lane = { name, y, rows, spans: laid, marks: t.marks.filter((m) => m.lane === name) };
    y += rows * ROW_H + LANE_GAP;
    return lane;
  });
  const last = Math.max(t.endNs, ...t.spans.map((s) => s.endNs), ...t.marks.map((m) => m.atNs), 0);
  return { lanes, height: y, endNs: last };
}

/** `1.25 ms`, `340 µs`, `12 ns`: virtual time as the reports print it. */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (a >= 1e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  if (a >= 1e3) return `${+(ns / 1e3).toFixed(3)} µs`;
  return `${ns} ns`;
}

/** The visible part of the run, in ns. */
export interface TimeWindow {
  fromNs: number;
  toNs: number;
}

/** Zoom factors the timeline offers (1 = the whole run). */
export const ZOOMS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128];

/**
 * The window a zoom factor shows: `endNs / zoom` wide, centred on `centerNs`
 * (the step-through cursor) and kept inside the run.
 */
export function timeWindow(endNs: number, zoom: number, centerNs: number): TimeWindow {
  const width = endNs / Math.max(1, zoom);
  const from = Math.min(Math.max(0, centerNs - width / 2), Math.max(0, endNs - width));
  return { fromNs: from, toNs: from + width };
}

function xIn(ns: number, w: TimeWindow): number {
  const width = w.toNs - w.fromNs;
  return LABEL_W + (width > 0 ? ((ns - w.fromNs) / width) * PLOT_W : 0);
}

const inWindow = (a: number, b: number, w: TimeWindow): boolean => b >= w.fromNs && a <= w.toNs;

function axis(w: TimeWindow, height: number): VNode[] {
  const ticks = 5;
  const out: VNode[] = [];
  for (let i = 0; i <= ticks; i++) {
    const ns = Math.round(w.fromNs + ((w.toNs - w.fromNs) * i) / ticks);
    const x = xIn(ns, w);
    out.push(
      h('line', { class: 'tick', x1: x, x2: x, y1: AXIS_H - 4, y2: height }),
      h(
        'text',
        { class: 'tick-label', x, y: AXIS_H - 8, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle' },
        formatNs(ns),
      ),
    );
  }
  return out;
}

function spanNode(s: LaidSpan, lane: LaidLane, w: TimeWindow): VNode | null {
  if (!inWindow(s.span.startNs, s.span.endNs, w)) return null;
  const x = xIn(Math.max(s.span.startNs, w.fromNs), w);
  const width = Math.max(1.5, xIn(Math.min(s.span.endNs, w.toNs), w) - x);
  const label = `${s.span.kind} ${s.span.name}: ${formatNs(s.span.startNs)} – ${formatNs(s.span.endNs)}`;
  return h(
    'g',
    { class: `span span-${s.span.kind}`, 'data-kind': s.span.kind },
    h('rect', { x, y: lane.y + s.row * ROW_H + 2, width, height: ROW_H - 4, rx: 2 }, h('title', null, label)),
    width > 60
      ? h(
          'text',
          { class: 'span-label', x: x + 3, y: lane.y + s.row * ROW_H + ROW_H - 6 },
          s.span.name.slice(0, Math.floor(width / 6.5)),
        )
      : null,
  );
}

function markNode(m: TraceMark, lane: LaidLane, w: TimeWindow): VNode | null {
  if (!inWindow(m.atNs, m.atNs, w)) return null;
  const x = xIn(m.atNs, w);
  const top = lane.y;
  const bottom = lane.y + lane.rows * ROW_H;
  const label = `${m.badAccess ? 'bad access' : m.kind} ${m.name} at ${formatNs(m.atNs)}`;
  return h(
    'g',
    {
      class: `mark mark-${m.kind}${m.badAccess ? ' bad-access' : ''}`,
      'data-bad-access': m.badAccess ? 'true' : null,
      'data-at-ns': m.atNs,
    },
    h('line', { x1: x, x2: x, y1: top, y2: bottom }),
    h('polygon', { points: `${x - 5},${top} ${x + 5},${top} ${x},${top + 7}` }),
    h('title', null, label),
  );
}

export interface TimelineHandlers {
  /** A zoom factor from ZOOMS. */
  zoom(factor: number): void;
  /**
   * A key on the figure (zoom keys, arrows to step); true when handled.
   * Resolved against the controller's current zoom and step, so keys pressed
   * within one frame all count.
   */
  key(key: string): boolean;
  /** A click on the plot at virtual time `ns` (the page moves the cursor to the nearest step). */
  clickAt?(ns: number): void;
}

/**
 * The virtual time under a click at `clientX` on an SVG drawn over
 * `[left, left + width)` CSS pixels for window `w`: the viewBox maps
 * LABEL_W + PLOT_W + 10 units onto the element's width. Returns: null left of
 * the plot (the lane labels).
 */
export function nsAtClientX(clientX: number, left: number, width: number, w: TimeWindow): number | null {
  const units = ((clientX - left) / width) * (LABEL_W + PLOT_W + 10);
  if (units < LABEL_W) return null;
  const frac = Math.min(1, (units - LABEL_W) / PLOT_W);
  return w.fromNs + frac * (w.toNs - w.fromNs);
}

/** The zoom factor a key asks for from `zoom`, or null for a key that is not a zoom key. */
export function zoomForKey(key: string, zoom: number): number | null {
  const i = Math.max(0, ZOOMS.indexOf(zoom));
  if (key === '+' || key === '=') return ZOOMS[Math.min(ZOOMS.length - 1, i + 1)] ?? zoom;
  if (key === '-' || key === '_') return ZOOMS[Math.max(0, i - 1)] ?? zoom;
  if (key === '0') return 1;
  return null;
}

/**
 * The timeline figure. `cursorNs` (the current step's time) draws the cursor
 * and centres the zoomed window; `zoom` is a factor from ZOOMS. The figure
 * is focusable: `+`/`-`/`0` zoom, the arrow keys move the cursor.
 *
 * Returns: a `<figure>` holding the SVG; the bad access, when it is in the
 * window, is the `g[data-bad-access]` element.
 */
export function renderTimeline(
  t: Timeline,
  cursorNs: number | null,
  zoom = 1,
  on: TimelineHandlers | null = null,
): VNode {
  const lay = layoutTimeline(t);
  const w = timeWindow(lay.endNs, zoom, cursorNs ?? lay.endNs);
  const width = LABEL_W + PLOT_W + 10;
  const bad = t.marks.find((m) => m.badAccess);
  const zoomButton = (label: string, factor: number, text: string, id: string): VNode =>
    h(
      'button',
      { id, type: 'button', 'aria-label': label, disabled: factor === zoom || !on, onclick: () => on?.zoom(factor) },
      text,
    );
  const i = Math.max(0, ZOOMS.indexOf(zoom));
  return h(
    'figure',
    {
      id: 'timeline',
      class: 'timeline',
      tabindex: 0,
      'aria-keyshortcuts': '+ - 0 ArrowLeft ArrowRight',
      onkeydown: (ev: Event) => {
        if (on?.key((ev as KeyboardEvent).key)) ev.preventDefault();
      },
    },
    h(
      'figcaption',
      { id: 'timeline-caption' },
      `Timeline: ${lay.lanes.length} lanes, ${t.spans.length} spans, ${t.marks.length} marks over ${formatNs(lay.endNs)}`,
      bad ? `; the bad access (red) is ${bad.name} at ${formatNs(bad.atNs)} on ${bad.lane}` : '',
      zoom > 1 ? `; zoomed ${zoom}× on ${formatNs(Math.round(w.fromNs))} – ${formatNs(Math.round(w.toNs))}` : '',
      '. The same events as text: the ftrace listing below.',
    ),
    h(
      'div',
      { class: 'zoom', role: 'group', 'aria-label': 'Zoom' },
      zoomButton('Zoom out', ZOOMS[Math.max(0, i - 1)] ?? 1, '−', 'zoom-out'),
      h('span', { id: 'zoom-level' }, `${zoom}×`),
      zoomButton('Zoom in', ZOOMS[Math.min(ZOOMS.length - 1, i + 1)] ?? zoom, '+', 'zoom-in'),
      zoomButton('Whole run', 1, 'whole run', 'zoom-reset'),
      h('small', { class: 'hint' }, 'centred on the step cursor; keys + − 0, ← → step'),
    ),
    h(
      'svg',
      {
        viewBox: `0 0 ${width} ${lay.height}`,
        width,
        height: lay.height,
        role: 'img',
        'aria-labelledby': 'timeline-caption',
        'aria-describedby': 'ftrace',
        onclick: (ev: Event) => {
          const me = ev as MouseEvent;
          const box = (me.currentTarget as Element | null)?.getBoundingClientRect();
          if (!box || !on?.clickAt) return;
          const ns = nsAtClientX(me.clientX, box.left, box.width, w);
          if (ns !== null) on.clickAt(ns);
        },
      },
      axis(w, lay.height),
      lay.lanes.map((lane, li) =>
        h(
          'g',
          { class: `lane${li % 2 ? ' odd' : ''}`, 'data-lane': lane.name },
          h('rect', { class: 'lane-bg', x: 0, y: lane.y, width, height: lane.rows * ROW_H }),
          h('text', { class: 'lane-label', x: 4, y: lane.y + ROW_H - 5 }, lane.name.slice(0, 22)),
          lane.spans.map((s) => spanNode(s, lane, w)),
          lane.marks.map((m) => markNode(m, lane, w)),
        ),
      ),
      cursorNs === null
        ? null
        : h('line', {
            class: 'cursor',
            'data-cursor-ns': cursorNs,
            x1: xIn(cursorNs, w),
            x2: xIn(cursorNs, w),
            y1: AXIS_H - 4,
            y2: lay.height,
          }),
    ),
  );
}

/** The ftrace-style listing: the timeline's text alternative. */
export function renderFtrace(ftrace: string): VNode {
  return h(
    'details',
    { id: 'ftrace-details', class: 'ftrace' },
    h('summary', null, 'Timeline as text (ftrace listing)'),
    h('pre', { id: 'ftrace', tabindex: 0, 'aria-label': 'ftrace listing' }, ftrace),
  );
}
