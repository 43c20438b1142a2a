// A cost model: what each kernel primitive the census counts costs on one
// platform, in ns, as low / typical / high with its source (docs/benchmarks.md,
// "Cost models"). Kept as JSON data in benchmarks/cost-models/; a user passes
// their own with `--cost-model FILE`.
import { readFileSync } from 'node:fs';
import { CENSUS_OPS } from '@quiesce/core-devres';

/** A malformed cost model: names the file and the offending field. */
export class CostModelError extends Error {
  constructor(file, field, message) {
    super(`cost model ${file}: ${field}: ${message}`);
    this.name = 'CostModelError';
    this.file = file;
    this.field = field;
  }
}

const isNs = (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/**
 * Checks a parsed cost model and returns it. Every op the census counts
 * needs an entry with `low` ≤ `typical` ≤ `high` (ns, finite, ≥ 0) and either
 * a `source` or `estimate: true` with `how` (how the figure was reached).
 * Throws a {@link CostModelError} naming `file` and the field.
 */
export function validateCostModel(model, file) {
  if (model === null || typeof model !== 'object' || Array.isArray(model))
    throw new CostModelError(file, '(top level)', 'must be a JSON object');
  if (typeof model.name !== 'string' || model.name === '')
    throw new CostModelError(file, 'name', 'must be a non-empty string');
  const entries = model.entries;
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries))
    throw new CostModelError(
      file,
      'entries',
      'must be an object mapping each primitive to {low, typical, high, source}',
    );
  for (const key of Object.keys(entries))
    if (!CENSUS_OPS.includes(key))
      throw new CostModelError(
        file,
        `entries.${key}`,
        `is not a primitive the census counts (${CENSUS_OPS.join(', ')})`,
      );
  for (const op of CENSUS_OPS) {
    const e = entries[op];
    const f = `entries.${op}`;
    if (e === undefined) throw new CostModelError(file, f, 'is missing (every counted primitive needs a cost)');
    if (e === null || typeof e !== 'object') throw new CostModelError(file, f, 'must be an object');
    for (const k of ['low', 'typical', 'high'])
      if (!isNs(e[k]))
        throw new CostModelError(file, `${f}.${k}`, `must be a finite number of ns ≥ 0 (got ${JSON.stringify(e[k])})`);
    if (!(e.low <= e.typical && e.typical <= e.high))
      throw new CostModelError(file, f, `needs low ≤ typical ≤ high (got ${e.low}, ${e.typical}, ${e.high})`);
    if (e.estimate === true) {
      if (typeof e.how !== 'string' || e.how === '')
        throw new CostModelError(file, `${f}.how`, 'an estimate must say how it was reached');
    } else if (typeof e.source !== 'string' || e.source === '') {
      throw new CostModelError(
        file,
        `${f}.source`,
        'must name a source (paper, kernel documentation, list post, manual) or mark the entry "estimate": true with "how"',
      );
    }
  }
  return model;
}

/** Reads and validates a cost model file. Throws a {@link CostModelError} on a bad file. */
export function loadCostModel(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CostModelError(file, '(file)', `cannot be read (${e.code ?? e.message})`);
  }
  let model;
  try {
    model = JSON.parse(text);
  } catch (e) {
    throw new CostModelError(file, '(file)', `is not valid JSON (${e.message})`);
  }
  return { file, ...validateCostModel(model, file) };
}
