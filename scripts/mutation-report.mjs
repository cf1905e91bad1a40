#!/usr/bin/env node
// Mutation testing, run and reported (`npm run mutate`; see stryker.config.mjs).
//
//   node scripts/mutation-report.mjs run                             # each scoped folder in turn
//   node scripts/mutation-report.mjs run --mutate 'src/stats/**/*.ts' # one folder (or files)
//   node scripts/mutation-report.mjs                                 # only rewrite the report
//
// `run` starts StrykerJS once per folder (so each keeps its incremental file and its own unit
// tests), times it, keeps each mutant's outcome in bench/mutation/<folder>.json (committed: a
// lost .stryker-tmp/ or a run stopped midway never loses a folder's earlier results), then
// writes bench/mutation-report.md from those files (the newest result for each file wins): the score per folder, and every
// mutant that survived (or that no test reaches) as file:line, mutator and replacement. A
// survivor that no test can kill — the mutated code behaves the same — is listed in EQUIVALENT
// below with its reason, and the report shows the score with those set aside as well.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import strykerConfig, { SCOPED, scopeOf, lane } from '../stryker.config.mjs';
import * as statsNotes from './mutation-notes/stats.mjs';
import * as sqlNotes from './mutation-notes/sql.mjs';
import * as queryNotes from './mutation-notes/query.mjs';
import * as ingestNotes from './mutation-notes/ingest.mjs';
import * as alertsNotes from './mutation-notes/alerts.mjs';
import * as kpiNotes from './mutation-notes/kpi.mjs';

const root = new URL('..', import.meta.url).pathname;
/** Stryker's own JSON report of a run (git-ignored, with every file's source in it). */
const strykerReport = (scope) => join(root, '.stryker-tmp', 'reports', `mutation-${scope}${lane}.json`);
/** The committed outcomes, one file per run scope. */
const results = join(root, 'bench', 'mutation');
const out = join(root, 'bench', 'mutation-report.md');

/** The score each folder should reach (per cent). */
const TARGET = { 'src/stats': 80, 'src/sql': 80 };
const DEFAULT_TARGET = 70;

/** Survivors explained as equivalent mutants, one file per folder under scripts/mutation-notes/. */
export const EQUIVALENT = [...statsNotes.EQUIVALENT, ...sqlNotes.EQUIVALENT, ...queryNotes.EQUIVALENT, ...ingestNotes.EQUIVALENT, ...alertsNotes.EQUIVALENT, ...kpiNotes.EQUIVALENT];

/** Survivors a test added since the folder's last run kills, from the same files. */
export const KILLED_SINCE = [...statsNotes.KILLED_SINCE, ...sqlNotes.KILLED_SINCE, ...queryNotes.KILLED_SINCE, ...ingestNotes.KILLED_SINCE, ...alertsNotes.KILLED_SINCE, ...kpiNotes.KILLED_SINCE];

/** The `--mutate` / `-m` globs among Stryker's arguments. @param {string[]} args */
function mutateGlobs(args) {
  const globs = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '--mutate' || a === '-m') globs.push(...(args[i + 1] ?? '').split(','));
    else if (a.startsWith('--mutate=')) globs.push(...a.slice('--mutate='.length).split(','));
  }
  return globs.map((g) => g.trim()).filter((g) => g !== '');
}

/** One Stryker run, timed; its time is kept beside its report. @param {string[]} args */
function stryker(args) {
  const globs = mutateGlobs(args).filter((g) => !g.startsWith('!'));
  const scope = scopeOf(globs);
  // A --mutate on the command line replaces the config's list, test files and all: leave them out again.
  const extra = globs.length > 0 ? ['--mutate', [...mutateGlobs(args), '!**/*.test.ts'].join(',')] : [];
  const rest = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '--mutate' || a === '-m') i += 1;
    else if (!a.startsWith('--mutate=')) rest.push(a);
  }
  const started = Date.now();
  console.log(`mutate: stryker run ${[...rest, ...extra].join(' ')}`);
  const run = spawnSync(join(root, 'node_modules', '.bin', 'stryker'), ['run', ...rest, ...extra], { cwd: root, stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  if (run.status !== 0) return run.status ?? 1;
  // Each mutant's outcome without the sources Stryker's report carries: file → [line, column, mutator, replacement, status].
  const report = JSON.parse(readFileSync(strykerReport(scope), 'utf8'));
  const files = Object.fromEntries(
    Object.entries(report.files).map(([file, result]) => [
      file.replace(root, ''),
      result.mutants.map((m) => [m.location.start.line, m.location.start.column, m.mutatorName, m.replacement ?? '', m.status]),
    ]),
  );
  mkdirSync(results, { recursive: true });
  const saved = join(results, `${scope}.json`);
  // Two lanes of one folder may end together: read, merge and write the folder's file one at a time.
  const lock = `${saved}.lock`;
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 60_000) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    saveOutcomes(saved, files, globs, seconds);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return 0;
}

