#!/usr/bin/env node
// Usage: node scripts/test-summary.mjs <vitest.json> <vitest exit code>
// Prints exactly one plain line `N passed, N failed` from vitest's JSON report
// and exits non-zero if anything failed or vitest itself exited non-zero.
//   passed = numPassedTests
//   failed = numFailedTests + test files that failed without a failed test
//            (import/collect errors), and at least 1 if vitest exited non-zero.
import { readFileSync } from 'node:fs';

const [file, rcArg = '0'] = process.argv.slice(2);
const rc = Number(rcArg) || 0;

let report = null;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`test-summary: no usable vitest JSON report at ${file}: ${err.message}`);
}

let passed = 0;
let failed = 0;
if (report) {
  passed = report.numPassedTests ?? 0;
  const brokenFiles = (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  for (const r of brokenFiles) {
    console.error(`test-summary: test file failed outside a test: ${r.name}`);
    if (r.message) console.error(`  ${String(r.message).split('\n')[0]}`);
  }
  failed = (report.numFailedTests ?? 0) + brokenFiles.length;
  console.error(
    `test-summary: ${report.numTotalTests ?? 0} tests in ${report.numTotalTestSuites ?? 0} suites` +
      `, ${report.numPendingTests ?? 0} skipped, ${report.numTodoTests ?? 0} todo; vitest exit ${rc}`,
  );
}
if (rc !== 0 && failed === 0) {
  console.error(`test-summary: vitest exited ${rc} with no failed test recorded; counting it as 1 failure`);
  failed = 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || rc !== 0 ? 1 : 0;
