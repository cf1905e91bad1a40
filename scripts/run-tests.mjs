#!/usr/bin/env node
// Runs every *.test.ts (unit tests beside their code, suites under test/) with node's own test
// runner, and ends with the line CI reads: `tests: N passed, M failed`, then `, K skipped`
// (and `, T todo`, `, C cancelled`) when there are any. Before it, every skip and todo reason
// with its count (scripts/tap-summary.mjs), so a run without the database servers says so.
// A test file that throws while loading (under CI=true a missing database server or browser
// does: test/engines.ts, test/e2e/harness.ts) is listed there too, with its error's first line.
// `npm test -- src/stats` runs only the files whose path contains one of the given words.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { formatTapSummary, slowestTests, summarizeTap } from './tap-summary.mjs';
import { pruneCache } from './ts-cache.mjs';

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

/**
 * The longest files (minutes each: the slowest list printed at the end of every run) start first,
 * the rest in path order. Started in path order the README's examples (about 270 s) began late and
 * ran on, with the rollups' suites, after the other slot had run out of files.
 */
const LONGEST = ['test/readme.test.ts', 'test/e2e/cli-server-matrix.test.ts', 'test/rollups-moments.test.ts', 'test/rollups-exact.test.ts'];
const rank = (f) => (LONGEST.includes(f) ? LONGEST.indexOf(f) : LONGEST.length);
for (const f of LONGEST) if (!existsSync(join(root, f))) console.error(`scripts/run-tests.mjs: ${f} (listed to start first) is gone: update LONGEST from the slowest list`);
const files = ['src', 'test', 'web/src']
  .flatMap((d) => { try { return find(join(root, d)); } catch { return []; } })
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
if (files.length === 0) {
  console.error(`No test files matched ${filters.join(', ') || '(all)'}.`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

/**
 * The files that failed before any test ran (they threw while loading), with the error's first
 * line: node's TAP report gives such a file one `not ok N - <path>` at `<path>:1:1` whose error is
 * only 'test failed', after the file's stderr as `# ` comments, where the error line is.
 * @param {string} tapText
 * @returns {string[]}
 */
function filesThatDidNotLoad(tapText) {
  const lines = tapText.split(/\r?\n/);
  const out = [];
  let comments = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.startsWith('# ')) { comments.push(line.slice(2)); continue; }
    const m = /^not ok \d+ - (.*)$/.exec(line);
    if (m && lines[i + 1]?.trim() === '---') {
      let atTop = false;
      let noTest = false;
      for (let j = i + 2; j < lines.length && lines[j] !== '  ...'; j += 1) {
        if (/^  location: '.*:1:1'$/.test(lines[j] ?? '')) atTop = true;
        if (lines[j] === "  error: 'test failed'") noTest = true;
      }
      const error = comments.find((c) => /^\w*Error: /.test(c));
      if (atTop && noTest && error) out.push(`${relative(root, m[1] ?? '')}: ${error}`);
    }
    if (/^(?:not )?ok \d+/.test(line)) comments = [];
  }
  return out;
}

// Two test files at a time (UPRATE_TEST_CONCURRENCY=N to change it; each file isolates its tables,
// test/engines.ts, and listens on port 0; the CLI's build takes a lock, test/readme/linked-bin.ts,
// and the dashboard's build is renamed into place whole, test/e2e/harness.ts). Node's default on
// two cores is one: every file then waits for the previous one's start-up (about 1.5 s of loading
// each, 167 files) and for its database and browser round trips. Measured in full CI runs on this
// 2-core machine (when the suite was smaller; a full run now takes 21–27 min with 2): 1,234 s
// with 1, 1,003 s with 2, every test passing in both; 3 at once on a machine already saturated
// by other work timed out 5 tests.
const concurrency = Number(process.env['UPRATE_TEST_CONCURRENCY'] ?? 2);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`UPRATE_TEST_CONCURRENCY must be a whole number ≥ 1, not ${process.env['UPRATE_TEST_CONCURRENCY']}`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

pruneCache();
const reports = mkdtempSync(join(tmpdir(), 'uprate-tests-'));
const tap = join(reports, 'report.tap');
const times = join(reports, 'file-times.txt');
const run = spawnSync(process.execPath, [
  '--import', new URL('./ts-register.mjs', import.meta.url).href,
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  `--test-reporter=${join(root, 'scripts/file-times.mjs')}`, `--test-reporter-destination=${times}`,
  ...files,
], { cwd: root, stdio: 'inherit', env: { ...process.env, UPRATE_LOG_LEVEL: process.env.UPRATE_LOG_LEVEL ?? 'silent' } });

let summary;
let unloaded = [];
let slowest = [];
let slowestFiles = [];
let mostOutside = [];
try {
  // Each file's whole time, the slowest first, beside its tests' (top-level tests and suites,
  // hooks included): the rest is loading and waiting for the file's process to exit. With two
  // files at a time the run takes about half the files' sum.
  const whole = new Map();
  const tests = new Map();
  for (const line of readFileSync(times, 'utf8').split('\n')) {
    const m = /^(file|test) ([\d.]+) (.+)$/.exec(line);
    const into = m?.[1] === 'file' ? whole : tests;
    if (m) into.set(m[3], (into.get(m[3]) ?? 0) + Number(m[2]));
  }
  const sum = (map) => [...map.values()].reduce((a, b) => a + b, 0);
  slowestFiles = [...whole].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([file, seconds]) => ({ file: relative(root, file), seconds, tests: tests.get(file) ?? 0 }));
  const waited = [...whole].map(([file, seconds]) => ({ file: relative(root, file), seconds: seconds - (tests.get(file) ?? 0) })).sort((a, b) => b.seconds - a.seconds);
  mostOutside = waited.slice(0, 8).filter((w) => w.seconds >= 5);
  if (whole.size > 0) slowestFiles.push({ file: `(all ${whole.size} files)`, seconds: sum(whole), tests: sum(tests) });
} catch {
  // no times: the runner died early; the TAP summary below says so
}
try {
  const text = readFileSync(tap, 'utf8');
  summary = summarizeTap(text);
  unloaded = filesThatDidNotLoad(text);
  // Where a long run's time went: the slowest files' suites, when they take a while.
  slowest = slowestTests(text, 12).filter((t) => t.seconds >= 10);
} catch {
  summary = undefined; // no report at all: the runner died before writing it
}
// UPRATE_TEST_TIMES=<file> keeps every file's times (scripts/file-times.mjs's lines) for a closer look.
if (process.env['UPRATE_TEST_TIMES'] && existsSync(times)) copyFileSync(times, process.env['UPRATE_TEST_TIMES']);
rmSync(reports, { recursive: true, force: true });
let failed = summary?.failed ?? 1;
if (summary && !summary.complete && failed === 0) failed = 1;
if (run.status !== 0 && failed === 0) failed = 1;
const empty = { passed: 0, failed, cancelled: 0, skipped: 0, todo: 0, skips: [], todos: [], complete: false };
for (const { name, seconds } of slowest) console.log(`slowest: ${seconds.toFixed(1).padStart(6)} s  ${name.length > 100 ? `${name.slice(0, 100)}…` : name}`);
for (const { file, seconds, tests } of slowestFiles) console.log(`slowest file: ${seconds.toFixed(1).padStart(6)} s (tests ${tests.toFixed(1).padStart(6)} s)  ${file}`);
for (const { file, seconds } of mostOutside) console.log(`outside its tests: ${seconds.toFixed(1).padStart(6)} s  ${file}`);
for (const line of unloaded) console.log(`did not load: ${line}`);
for (const line of formatTapSummary(summary ?? empty, { failed })) console.log(line);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