/** Merge a run's outcomes into the folder's saved file. */
function saveOutcomes(saved, files, globs, seconds) {
  const before = existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : {};
  const merged = mergeEarlier(files, before.files ?? {}, globs);
  const entry = { seconds, finished: new Date().toISOString(), mutate: globs };
  const head = JSON.stringify({ ...entry, runs: [...(before.runs ?? []), entry].slice(-10) }, null, 1).replace(/\n}$/, '');
  // One line per mutant, so a re-run's diff shows the mutants whose outcome changed.
  const body = Object.entries(merged).map(([file, mutants]) => ` ${JSON.stringify(file)}: [\n${mutants.map((m) => `  ${JSON.stringify(m)}`).join(',\n')}\n ]`);
  writeFileSync(saved, `${head},\n "files": {\n${body.join(',\n')}\n }\n}\n`);
}

/** A --mutate glob as a regular expression over paths (a double star and slash: any folders; a star: within one). @param {string} glob */
function globPattern(glob) {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}$`);
}

/**
 * A run's outcomes merged into the folder's saved ones: this run's for the files (or lines,
 * `file.ts:12-30`) it mutated, the saved ones for everything else. Stryker's report also carries
 * files the run did not mutate (from its incremental file, possibly only the lines an earlier
 * ranged run covered): those never replace a saved result. Files no longer on disk are dropped.
 * @param {Record<string, [number, number, string, string, string][]>} files this run's report
 * @param {Record<string, [number, number, string, string, string][]>} earlier
 * @param {string[]} globs
 */
function mergeEarlier(files, earlier, globs) {
  /** @type {Map<string, [number, number][]>} */
  const ranges = new Map();
  /** @type {RegExp[]} */
  const whole = [];
  for (const g of globs) {
    const m = /^(.+\.ts):(\d+)(?::\d+)?-(\d+)(?::\d+)?$/.exec(g);
    if (m) ranges.set(m[1], [...(ranges.get(m[1]) ?? []), [Number(m[2]), Number(m[3])]]);
    else whole.push(globPattern(g));
  }
  /** @type {(file: string, line: number) => boolean} */
  const inRange = (file, line) => (ranges.get(file) ?? []).some(([a, b]) => line >= a && line <= b);
  /** @type {Record<string, [number, number, string, string, string][]>} */
  const merged = {};
  for (const file of [...new Set([...Object.keys(earlier), ...Object.keys(files)])].sort()) {
    if (!existsSync(join(root, file))) continue;
    const now = files[file];
    const before = earlier[file];
    if (whole.some((r) => r.test(file))) {
      if (now) merged[file] = now;
    } else if (ranges.has(file)) {
      // Stryker mutates only what lies wholly inside a range: a mutant starting in it and ending
      // after it (an object literal, a block) is not run, so its saved result stays unless this
      // run reports on its line.
      const fresh = (now ?? []).filter(([line]) => inRange(file, line));
      const rerun = new Set(fresh.map(([line]) => line));
      merged[file] = [...(before ?? []).filter(([line]) => !inRange(file, line) || !rerun.has(line)), ...fresh].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    } else {
      const kept = before ?? now;
      if (kept) merged[file] = kept;
    }
  }
  return merged;
}

/**
 * @typedef {{ id: string, mutatorName: string, replacement?: string, status: string,
 *   location: { start: { line: number, column: number } } }} Mutant
 * @typedef {{ source: string, mutants: Mutant[] }} FileResult
 */

/** Every file's newest result, and each run's time (from bench/mutation/*.json). */
function readReports() {
  /** @type {Map<string, FileResult>} */
  const files = new Map();
  /** @type {Map<string, { seconds: number, finished: string, mutate: string[], runs?: { seconds: number }[] }>} */
  const runs = new Map();
  if (!existsSync(results)) return { files, runs };
  const saved = readdirSync(results)
    .filter((n) => n.endsWith('.json'))
    .map((name) => ({ scope: name.replace(/\.json$/, ''), run: JSON.parse(readFileSync(join(results, name), 'utf8')) }))
    .sort((a, b) => (a.run.finished < b.run.finished ? -1 : 1));
  for (const { scope, run } of saved) {
    for (const [file, mutants] of Object.entries(run.files)) {
      files.set(file, {
        source: '',
        mutants: mutants.map(([line, column, mutatorName, replacement, status], i) => ({ id: String(i), mutatorName, replacement, status, location: { start: { line, column } } })),
      });
    }
    runs.set(scope, run);
  }
  return { files, runs };
}

/** @param {string} file @param {Mutant} m */
function equivalence(file, m) {
  return EQUIVALENT.find((e) => e.file === file && e.line === m.location.start.line && e.mutator === m.mutatorName && e.replacement === (m.replacement ?? ''));
}

/** One line, table-safe, cut to `max` characters. @param {string} text @param {number} [max] */
function cell(text, max = Infinity) {
  const one = text.replace(/\s+/g, ' ').trim();
  const short = one.length > max ? `${one.slice(0, max - 3)}…` : one;
  return short.replace(/\|/g, '\\|');
}

/** @param {number} part @param {number} whole */
const pct = (part, whole) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

/** @param {number} seconds */
function duration(seconds) {
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

/**
 * A folder's lines in the report as it stands (its score row, its survivors, its files measured):
 * kept for a folder with no saved results here, so results measured before bench/mutation/
 * existed, or on another machine, are not replaced by "not run yet".
 * @param {string} folder
 */
function earlierLines(folder) {
  if (!existsSync(out)) return { row: undefined, survivors: [], measured: undefined };
  const lines = readFileSync(out, 'utf8').split('\n');
  return {
    row: lines.find((l) => l.startsWith(`| ${folder} | `) && !/\| not run yet \|/.test(l)),
    survivors: lines.filter((l) => l.startsWith(`| ${folder}/`)),
    measured: lines.find((l) => l.startsWith(`- ${folder}: `)),
  };
}

/** Stryker's instrumenter, silent: only asked how many mutants a file has. */
const quiet = Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].flatMap((l) => [[l, () => {}], [`is${l[0].toUpperCase()}${l.slice(1)}Enabled`, () => false]]));

/**
 * The scoped source files no run has results for that Stryker finds nothing to mutate in (types
 * and re-exports only): its own instrumenter, with the config's mutator options, makes no mutant
 * of them, so a run would have nothing to report. They count as measured, "(no mutants)".
 * @param {string[]} paths repository-relative
 */
async function withoutMutants(paths) {
  const instrumenter = new Instrumenter(/** @type {any} */ (quiet));
  /** @type {Set<string>} */
  const none = new Set();
  for (const path of paths) {
    try {
      const { mutants } = await instrumenter.instrument([{ name: path, content: readFileSync(join(root, path), 'utf8'), mutate: true }], {
        plugins: null,
        excludedMutations: [],
        ...(strykerConfig.mutator ?? {}),
        ignorers: [],
        noHeader: false,
      });
      if (mutants.length === 0) none.add(path);
    } catch {
      // A file the instrumenter cannot parse is not known to be free of mutants: not measured.
    }
  }
  return none;
}

async function writeReport() {
  const { files, runs } = readReports();
  /** A folder's source files (not tests), repository-relative. @param {string} folder */
  const sourcesOf = (folder) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).map((n) => join(folder, n))
      : [];
  // Files with saved outcomes but no mutants in them, and unmeasured files Stryker finds none in.
  const noMutants = new Set([...files.entries()].filter(([, r]) => r.mutants.length === 0).map(([f]) => f));
  for (const f of await withoutMutants(SCOPED.flatMap(sourcesOf).filter((f) => !files.has(f)))) noMutants.add(f);
  /** @type {string[]} */
  const keptMeasured = [];
  const lines = [
    '# Mutation testing',
    '',
    'Written by `node scripts/mutation-report.mjs` from StrykerJS runs (`npm run mutate`, see',
    '`stryker.config.mjs`): each scoped folder\'s code mutated one change at a time and tested with',
    'the unit tests beside it (node\'s test runner through tsx, @stryker-mutator/tap-runner, one test',
    'process at a time). Score = (killed + timed out) / (killed + timed out + survived + no coverage).',
    '"Without equivalents" sets aside the survivors listed as equivalent below (the mutated code',
    'behaves the same for every input, so no test can kill them).',
    '',
    '| folder | files measured | mutants | killed | timed out | survived | no coverage | equivalent | score | without equivalents | target | run time |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  /** @type {string[]} */
  const survivors = [];
  for (const folder of SCOPED) {
    const inFolder = [...files.entries()].filter(([f]) => f.startsWith(`${folder}/`)).sort(([a], [b]) => (a < b ? -1 : 1));
    const sources = sourcesOf(folder).length;
    const empty = [...noMutants].filter((f) => f.startsWith(`${folder}/`) && !files.has(f)).length;
    const target = TARGET[folder] ?? DEFAULT_TARGET;
    const run = runs.get(folder.replace(/^src\//, ''));
    if (inFolder.length === 0) {
      const earlier = earlierLines(folder);
      if (earlier.row) {
        lines.push(earlier.row);
        survivors.push(...earlier.survivors);
        if (earlier.measured) keptMeasured.push(earlier.measured);
      } else lines.push(`| ${folder} | 0 of ${sources} | not run yet | | | | | | | | ${target}% | |`);
      continue;
    }
    const n = { all: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0 };
    for (const [file, result] of inFolder) {
      for (const m of [...result.mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
        n.all += 1;
        if (m.status === 'Killed') n.killed += 1;
        else if (m.status === 'Timeout') n.timeout += 1;
        else if (m.status === 'Survived' || m.status === 'NoCoverage') {
          if (m.status === 'Survived') n.survived += 1;
          else n.noCoverage += 1;
          const eq = equivalence(file, m);
          if (eq) n.equivalent += 1;
          const killed = KILLED_SINCE.find((k) => k.file === file && k.line === m.location.start.line && k.mutator === m.mutatorName && k.replacement === (m.replacement ?? ''));
          const note = eq ? `equivalent: ${cell(eq.reason)}` : killed ? `killed since by ${cell(killed.test)}` : '';
          survivors.push(`| ${file}:${m.location.start.line} | ${m.mutatorName} | <code>${cell(m.replacement ?? '', 70).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code> | ${m.status === 'Survived' ? 'survived' : 'no coverage'} | ${note} |`);
        }
      }
    }
    const detected = n.killed + n.timeout;
    const valid = detected + n.survived + n.noCoverage;
    const longest = run ? Math.max(run.seconds, ...(run.runs ?? []).map((r) => r.seconds)) : 0;
    const time = run ? `last ${duration(run.seconds)}${longest > run.seconds ? `, longest ${duration(longest)}` : ''} (${run.finished.slice(0, 10)})` : '';
    lines.push(`| ${folder} | ${inFolder.length + empty} of ${sources} | ${n.all} | ${n.killed} | ${n.timeout} | ${n.survived} | ${n.noCoverage} | ${n.equivalent} | ${pct(detected, valid)} | ${pct(detected, valid - n.equivalent)} | ${target}% | ${time} |`);
  }
  const measured = SCOPED.map((folder) => [folder, [...new Set([...files.keys(), ...noMutants])].filter((f) => f.startsWith(`${folder}/`)).sort()]).filter(([, list]) => list.length > 0);
  if (measured.length > 0 || keptMeasured.length > 0) {
    lines.push('', 'Files measured (a folder measured on part of its files is a sample: the rest were not run; "(no mutants)": types and re-exports only, in which Stryker\'s instrumenter makes no mutant):');
    const listed = new Map(keptMeasured.map((l) => [l.slice(2, l.indexOf(':')), l]));
    for (const [folder, list] of measured) listed.set(String(folder), `- ${folder}: ${list.map((f) => `${f.slice(folder.length + 1)}${noMutants.has(f) ? ' (no mutants)' : ''}`).join(', ')}`);
    for (const folder of SCOPED) if (listed.has(folder)) lines.push(String(listed.get(folder)));
  }
  lines.push('', 'Run time: the last run of that folder, and the longest of its recent runs (a first run; an incremental run reuses the results of unchanged code and tests).');
  lines.push('', '## Surviving mutants', '');
  if (survivors.length === 0) lines.push('None.');
  else lines.push('| where | mutator | replacement | status | note |', '|---|---|---|---|---|', ...survivors);
  const added = SCOPED.flatMap((folder) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.mutants.test.ts')).map((n) => join(folder, n))
      : []).sort();
  lines.push('', '## Tests added for survivors', '');
  if (added.length === 0) lines.push('None yet.');
  for (const file of added) {
    const tests = readFileSync(join(root, file), 'utf8').match(/^\s*test\(/gm)?.length ?? 0;
    lines.push(`- ${file} (${tests} test${tests === 1 ? '' : 's'})`);
  }
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(`mutate: wrote ${out.replace(root, '')}`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'run') {
  let status = 0;
  if (mutateGlobs(args).length > 0) status = stryker(args);
  else for (const folder of SCOPED) status = stryker([...args, '--mutate', `${folder}/**/*.ts`]) || status;
  await writeReport();
  process.exit(status);
} else if (mode === undefined) {
  await writeReport();
} else {
  console.error('usage: node scripts/mutation-report.mjs [run [stryker options]]');
  process.exit(2);
}
