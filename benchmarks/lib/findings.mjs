// The report's findings: each expectation checked against the figures, said
// plainly whether it holds or not (a contradiction is reported, not hidden).
const row = (suites, file, pred) => suites.find((s) => s.file === file)?.rows.find(pred);

export function findings(suites, quick = false) {
  if (quick)
    return [
      '--quick run: the harness was checked end to end; timings are not meaningful and no expectation is judged.',
    ];
  const out = [];
  const fenced = row(suites, 'core-devres.bench.mjs', (r) => r.name.startsWith('fenced handle'));
  if (fenced) {
    const ok = fenced.ratio <= 1.1;
    out.push(
      `MMIO readl through the fenced handle costs ${fenced.ratio.toFixed(3)}× raw (±${fenced.ratioSpreadPct.toFixed(1)}%): ${ok ? 'within the 10% the design expects' : 'CONTRADICTS the expectation of ≤ 1.10× raw'}.`,
    );
  }
  for (const [needle, what] of [
    ['tryAccess', 'revocable tryAccess() per read'],
    ['guard', 'a revocable guard per batch of 64'],
    ['Devres.access', 'Devres.access(bound)'],
    ['Proxy', 'Proxy.revocable'],
  ]) {
    const r = row(suites, 'core-devres.bench.mjs', (x) => x.name.includes(needle));
    if (r && fenced)
      out.push(`${what}: ${r.ratio.toFixed(2)}× raw, ${(r.ratio / fenced.ratio).toFixed(2)}× the fenced handle.`);
  }
  out.push(...hotPathFindings(suites), ...teardownFindings(suites));
  const threads = suites.find((s) => s.file === 'threads.bench.mjs');
  if (threads) {
    for (const r of threads.rows.filter((x) => !x.baseline))
      out.push(`Threads: ${r.name} costs ${r.ratio.toFixed(2)}× the fenced plain read.`);
  }
  const rt = suites.find((s) => s.file === 'runtime.bench.mjs');
  if (rt?.extra) {
    const per = rt.extra.map((c) => c.nsPerLog2n);
    const flat = Math.max(...per) / Math.min(...per) < 1.5;
    out.push(
      `Timer queue worst-case arm+cancel per log2(n): ${per.map((x) => x.toFixed(2)).join(', ')} ns at n = ${rt.extra.map((c) => c.n.toExponential(0)).join(', ')}: ${flat ? 'flat, so O(log n)' : 'NOT flat — worse than O(log n) or noisy'}.`,
    );
  }
  for (const s of suites) {
    for (const r of s.rows) {
      if (r.procSpreadPct > 25)
        out.push(
          `Noisy: "${r.name}" (${s.file}) varied ${r.procSpreadPct.toFixed(0)}% across processes; treat it with care.`,
        );
    }
  }
  return out;
}

/** The per-hot-path suites (disciplines-*.bench.mjs) and what each is expected to show. */
const HOT_PATHS = [
  ['disciplines-mmio-read.bench.mjs', 'MMIO readl on an edu BAR', 1.1],
  ['disciplines-mmio-write.bench.mjs', 'MMIO writel on an edu BAR', null],
  ['disciplines-hrtimer.bench.mjs', 'hrtimer expiry reading a register', null],
  ['disciplines-workqueue.bench.mjs', 'work item reading a register', null],
  ['disciplines-ioctl.bench.mjs', 'ioctl round trip reading a register', null],
];

const fmt = (r) => `${r.ratio.toFixed(2)}× (±${r.ratioSpreadPct.toFixed(0)}%)`;

/**
 * Per hot path: the fenced handle against raw, and each revocable form
 * against the fenced handle (ratio of the two same-run ratios, spreads added
 * in quadrature). A figure that contradicts the expectation is said so.
 */
function hotPathFindings(suites) {
  const out = [];
  for (const [file, what, bound] of HOT_PATHS) {
    const s = suites.find((x) => x.file === file);
    if (!s) continue;
    const fenced = s.rows.find((r) => r.name.startsWith('fenced'));
    if (!fenced) continue;
    const within = fenced.ratio <= 1.1;
    let verdict = within ? 'within 10% of raw' : `${((fenced.ratio - 1) * 100).toFixed(0)}% above raw`;
    if (bound !== null)
      verdict += within
        ? ', as the design expects'
        : ' — this CONTRADICTS the expectation that the fenced handle costs ≤ 1.10× raw';
    else if (!within && fenced.ratio - 1 > fenced.ratioSpreadPct / 100)
      verdict += ' (beyond the spread: the fenced path is not free here)';
    else if (!within) verdict += ' (inside the spread, so not distinguishable from raw)';
    const rev = s.rows
      .filter((r) => r !== fenced && !r.baseline)
      .map((r) => {
        const rel = r.ratio / fenced.ratio;
        const sp = Math.hypot(r.ratioSpreadPct, fenced.ratioSpreadPct);
        return `${r.name} ${rel.toFixed(2)}× fenced (±${sp.toFixed(0)}%)`;
      });
    out.push(`${what}: fenced handle ${fmt(fenced)} raw, ${verdict}. Against the fenced handle: ${rev.join('; ')}.`);
    const slower = s.rows.filter((r) => r !== fenced && !r.baseline && r.ratio < fenced.ratio * 0.95);
    for (const r of slower)
      out.push(
        `${what}: "${r.name}" measured FASTER than the fenced handle (${fmt(r)} raw vs ${fmt(fenced)}); a check cannot make a path faster, so read this as the noise floor of this row${r.ratioSpreadPct > 15 ? ' (its spread is wide)' : ''}.`,
      );
  }
  return out;
}

/** Teardown: how unbind latency grows with N in each discipline, in virtual and wall time. */
function teardownFindings(suites) {
  const s = suites.find((x) => x.file === 'teardown.bench.mjs');
  if (!s) return [];
  const out = [];
  const ms = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(1)} ms` : `${(ns / 1e3).toFixed(1)} µs`);
  for (const kind of ['timers', 'works', 'files']) {
    const rows = s.rows.filter((r) => r.name.includes(`: ${kind} ×`));
    const f = rows.filter((r) => r.name.startsWith('fenced'));
    const v = rows.filter((r) => r.name.startsWith('revocable'));
    const last = (xs) => xs[xs.length - 1];
    if (f.length === 0 || v.length === 0) continue;
    const n = last(f).name.split('×')[1];
    out.push(
      `Teardown with ${n} outstanding ${kind}: fenced unbind ${ms(last(f).nsPerOp)} wall / ${ms(last(f).virtualNs)} virtual; revocable ${ms(last(v).nsPerOp)} wall / ${ms(last(v).virtualNs)} virtual (${(last(v).nsPerOp / last(f).nsPerOp).toFixed(1)}× wall). ` +
        (last(v).virtualNs > last(f).virtualNs
          ? 'Revocable pays a grace period per revoked resource, so its virtual unbind time grows with N; the fenced cancel/drain does not sleep when nothing is running.'
          : 'Revocable did NOT take longer in virtual time here, contrary to the expectation of one grace period per resource.'),
    );
  }
  return out;
}
