/**
 * scripts/tap-summary.mjs: the end of `npm test` — node's TAP report read back into counts and
 * skip/todo reasons, and the `tests: N passed, M failed[, K skipped]` line CI greps.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatTapSummary, slowestTests, summarizeTap, tapUnescape } from '../scripts/tap-summary.mjs';

// What node 20's tap reporter writes, trimmed: a skipped suite (listed once, its tests not at
// all), skips with a shared reason, a bare skip, escaped `#` and `\`, a nested skip inside a
// suite that ran, todo tests (one failing, which node does not count as a failure), a test whose
// name merely contains "# SKIP", and a test's own output that looks like a count.
const SAMPLE = String.raw`TAP version 13
# Subtest: PostgreSQL store
ok 1 - PostgreSQL store # SKIP postgres is not answering at postgres://127.0.0.1:5432/uprate (connect ECONNREFUSED); start it with scripts/services/postgres.sh start
  ---
  duration_ms: 0.4
  type: 'suite'
  ...
# Subtest: cross-engine: postgres agrees with duckdb
ok 2 - cross-engine: postgres agrees with duckdb # SKIP postgres is not answering at postgres://127.0.0.1:5432/uprate (connect ECONNREFUSED); start it with scripts/services/postgres.sh start
  ---
  duration_ms: 0.1
  ...
# Subtest: cross-engine: clickhouse agrees with duckdb
ok 3 - cross-engine: clickhouse agrees with duckdb # SKIP clickhouse is not answering at http://127.0.0.1:8123
  ---
  duration_ms: 0.1
  ...
# pass 999
# Subtest: a name with \# SKIP inside it
ok 4 - a name with \# SKIP inside it
  ---
  duration_ms: 2.5
  ...
# Subtest: bare
ok 5 - bare # SKIP
  ---
  duration_ms: 0.1
  ...
# Subtest: dashboard
    # Subtest: draws every chart
    ok 1 - draws every chart # SKIP no browser \# see scripts/ci-browser.sh \\ as root
      ---
      duration_ms: 0.2
      ...
    # Subtest: renders offline
    ok 2 - renders offline
      ---
      duration_ms: 12.0
      ...
    # Subtest: exact interval
    not ok 3 - exact interval # TODO needs the mid-p test
      ---
      duration_ms: 1.0
      failureType: 'testCodeFailure'
      error: 'not yet'
      ...
    1..3
ok 6 - dashboard
  ---
  duration_ms: 14.0
  type: 'suite'
  ...
# Subtest: postgres again
ok 7 - postgres again # SKIP postgres is not answering at postgres://127.0.0.1:5432/uprate (connect ECONNREFUSED); start it with scripts/services/postgres.sh start
  ---
  duration_ms: 0.1
  ...
# Subtest: later
ok 8 - later # todo
  ---
  duration_ms: 0.1
  ...
# Subtest: fails
not ok 9 - fails
  ---
  duration_ms: 0.3
  failureType: 'testCodeFailure'
  error: 'boom'
  ...
1..9
# tests 10
# suites 2
# pass 3
# fail 1
# cancelled 0
# skipped 5
# todo 2
# duration_ms 120.5
`;

const PG = 'postgres is not answering at postgres://127.0.0.1:5432/uprate (connect ECONNREFUSED); start it with scripts/services/postgres.sh start';

test('counts come from the final lines; skips and todos are grouped by reason, most frequent first', () => {
  const s = summarizeTap(SAMPLE);
  assert.equal(s.passed, 3); // not the "# pass 999" a test printed
  assert.equal(s.failed, 1);
  assert.equal(s.cancelled, 0);
  assert.equal(s.complete, true);
  assert.deepEqual(s.skips, [
    { reason: PG, tests: 2, suites: 1 },
    { reason: '(no reason given)', tests: 1, suites: 0 },
    { reason: 'clickhouse is not answering at http://127.0.0.1:8123', tests: 1, suites: 0 },
    { reason: 'no browser # see scripts/ci-browser.sh \\ as root', tests: 1, suites: 0 },
  ]);
  assert.equal(s.skipped, 6); // 5 tests + the PostgreSQL suite, which node leaves out
  assert.deepEqual(s.todos, [
    { reason: '(no reason given)', tests: 1, suites: 0 },
    { reason: 'needs the mid-p test', tests: 1, suites: 0 },
  ]);
  assert.equal(s.todo, 2);
});

test('the slowest top-level tests and suites, slowest first; nested tests and a test\'s own output are not among them', () => {
  assert.deepEqual(slowestTests(SAMPLE, 3), [
    { name: 'dashboard', seconds: 0.014 },
    { name: 'a name with # SKIP inside it', seconds: 0.0025 },
    { name: 'PostgreSQL store', seconds: 0.0004 },
  ]);
  assert.equal(slowestTests(SAMPLE, 100).length, 9);
  assert.deepEqual(slowestTests('', 5), []);
});

test('the printed lines: reasons first, then the line CI greps, with skipped and todo', () => {
  const lines = formatTapSummary(summarizeTap(SAMPLE));
  assert.deepEqual(lines, [
    `skipped 2 tests + 1 suite: ${PG}`,
    'skipped 1 test: (no reason given)',
    'skipped 1 test: clickhouse is not answering at http://127.0.0.1:8123',
    'skipped 1 test: no browser # see scripts/ci-browser.sh \\ as root',
    'todo 1 test: (no reason given)',
    'todo 1 test: needs the mid-p test',
    'tests: 3 passed, 1 failed, 6 skipped, 2 todo',
  ]);
  // .ci/run keeps the last line matching this, as it always has.
  assert.match(lines.at(-1) ?? '', /^tests: [0-9]+ passed, [0-9]+ failed/);
});

test('a clean run prints only the summary line, with no ", 0 skipped"', () => {
  const tap = 'TAP version 13\nok 1 - a\n  ---\n  duration_ms: 1\n  ...\n1..1\n# tests 1\n# pass 1\n# fail 0\n# cancelled 0\n# skipped 0\n# todo 0\n';
  assert.deepEqual(formatTapSummary(summarizeTap(tap)), ['tests: 1 passed, 0 failed']);
});

test('the caller may raise the failure count; cancelled tests are shown; a cut-off report is incomplete', () => {
  const cut = summarizeTap('TAP version 13\nok 1 - a\n');
  assert.equal(cut.complete, false);
  assert.deepEqual(formatTapSummary(cut, { failed: 1 }), ['tests: 0 passed, 1 failed']);
  const cancelled = summarizeTap('# pass 4\n# fail 0\n# cancelled 2\n');
  assert.deepEqual(formatTapSummary(cancelled, { failed: 1 }), ['tests: 4 passed, 1 failed, 2 cancelled']);
});

test('many distinct reasons are cut at maxReasons, saying how many more', () => {
  const tap = [1, 2, 3].map((n) => `ok ${n} - t${n} # SKIP reason ${n}`).join('\n');
  assert.deepEqual(formatTapSummary(summarizeTap(tap), { maxReasons: 2 }).slice(0, 3), [
    'skipped 1 test: reason 1',
    'skipped 1 test: reason 2',
    'skipped: … and 1 more reasons',
  ]);
});

test('tapUnescape undoes node\'s escaping of # and backslash only', () => {
  assert.equal(tapUnescape(String.raw`a \# b \\ c \n d`), String.raw`a # b \ c \n d`);
});

test('the running node\'s own tap reporter reads back the same way', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-tap-'));
  try {
    const file = join(dir, 'sample.test.mjs');
    writeFileSync(file, [
      "import { describe, it, test } from 'node:test';",
      "test('runs', () => {});",
      "test('off', { skip: 'server down # really' }, () => {});",
      "test('off too', { skip: 'server down # really' }, () => {});",
      "test('later', { todo: 'one day' }, () => {});",
      "describe('suite off', { skip: 'no browser' }, () => { it('inner', () => {}); });",
      "describe('suite on', () => { it('inner off', (t) => { t.skip('late skip'); }); });",
    ].join('\n'));
    const report = join(dir, 'report.tap');
    // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', `--test-reporter-destination=${report}`, file], { encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stderr);
    const s = summarizeTap(readFileSync(report, 'utf8'));
    assert.deepEqual({ passed: s.passed, failed: s.failed, skipped: s.skipped, todo: s.todo }, { passed: 1, failed: 0, skipped: 4, todo: 1 });
    assert.deepEqual(s.skips, [
      { reason: 'server down # really', tests: 2, suites: 0 },
      { reason: 'late skip', tests: 1, suites: 0 },
      { reason: 'no browser', tests: 0, suites: 1 },
    ]);
    assert.deepEqual(s.todos, [{ reason: 'one day', tests: 1, suites: 0 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("scripts/file-times.mjs: each file's whole time once, and each top-level test's or suite's, hooks included", () => {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-times-'));
  try {
    const slow = join(dir, 'slow.test.mjs');
    const quick = join(dir, 'quick.test.mjs');
    // A pause of at least `ms` by the clock the runner times with: a timer alone may fire early by
    // that clock (libuv counts from the loop's cached time, which lags on a busy machine: 388 ms
    // measured for 300 + 100 in one CI run).
    const pause = (ms: number) => `await pause(${ms})`;
    writeFileSync(slow, [
      "import { after, before, describe, it, test } from 'node:test';",
      'async function pause(ms) { const end = performance.now() + ms; while (performance.now() < end) await new Promise((r) => setTimeout(r, Math.max(1, end - performance.now()))); }',
      `before(async () => { ${pause(300)}; });`,
      `test('first', async () => { ${pause(100)}; });`,
      `describe('suite', () => { it('a', async () => { ${pause(100)}; }); it('b', async () => { ${pause(100)}; }); });`,
      // Kept alive 400 ms after its tests: counted in the file's time only.
      'after(() => { const end = performance.now() + 400; (function wait() { if (performance.now() < end) setTimeout(wait, Math.max(1, end - performance.now())); })(); });',
    ].join('\n'));
    writeFileSync(quick, "import { test } from 'node:test';\ntest('quick', () => {});\n");
    const times = join(dir, 'times.txt');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
    const reporter = new URL('../scripts/file-times.mjs', import.meta.url).pathname;
    const run = spawnSync(process.execPath, ['--test', `--test-reporter=${reporter}`, `--test-reporter-destination=${times}`, slow, quick], { encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(times, 'utf8').trim().split('\n').map((l) => /^(file|test) ([\d.]+) (.+)$/.exec(l));
    assert.ok(lines.every(Boolean), readFileSync(times, 'utf8'));
    const of = (kind: string, file: string) => lines.filter((m) => m?.[1] === kind && m[3] === file).map((m) => Number(m?.[2]));
    // Two top-level entries in the slow file (the test, with the file's before hook, and the suite), one file line each.
    const [first = 0, suite = 0] = of('test', slow);
    assert.equal(of('test', slow).length, 2);
    assert.ok(first >= 0.39 && suite >= 0.19, `first ${first} s (its 100 ms and the hook's 300 ms), the suite ${suite} s`);
    assert.equal(of('file', slow).length, 1);
    assert.ok((of('file', slow)[0] ?? 0) >= first + suite + 0.3, `the file ${of('file', slow)[0]} s waits for its timer`);
    assert.deepEqual([of('test', quick).length, of('file', quick).length], [1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
