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
