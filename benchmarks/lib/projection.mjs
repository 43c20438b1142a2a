// Projection (docs/benchmarks.md, "Census and projection"): census × cost
// model = projected kernel ns, per operation and per unbind against the
// number N of outstanding resources.

/** Unbind sizes the report projects to. */
export const PROJECT_N = [1, 100, 10_000, 100_000];

const LEVELS = ['low', 'typical', 'high'];

/** Σ count × cost at each level: {low, typical, high} ns. */
export function projectCounts(counts, model) {
  const out = { low: 0, typical: 0, high: 0 };
  for (const [op, n] of Object.entries(counts)) {
    const e = model.entries[op];
    if (e === undefined) throw new Error(`cost model ${model.file ?? model.name}: no entry for ${op}`);
    for (const l of LEVELS) out[l] += n * e[l];
  }
  return out;
}

/** Only the MMIO accesses of `counts`. */
const mmioOf = (counts) => ({ mmio_read: counts.mmio_read ?? 0, mmio_write: counts.mmio_write ?? 0 });

/**
 * A path's projection: total ns, the MMIO accesses' own ns, and what the
 * discipline adds beyond them as a share of the MMIO access (each level on
 * its own: "low" is a platform where everything costs its low figure).
 */
export function projectPath(counts, model) {
  const total = projectCounts(counts, model);
  const mmio = projectCounts(mmioOf(counts), model);
  const share = {};
  for (const l of LEVELS) share[l] = mmio[l] > 0 ? (total[l] - mmio[l]) / mmio[l] : null;
  return { ns: total, mmioNs: mmio, overheadShareOfMmio: share };
}

/**
 * Unbind counts at any N from the census at two sizes (a, b): every count is
 * fixed + N × perResource, solved exactly from the two points (the census
 * checks linearity at a third size).
 */
export function unbindLine(atA, a, atB, b) {
  const ops = new Set([...Object.keys(atA), ...Object.keys(atB)]);
  const fixed = {};
  const per = {};
  for (const op of ops) {
    const ca = atA[op] ?? 0;
    const cb = atB[op] ?? 0;
    const p = (cb - ca) / (b - a);
    per[op] = p;
    fixed[op] = ca - p * a;
  }
  return { fixed, per };
}

/** Counts of `line` at N (rounded: counts are integers at integer N). */
export function countsAt(line, n) {
  const out = {};
  for (const op of Object.keys(line.per)) {
    const c = Math.round(line.fixed[op] + line.per[op] * n);
    if (c !== 0) out[op] = c;
  }
  return out;
}

/**
 * The report's `projection` for one cost model: per discipline, per path
 * {ns, mmioNs, overheadShareOfMmio}, and the unbind at each N of
 * {@link PROJECT_N} (low/typical/high ns, with the counts it rests on).
 */
export function project(census, model) {
  const out = {};
  for (const [discipline, c] of Object.entries(census.counts)) {
    const paths = {};
    for (const [path, counts] of Object.entries(c.paths)) paths[path] = projectPath(counts, model);
    const unbind = {};
    for (const [kind, line] of Object.entries(c.unbind)) {
      unbind[kind] = PROJECT_N.map((n) => {
        const counts = countsAt(line, n);
        return { n, counts, ns: projectCounts(counts, model) };
      });
    }
    out[discipline] = { paths, unbind };
  }
  return out;
}
