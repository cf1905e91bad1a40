// Reads the TAP report node's test runner writes (`--test-reporter=tap`) and tells what ran:
// the counts node prints at the end, and every skipped or todo test grouped by its reason, so
// a run that skipped the PostgreSQL suite says so instead of looking like a clean pass.
// Pure: text in, data and lines out (scripts/run-tests.mjs does the reading and printing).
//
//   ok 7 - ingest loads typed rows # SKIP postgres is not answering at …
//   ok 8 - PostgreSQL store # SKIP postgres is not answering at …    (a suite: `type: 'suite'`)
//   not ok 9 - widens the interval # TODO needs the exact test
//
// Node lists a skipped suite once, without the tests inside it, and leaves it out of its own
// `# skipped` count; here a skipped suite counts once among the skipped, so it is not hidden.
// So `skipped` and `todo` are counted from the test lines (they add up to the groups shown);
// passed, failed and cancelled are node's own final counts.

/**
 * @typedef {{ reason: string, tests: number, suites: number }} ReasonGroup
 * @typedef {{
 *   passed: number, failed: number, cancelled: number, skipped: number, todo: number,
 *   skips: ReasonGroup[], todos: ReasonGroup[], complete: boolean
 * }} TapSummary
 */

const NO_REASON = '(no reason given)';
// `ok N - name # SKIP reason`; node escapes `#` and `\` inside names and reasons, so the first
// ` # SKIP` / ` # TODO` is the directive.
const TEST_LINE = /^(\s*)(?:not )?ok \d+(?: - (.*?))?(?: # (SKIP|TODO)(?:\s+(.*))?)?$/i;

/** Undoes node's TAP escaping of `\` and `#` (it writes `\#` and `\\`). @param {string} text */
export function tapUnescape(text) {
  return text.replace(/\\([\\#])/g, '$1');
}

/**
 * The last value of a top-level `# key N` line: node ends its report with them, and a test's
 * own output (also written as `# …` comments) may come earlier.
 * @param {string} tap @param {string} key
 */
function lastCount(tap, key) {
  let value;
  for (const m of tap.matchAll(new RegExp(`^# ${key} (\\d+)\\s*$`, 'gm'))) value = Number(m[1]);
  return value;
}

/**
 * @param {Map<string, ReasonGroup>} groups @param {string} reason @param {boolean} suite
 */
function add(groups, reason, suite) {
  const group = groups.get(reason) ?? { reason, tests: 0, suites: 0 };
  if (suite) group.suites += 1;
  else group.tests += 1;
  groups.set(reason, group);
}

/** @param {Map<string, ReasonGroup>} groups */
function total(groups) {
  let n = 0;
  for (const g of groups.values()) n += g.tests + g.suites;
  return n;
}

/** Most frequent first, then by reason. @param {Map<string, ReasonGroup>} groups */
function ordered(groups) {
  return [...groups.values()].sort((a, b) =>
    b.tests + b.suites - (a.tests + a.suites) || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
}

/**
 * Summarises one TAP report from node's test runner.
 * `complete` is false when the final counts are missing (the run died before writing them).
 * @param {string} tap
 * @returns {TapSummary}
 */
export function summarizeTap(tap) {
  const lines = tap.split(/\r?\n/);
  /** @type {Map<string, ReasonGroup>} */
  const skips = new Map();
  /** @type {Map<string, ReasonGroup>} */
  const todos = new Map();
  for (let i = 0; i < lines.length; i += 1) {
    const m = TEST_LINE.exec(lines[i] ?? '');
    if (!m || !m[3]) continue;
    const indent = m[1] ?? '';
    // The YAML block after the line says whether it was a suite (`type: 'suite'`).
    let suite = false;
    if ((lines[i + 1] ?? '').trim() === '---') {
      for (let j = i + 2; j < lines.length; j += 1) {
        const line = lines[j] ?? '';
        if (line.trim() === '...' && line.startsWith(`${indent}  ...`)) break;
        if (line === `${indent}  type: 'suite'`) suite = true;
      }
    }
    const reason = tapUnescape((m[4] ?? '').trim()) || NO_REASON;
    add(m[3].toUpperCase() === 'SKIP' ? skips : todos, reason, suite);
  }
  const passed = lastCount(tap, 'pass');
  const failed = lastCount(tap, 'fail');
  return {
    passed: passed ?? 0,
    failed: failed ?? 0,
    cancelled: lastCount(tap, 'cancelled') ?? 0,
    skipped: total(skips),
    todo: total(todos),
    skips: ordered(skips),
    todos: ordered(todos),
    complete: passed !== undefined && failed !== undefined,
  };
}

/** "3 tests", "1 suite", "2 tests + 1 suite". @param {ReasonGroup} g */
function howMany(g) {
  const parts = [];
  if (g.tests > 0) parts.push(`${g.tests} test${g.tests === 1 ? '' : 's'}`);
  if (g.suites > 0) parts.push(`${g.suites} suite${g.suites === 1 ? '' : 's'}`);
  return parts.join(' + ');
}

/**
 * The lines to print: each skip and todo reason with its count, then the one line CI reads,
 * `tests: N passed, M failed` followed by `, K skipped` / `, T todo` / `, C cancelled` when
 * there are any. `failed` is the caller's number (it may add a failure node did not count).
 * @param {TapSummary} summary
 * @param {{ failed?: number, maxReasons?: number }} [options]
 * @returns {string[]}
 */
export function formatTapSummary(summary, options = {}) {
  const failed = options.failed ?? summary.failed;
  const max = options.maxReasons ?? 20;
  const out = [];
  /** @param {string} label @param {ReasonGroup[]} groups */
  const list = (label, groups) => {
    for (const g of groups.slice(0, max)) out.push(`${label} ${howMany(g)}: ${g.reason}`);
    if (groups.length > max) out.push(`${label}: … and ${groups.length - max} more reasons`);
  };
  list('skipped', summary.skips);
  list('todo', summary.todos);
  let line = `tests: ${summary.passed} passed, ${failed} failed`;
  if (summary.skipped > 0) line += `, ${summary.skipped} skipped`;
  if (summary.todo > 0) line += `, ${summary.todo} todo`;
  if (summary.cancelled > 0) line += `, ${summary.cancelled} cancelled`;
  out.push(line);
  return out;
}

/**
 * The `count` slowest top-level tests and suites (a file's `describe`, or a test outside one),
 * slowest first: where a run's time goes, printed above the summary so CI time can be watched
 * (the whole run has 20 minutes; two files run at once).
 * @param {string} tap @param {number} count
 * @returns {{ name: string, seconds: number }[]}
 */
export function slowestTests(tap, count) {
  const lines = tap.split(/\r?\n/);
  const found = [];
  for (let i = 0; i < lines.length; i += 1) {
    const m = TEST_LINE.exec(lines[i] ?? '');
    if (!m || m[1] !== '' || (lines[i + 1] ?? '') !== '  ---') continue;
    for (let j = i + 2; j < lines.length && lines[j] !== '  ...'; j += 1) {
      const d = /^ {2}duration_ms: ([\d.]+)$/.exec(lines[j] ?? '');
      if (d) found.push({ name: tapUnescape(m[2] ?? ''), seconds: Number(d[1]) / 1000 });
    }
  }
  return found.sort((a, b) => b.seconds - a.seconds).slice(0, count);
}
