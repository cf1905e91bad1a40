// Mutation testing (`npm run mutate`): StrykerJS changes one thing at a time in the scoped
// folders' code (a `<` becomes `<=`, a `+` a `-`, a branch is dropped …) and runs the unit tests
// beside that code; a change no test notices is a surviving mutant, a gap in the tests.
// Not part of CI (far too slow for two cores); bench/mutation-report.md holds the last scores.
//
//   npm run mutate                                  # every scoped folder, one after the other
//   npm run mutate -- --mutate 'src/stats/**/*.ts'  # one folder (its own unit tests only)
//   node scripts/mutation-report.mjs                # rewrite bench/mutation-report.md
//
// Tests run with node's own test runner through tsx, each test file its own process speaking
// TAP (@stryker-mutator/tap-runner); only the files that reach a mutant run for it. Each folder
// keeps its own incremental file and JSON report under .stryker-tmp/ (git-ignored), so a
// re-run mutates only what changed in the code or its tests since that folder's last run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The folders measured, in report order. */
export const SCOPED = ['src/stats', 'src/sql', 'src/query', 'src/ingest', 'src/alerts', 'src/kpi'];

/** The `--mutate` / `-m` globs given on the command line, if any. */
function mutateArgs(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] ?? '';
    if (a === '--mutate' || a === '-m') out.push(...(argv[i + 1] ?? '').split(','));
    else if (a.startsWith('--mutate=')) out.push(...a.slice('--mutate='.length).split(','));
  }
  return out.map((g) => g.trim()).filter((g) => g !== '' && !g.startsWith('!'));
}

/** The scoped folders some glob reaches (all of them when no glob is given). */
function foldersOf(globs) {
  return globs.length === 0 ? SCOPED : SCOPED.filter((f) => globs.some((g) => g.startsWith(`${f}/`) || g === f));
}

/** The name a run's incremental file and report carry: the one folder it mutates, or `all`. */
export function scopeOf(globs) {
  const folders = foldersOf(globs);
  return folders.length === 1 ? folders[0].replace(/^src\//, '') : 'all';
}

const given = mutateArgs(process.argv.slice(2));
const scope = scopeOf(given);
/**
 * Two runs of one folder at once (say two people each on half its files) each need their own
 * incremental file and report: MUTATE_LANE=b names a second set. Both merge into the folder's
 * committed outcomes as usual.
 */
export const lane = process.env.MUTATE_LANE ? `-${process.env.MUTATE_LANE.replace(/[^a-z0-9]/gi, '')}` : '';
// A glob outside the scoped folders still runs, with every scoped folder's tests.
const testFolders = foldersOf(given).length > 0 ? foldersOf(given) : SCOPED;

/** A folder's unit tests (beside the code; `*.mutants.test.ts` are the ones added for survivors). */
const testFiles = testFolders
  .flatMap((f) => readdirSync(f, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.test.ts')).map((n) => join(f, n)))
  .sort();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles,
    // Each file in its own node, as `npm test` runs it (tsx for the TypeScript), TAP on stdout.
    nodeArgs: ['-r', '{{hookFile}}', '--import', 'tsx', '--test-reporter=tap', '{{testFile}}'],
    forceBail: true,
  },
  mutate: SCOPED.flatMap((f) => [`${f}/**/*.ts`, `!${f}/**/*.test.ts`]),
  coverageAnalysis: 'perTest',
  // Two shared cores, other people's tests beside ours: one test process at a time.
  concurrency: 1,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: `.stryker-tmp/incremental-${scope}${lane}.json`,
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: `.stryker-tmp/reports/mutation-${scope}${lane}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  // The sandbox copy needs the code, its tests and their fixtures, not the caches or builds.
  ignorePatterns: ['dist', 'web/dist', 'bench', 'examples', 'test-artifacts', '.bench-cache', '.services', '.tmp', 'reports', '*.duckdb', '*.duckdb.wal'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 80, low: 70, break: null },
};
