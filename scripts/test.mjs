#!/usr/bin/env node
// `npm test`: type-check every workspace, lint, check formatting, run every vitest project against real services
// (started by @waflow/testkit), then print one plain closing line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const results = '.test-results/vitest.json';
rmSync(results, { force: true });

function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  return r.status ?? 1;
}

const typecheck = run('npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']);
if (typecheck !== 0) {
  console.error('\nType-check failed: fix the errors above before the tests run.');
  console.log('0 passed, 1 failed');
  process.exit(typecheck);
}

const lint = run('npx', ['eslint', '.']);
if (lint !== 0) {
  console.error('\nLint failed: fix the problems above before the tests run.');
  console.log('0 passed, 1 failed');
  process.exit(lint);
}

const format = run('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
if (format !== 0) {
  console.error('\nFormatting differs from .prettierrc in the files above: run `npm run format`.');
  console.log('0 passed, 1 failed');
  process.exit(format);
}

const extra = process.argv.slice(2);
const code = run('npx', ['vitest', 'run', ...extra]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (code !== 0 && !report.numFailedTests ? 1 : 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else if (code !== 0) {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
