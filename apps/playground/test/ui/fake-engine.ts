// A fake Engine for the UI tests: a fixed catalogue, and runs the test
// resolves by hand, so every state the page goes through can be looked at.
import type {
  Catalogue,
  Engine,
  FindingView,
  MatrixView,
  Progress,
  ReportTableView,
  RunRequest,
  RunResult,
} from '../../src/engine/api.js';

export const CATALOGUE: Catalogue = {
  disciplines: ['kernel-c', 'fenced', 'devres-access', 'revocable', 'srcu-device', 'c-revocable'].map((id) => ({
    id,
    title: `${id} title`,
    summary: `${id} summary`,
  })),
  mistakes: Array.from({ length: 10 }, (_, i) => ({
    bug: i + 1,
    id: `bug${String(i + 1).padStart(2, '0')}`,
    title: `bug ${i + 1} title`,
    mistake: `bug ${i + 1} mistake`,
  })),
  teardowns: [
    { id: 'unbind', title: 'unbind' },
    { id: 'rmmod', title: 'rmmod' },
    { id: 'surprise', title: 'surprise removal' },
  ],
  strategies: [
    { id: 'random', title: 'random' },
    { id: 'pct', title: 'PCT' },
    { id: 'exhaustive', title: 'exhaustive' },
  ],
};

/** A finding shaped like bug 4 under fenced: the work's readl after the unmap at unbind. */
export function finding(overrides: Partial<FindingView> = {}): FindingView {
  return {
    kind: 'use-after-remove',
    title: 'BUG: KASAN: use-after-remove in readl',
    reportText: 'BUG: KASAN: use-after-remove in readl\nRead of size 4 at offset 0x20 of edu 0000:00:03.0 BAR0',
    schedule: 0,
    seed: 1,
    decisions: [0, 1, 1, 0],
    originalDecisions: [0, 1, 1, 0, 1, 1, 0],
    timeline: {
      lanes: ['CPU 0', 'CPU 1', 'task admin/4'],
      spans: [
        { lane: 'CPU 0', kind: 'callback', name: 'eduPoll', startNs: 0, endNs: 1000 },
        { lane: 'CPU 0', kind: 'work', name: 'eduWork', startNs: 1000, endNs: 4000 },
        { lane: 'task admin/4', kind: 'task', name: 'unbind', startNs: 2000, endNs: 3000 },
      ],
      marks: [
        { lane: 'task admin/4', kind: 'lifecycle', name: 'iounmap BAR0', atNs: 3000, badAccess: false },
        { lane: 'CPU 0', kind: 'report', name: 'readl BAR0', atNs: 4000, badAccess: true },
      ],
      endNs: 4000,
    },
    ftrace: 'kworker/0:0-5 [000] 0.000004: readl',
    steps: [
      { index: 0, atNs: 0, cpu: 0, task: 'kernel', text: 'hrtimer_expire_entry eduPoll' },
      { index: 1, atNs: 3000, cpu: 1, task: 'admin/4', text: 'release edu 0000:00:03.0 BAR0' },
      { index: 2, atNs: 4000, cpu: 0, task: 'kworker/0:0/5', text: 'BUG: KASAN: use-after-remove in readl' },
    ],
    replayFile: { format: 'quiesce-replay/1', decisions: [0, 1, 1, 0] },
    ...overrides,
  };
}

export function result(req: RunRequest, verdict: RunResult['verdict'], f?: FindingView): RunResult {
  return {
    request: req,
    scenario: `edu-${req.discipline}`,
    verdict,
    schedules: verdict === 'finding' ? (f?.schedule ?? 0) + 1 : req.budget,
    elapsedMs: 100,
    schedulesPerSec: 10,
    ...(f ? { finding: f } : {}),
  };
}

export class FakeEngine implements Engine {
  runs: RunRequest[] = [];
  replays: unknown[] = [];
  cancels = 0;
  private pending: {
    resolve: (r: RunResult) => void;
    reject: (e: Error) => void;
    onProgress?: (p: Progress) => void;
  }[] = [];

  catalogue(): Catalogue {
    return CATALOGUE;
  }
  matrix(): MatrixView {
    return {
      disciplines: CATALOGUE.disciplines.map((d) => d.id),
      rows: CATALOGUE.mistakes.map((m) => ({
        bug: m.bug,
        title: m.title,
        cells: CATALOGUE.disciplines.map((d) => ({ discipline: d.id, verdict: 'caught', detail: `${m.bug}/${d.id}` })),
      })),
    };
  }
  reportTable(): ReportTableView {
    return {
      columns: ['discipline', 'bugs prevented'],
      rows: [
        {
          label: 'fenced',
          cells: ['3 prevented'],
          run: { discipline: 'fenced', bug: 4, teardown: 'unbind', strategy: 'random', budget: 100 },
        },
        { label: 'kernel-c', cells: ['0 prevented'] },
      ],
    };
  }
  run(req: RunRequest, onProgress?: (p: Progress) => void): Promise<RunResult> {
    this.runs.push(req);
    return new Promise((resolve, reject) =>
      this.pending.push({ resolve, reject, ...(onProgress ? { onProgress } : {}) }),
    );
  }
  cancel(): void {
    this.cancels++;
  }
  openReplay(file: unknown): Promise<RunResult> {
    this.replays.push(file);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  /** Reports progress on the oldest run in flight. */
  progress(p: Progress): void {
    this.pending[0]?.onProgress?.(p);
  }
  /** Resolves the oldest run in flight. */
  resolve(r: RunResult): void {
    this.pending.shift()?.resolve(r);
  }
  reject(e: Error): void {
    this.pending.shift()?.reject(e);
  }
}

/** Lets the controller's awaits run. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
