#!/usr/bin/env node
// Runs every *.test.ts (unit tests beside their code, suites under test/) with node's own test
// runner, and ends with the line CI reads: `tests: N passed, M failed`.
// `npm test -- src/stats` runs only the files whose path contains one of the given words.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = ['src', 'test', 'web/src']
  .flatMap((d) => { try { return find(join(root, d)); } catch { return []; } })
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`No test files matched ${filters.join(', ') || '(all)'}.`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

const tap = join(mkdtempSync(join(tmpdir(), 'uprate-tests-')), 'report.tap');
const run = spawnSync(process.execPath, [
  '--import', 'tsx',
  '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
], { cwd: root, stdio: 'inherit', env: { ...process.env, UPRATE_LOG_LEVEL: process.env.UPRATE_LOG_LEVEL ?? 'silent' } });

let passed = 0;
let failed = 0;
try {
  const report = readFileSync(tap, 'utf8');
  passed = Number(/^# pass (\d+)/m.exec(report)?.[1] ?? 0);
  failed = Number(/^# fail (\d+)/m.exec(report)?.[1] ?? 0);
} catch {
  failed = 1;
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
