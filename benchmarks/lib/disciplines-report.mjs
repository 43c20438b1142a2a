// The report's disciplines section (issue 15): the six disciplines in kernel
// terms (the `disciplines` key of report.json) and the bug × discipline
// matrix computed by benchmarks/bug-matrix.mjs (results/bug-matrix.json).
//
// run.mjs calls disciplinesReport() for every report. Run on its own,
//   node benchmarks/lib/disciplines-report.mjs
// it refreshes the section in the existing results/REPORT.md and the keys in
// results/report.json without re-running the suites (after a new matrix).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DISCIPLINES } from '@quiesce/edu-driver';

const results = fileURLToPath(new URL('../results/', import.meta.url));
const BEGIN = '<!-- disciplines:begin -->';
const END = '<!-- disciplines:end -->';

const SHORT = { prevented: 'prevented', caught: 'caught', silent: '**silent**', 'not expressible': 'n/a' };

function cellText(c) {
  if (c.verdict === 'caught' && c.hit) return `caught: ${c.hit.kind} (${c.hit.strategy} #${c.hit.schedule})`;
  if (c.verdict === 'silent' && c.hit) return `**silent**: ${c.hit.kind} (${c.hit.strategy} #${c.hit.schedule})`;
  return SHORT[c.verdict] ?? c.verdict;
}

/** { md: Markdown lines, json: { disciplines, bugMatrix } } for the report. */
export function disciplinesReport(dir = results) {
  const disciplines = DISCIPLINES.map((d) => ({ id: d.id, kernel: d.kernel, hotPath: d.hotPath, unbind: d.unbind }));
  const md = [
    BEGIN,
    '## The six disciplines, in kernel terms',
    '',
    '| id | what it is in kernel terms | hot path | unbind |',
    '| --- | --- | --- | --- |',
    ...disciplines.map((d) => `| \`${d.id}\` | ${d.kernel} | ${d.hotPath} | ${d.unbind} |`),
    '',
  ];
  const file = `${dir}bug-matrix.json`;
  let bugMatrix = null;
  if (existsSync(file)) {
    bugMatrix = JSON.parse(readFileSync(file, 'utf8'));
    const ids = disciplines.map((d) => d.id);
    md.push(
      '## Bug × discipline matrix',
      '',
      `Each catalogue bug as the driver author's mistake, run in each discipline through the explorer (${bugMatrix.schedulesPerStrategy} random + ${bugMatrix.schedulesPerStrategy} PCT schedules per cell; \`benchmarks/bug-matrix.mjs\`, evidence per cell in \`bug-matrix.json\`). ` +
        'prevented: no report at all; caught: the memory-safety report (kind, strategy, schedule index) also oopses when its schedule is replayed with the sanitizer off, or only a non-memory check (leak, WARN) fired; ' +
        '**silent**: freed memory or code used, and the production replay runs on with nothing to say; n/a: not expressible. Definitions: docs/disciplines.md.',
      '',
      `| bug | ${ids.join(' | ')} |`,
      `| --- | ${ids.map(() => '---').join(' | ')} |`,
    );
    for (let b = 1; b <= 10; b++) {
      const row = ids.map((id) => {
        const c = bugMatrix.cells.find((x) => x.bug === b && x.discipline === id);
        return c === undefined ? '' : cellText(c);
      });
      const mistake = bugMatrix.cells.find((x) => x.bug === b)?.mistake ?? '';
      md.push(`| ${b}: ${mistake} | ${row.join(' | ')} |`);
    }
    md.push('');
  }
  md.push(END);
  return { md, json: { disciplines, bugMatrix } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { md, json } = disciplinesReport();
  const repPath = `${results}REPORT.md`;
  const rep = readFileSync(repPath, 'utf8');
  const i = rep.indexOf(BEGIN);
  const j = rep.indexOf(END);
  const section = md.join('\n');
  const out =
    i >= 0 && j > i ? rep.slice(0, i) + section + rep.slice(j + END.length) : `${rep.trimEnd()}\n\n${section}\n`;
  writeFileSync(repPath, out);
  const jsonPath = `${results}report.json`;
  const r = JSON.parse(readFileSync(jsonPath, 'utf8'));
  r.disciplines = json.disciplines;
  r.bugMatrix = json.bugMatrix;
  writeFileSync(jsonPath, `${JSON.stringify(r, null, 2)}\n`);
  console.log(`updated ${repPath} and ${jsonPath}`);
}
