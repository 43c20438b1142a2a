// The bug × discipline matrix (issue 15; definitions in docs/disciplines.md):
// every catalogue bug of docs/design.md §6, as the driver author's mistake, run
// under each of the six disciplines through the explorer (1,000 random +
// 1,000 PCT schedules per cell), with a verdict per cell: prevented, caught
// (which report, at which schedule), silent (freed memory or code used and
// nothing says so in production), or not expressible (with the reason).
//
//   npx -y pnpm@10.34.8 build
//   node benchmarks/bug-matrix.mjs [--schedules 1000] [--jobs 2] [--only 1:fenced,9:kernel-c] [--out FILE]
//
// Writes benchmarks/results/bug-matrix.json (60 cells) and prints the table.
// --jobs N forks N child processes, each computing every N-th cell.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeCell, MATRIX_DISCIPLINES, matrixCells } from '@quiesce/edu-buggy';
import { DISCIPLINES } from '@quiesce/edu-driver';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const SCHEDULES = Number(arg('--schedules', '1000'));
const JOBS = Number(arg('--jobs', '2'));
const OUT = arg('--out', fileURLToPath(new URL('./results/bug-matrix.json', import.meta.url)));
const only = arg('--only', '');
const shard = arg('--shard', '');

const all = matrixCells().map((c) => ({ bug: c.bug, discipline: c.discipline }));
const wanted =
  only === '' ? all : only.split(',').map((s) => ({ bug: Number(s.split(':')[0]), discipline: s.split(':')[1] }));

if (shard !== '') {
  // Child: compute cells i ≡ shard (mod jobs) and send them back.
  const [i, n] = shard.split('/').map(Number);
  for (let j = i; j < wanted.length; j += n) {
    const c = wanted[j];
    process.send({ index: j, cell: await computeCell(c.bug, c.discipline, SCHEDULES) });
  }
  process.exit(0);
}

const t0 = performance.now();
const cells = new Array(wanted.length);
await Promise.all(
  Array.from({ length: Math.max(1, JOBS) }, (_, i) => {
    const child = fork(fileURLToPath(import.meta.url), [...args, '--shard', `${i}/${Math.max(1, JOBS)}`]);
    child.on('message', (m) => {
      cells[m.index] = m.cell;
      process.stderr.write(`bug ${m.cell.bug} ${m.cell.discipline}: ${m.cell.verdict}\n`);
    });
    return new Promise((res, rej) =>
      child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`shard ${i} exit ${code}`)))),
    );
  }),
);

const result = {
  schedulesPerStrategy: SCHEDULES,
  elapsedMs: Math.round(performance.now() - t0),
  definitions: {
    prevented: 'no report of any kind in the random and the PCT budget (sanitizer in report mode: the ground truth)',
    caught:
      'a memory-safety report (freed memory or code used) whose schedule, replayed with the sanitizer off, oopses: the discipline makes the mistake visible in production; or only a non-memory report (leak at unbind, WARN, hang) and no memory-safety report in a second full search',
    silent:
      'a memory-safety report whose schedule, replayed with the sanitizer off, runs on with no oops: freed memory or code was used and nothing says so',
    'not expressible': 'the mistake has no form in the discipline (reason given)',
  },
  disciplines: DISCIPLINES.map((d) => ({ id: d.id, kernel: d.kernel })),
  cells,
};
if (only === '') writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

const short = { prevented: 'prevented', caught: 'caught', silent: 'SILENT', 'not expressible': 'n/a' };
process.stdout.write(`\n${'bug'.padEnd(5)}${MATRIX_DISCIPLINES.map((d) => d.padEnd(15)).join('')}\n`);
for (let b = 1; b <= 10; b++) {
  const row = MATRIX_DISCIPLINES.map((d) => {
    const c = cells.find((x) => x?.bug === b && x.discipline === d);
    return (c === undefined ? '' : short[c.verdict]).padEnd(15);
  });
  if (row.some((r) => r.trim() !== '')) process.stdout.write(`${String(b).padEnd(5)}${row.join('')}\n`);
}
process.stdout.write(
  `\n${(result.elapsedMs / 1000).toFixed(1)} s, ${SCHEDULES} schedules per strategy, jobs ${JOBS}\n`,
);
