#!/usr/bin/env node
// `turbo run build` that prints nothing when it succeeds (the demo's output
// comes first) and everything when it fails.
import { spawnSync } from 'node:child_process';

const r = spawnSync('turbo', ['run', 'build', '--output-logs=errors-only'], { encoding: 'utf8', shell: false });
if (r.error || r.status !== 0) {
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.error) console.error(`quiet-build: ${r.error.message}`);
  process.exit(r.status || 1);
}
