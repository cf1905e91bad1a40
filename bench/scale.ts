/**
 * `BENCH_ONLY=scale npm run bench` (issue 14, "Interactive at 100 M offers"): the dashboard and its
 * API at 10 M and 100 M offers, every figure beside the raw-scan figure of the same run —
 * rollups on against `UPRATE_ROLLUPS=off` in fresh server processes, interleaved.
 *
 * Per scale, on DuckDB (.bench-cache/scale-*.duckdb):
 *   1. the data: up to BENCH_SCALE_CSV_MAX offers the main bench's cached CSV files through
 *      uprate's ingest, into a store with rollups built (empty) and into one without, interleaved
 *      (the rate with rollup maintenance against without); above it, generated straight into
 *      DuckDB (generateDemo, no CSV);
 *   2. small batches of recent offers (a day's worth, in the last 30 days) ingested without
 *      rollups, then `buildRollups` once (timed), then the same with rollup maintenance — one
 *      right before every cold dashboard load below;
 *   3. the dashboard in Chromium (bench/dashboard-timing.ts): cold after the ingest (fresh
 *      server process and browser), cached (reload), each control change;
 *   4. each API call the page made, asked alone of a fresh server: cold and cached;
 *   5. /load monthly × account size: rollup, rows, hand-written SQL (bench/scale-load.ts).
 * Then, up to BENCH_SCALE_ENGINE_MAX offers, the same dashboard figures on PostgreSQL and the
 * ClickHouse cluster (rollups on and off).
 *
 *   BENCH_ONLY=scale BENCH_SCALE_ROWS=200000 npm run bench                  # a quick look
 *   BENCH_ONLY=scale npm run bench                                          # 10 M and 100 M, all engines
 *   BENCH_ONLY=scale BENCH_SCALE_ROWS=10000000 BENCH_ENGINES=duckdb npm run bench
 *
 * Knobs: BENCH_SCALE_ROWS (comma list; default BENCH_ROWS, else 10000000,100000000),
 * BENCH_ENGINES (duckdb,postgres,clickhouse), BENCH_SCALE_RUNS (DuckDB: default 3, 1 above 10 M),
 * BENCH_SCALE_ENGINE_RUNS (PostgreSQL, ClickHouse: default 1),
 * BENCH_SCALE_BATCH (offers per batch; default a day's worth, rows / 730), BENCH_SCALE_CSV_MAX and
 * BENCH_SCALE_ENGINE_MAX (10000000), BENCH_SCALE_MINUTES (time budget, default 240: a scale whose
 * estimate does not fit is skipped), BENCH_SCALE_QUERY_TIMEOUT_MS (the served statement timeout,
 * default 30 min), BENCH_SCALE_KEEP=1 (keep the stores), BENCH_SCALE_RAW=off (the server engines'
 * dashboard with rollups only: from the rows a page takes many minutes there at 10 M),
 * BENCH_SCALE_FILTER (the filter the last control adds, member=value; default
 * Customers.accountSize=enterprise: any dimension the page's filter lists, e.g. Customers.region=emea),
 * BENCH_POSTGRES_URL / BENCH_CLICKHOUSE_URL.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemo } from '../src/demo/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { buildRollups, type BuiltRollup } from '../src/rollups/index.js';
import { refillClickHouseOpenWindows, type ClickHouseRollupTarget } from '../src/engines/clickhouse/clickhouse-rollups.js';
import { refillOpenWindows } from '../src/rollups/open-window.js';
import { inTransaction } from '../src/rollups/transaction.js';
import { DuckDbStore, openStore, type Store } from '../src/store/index.js';
import { browserMissing, buildDashboard } from '../test/e2e/harness.js';
import { apiPaths, DEFAULT_FILTER, parseDashboardFilter, timeDashboard, type DashboardTiming } from './dashboard-timing.js';
import { median, timeIt } from './measure.js';
import { CACHE, CLOCK, DATA_END, dbBytes, ensureDemoCsv, expectedBytes, freeBytes, freshDbPath, gib, removeDb, writeBatches, type DemoCsv } from './scale-data.js';
import { timeEndpoints, type EndpointTiming } from './scale-endpoints.js';
import { benchStoreUrl, dropPlace, engineUrl, placeName, reachable, type ServerEngine } from './scale-engines.js';
import { benchMonthlyLoad } from './scale-load.js';
import { count, dashboardLines, endpointLines, fmt, maintenanceByRollup, maintenanceLines, type DashboardTargets } from './scale-report.js';
import { startServer, type ServeSpec } from './scale-serve.js';

type Print = (line: string) => void;
type Engine = 'duckdb' | ServerEngine;

const env = process.env;
const numberEnv = (name: string, fallback: number) => {
  const v = env[name]?.trim();
  if (!v) return fallback;
  const x = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(x) || x < 0) throw new Error(`${name} must be a number, not ${v}`);
  return x;
};

/** Read when the scale bench starts (bench.ts imports this module for every run). */
function readSettings() {
  return {
    scales: (env['BENCH_SCALE_ROWS'] ?? env['BENCH_ROWS'] ?? '10000000,100000000')
      .split(',')
      .map((s) => Number(s.trim().replace(/_/g, '')))
      .filter((x) => Number.isSafeInteger(x) && x > 0),
    engines: (env['BENCH_ENGINES'] ?? 'duckdb,postgres,clickhouse')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean)
      .map((s): Engine => {
        if (s === 'duckdb' || s === 'postgres' || s === 'clickhouse') return s;
        throw new Error(`BENCH_ENGINES: ${s} is none of duckdb, postgres, clickhouse`);
      }),
    csvMax: numberEnv('BENCH_SCALE_CSV_MAX', 10_000_000),
    engineMax: numberEnv('BENCH_SCALE_ENGINE_MAX', 10_000_000),
    budgetMs: numberEnv('BENCH_SCALE_MINUTES', 240) * 60_000,
    queryTimeoutMs: numberEnv('BENCH_SCALE_QUERY_TIMEOUT_MS', 30 * 60_000),
    keep: env['BENCH_SCALE_KEEP'] === '1',
    serverRaw: env['BENCH_SCALE_RAW']?.trim().toLowerCase() !== 'off',
    filter: env['BENCH_SCALE_FILTER']?.trim() ? parseDashboardFilter(env['BENCH_SCALE_FILTER']) : DEFAULT_FILTER,
  };
}
let read: ReturnType<typeof readSettings> | undefined;
const settings = () => (read ??= readSettings());

const minutes = (ms: number) => `${ms < 600_000 ? (ms / 60_000).toFixed(1) : Math.round(ms / 60_000)} min`;
/** Runs per scale: 3 on DuckDB up to 10 M, else 1 (a raw scan at 100 M, or on a server engine at 10 M, takes many minutes a page). */
const runsFor = (rows: number, engine: Engine) =>
  Math.max(1, Math.round(engine === 'duckdb' ? numberEnv('BENCH_SCALE_RUNS', rows > 10_000_000 ? 1 : 3) : numberEnv('BENCH_SCALE_ENGINE_RUNS', 1)));
const batchFor = (rows: number) => Math.max(100, Math.round(numberEnv('BENCH_SCALE_BATCH', Math.max(1_000, rows / 730))));

/** The issue's targets: 10 M (and any smaller scale) on DuckDB; 100 M on DuckDB; either server engine at 10 M. */
function targetsFor(engine: Engine, rows: number): DashboardTargets {
  if (engine !== 'duckdb' || rows > 10_000_000) return { cold: 3 };
  return { cold: 1.5, cached: 0.3, control: 1 };
}

interface Shared {
  readonly print: Print;
  readonly model: Model;
  readonly webDir: string | null;
  readonly problems: string[];
}

interface ScaleData {
  readonly rows: number;
  readonly runs: number;
  readonly batchRows: number;
  readonly batches: readonly string[];
  csv?: DemoCsv;
}

export async function benchScale(print: Print): Promise<void> {
  const started = Date.now();
  const { scales, engines } = settings();
  print(`\nscale (issue 14): ${scales.map(count).join(' and ')} offers on ${engines.join(', ')}; the served clock ${CLOCK.toISOString()} (data end ${DATA_END.toISOString().slice(0, 10)}: the last month still settles; after each load the rollups' open windows are filled again at the served clock, untimed)`);
  if (!scales.includes(100_000_000)) print(`  100,000,000 offers not asked for (BENCH_SCALE_ROWS=${scales.join(',')}): skipped`);
  if (env['UPRATE_ROLLUPS'] === 'off') print('  note: UPRATE_ROLLUPS=off is set in this environment: the in-process /load figures read the rows on both sides');
  const missing = browserMissing();
  if (missing) print(`  dashboard figures skipped: ${missing}`);
  const model = await loadModel(shippedModelDir(), { conversionWindowDays: 30 });
  const built = missing ? null : await buildDashboard();
  const shared: Shared = { print, model, webDir: built?.dir ?? null, problems: [] };
  // DuckDB at every scale first (the time budget is for 100 M), then the server engines up to their maximum.
  const plan = [
    ...(engines.includes('duckdb') ? scales.map((rows) => ({ rows, engine: 'duckdb' as const })) : []),
    ...(['postgres', 'clickhouse'] as const).flatMap((engine) => (engines.includes(engine) ? scales.map((rows) => ({ rows, engine })) : [])),
  ];
  let previous: { rows: number; runs: number; ms: number } | undefined;
  const failures: string[] = [];
  try {
    for (const { rows, engine } of plan) {
      const partStarted = Date.now();
      const runs = runsFor(rows, engine);
      const tag = `${engine} ${count(rows)}`;
      if (engine !== 'duckdb' && rows > settings().engineMax) {
        print(`\n${tag}: skipped — the server engines run up to BENCH_SCALE_ENGINE_MAX=${count(settings().engineMax)} offers`);
        continue;
      }
      let serverUrl = '';
      if (engine !== 'duckdb') {
        const found = engineUrl(engine);
        const unreachable = 'missing' in found ? found.missing : await reachable(engine, found.url);
        if (unreachable || 'missing' in found) {
          print(`\n${tag}: skipped — ${'missing' in found ? found.missing : `cannot reach it (${unreachable}); start it with scripts/services/${engine}.sh start`}`);
          continue;
        }
        serverUrl = found.url;
      }
      const viaCsv = engine !== 'duckdb' || rows <= settings().csvMax;
      if (engine === 'duckdb') {
        const left = settings().budgetMs - (partStarted - started);
        // The previous scale's time per run, in proportion to the offers; before any, ~10,000 offers/s of everything.
        const estimate = previous ? (previous.ms / previous.runs) * runs * (rows / previous.rows) : rows / 10;
        if (estimate > left) {
          print(`\n${tag}: SKIPPED — time is short: about ${minutes(estimate)} expected (${previous ? `extrapolated from ${count(previous.rows)} offers` : 'a guess'}), ${minutes(Math.max(0, left))} left of BENCH_SCALE_MINUTES=${settings().budgetMs / 60_000}`);
          continue;
        }
      }
      const needed = expectedBytes(rows, { duckdb: engine === 'duckdb', csv: viaCsv });
      const free = freeBytes();
      if (free < 3 * needed) {
        print(`\n${tag}: SKIPPED — disk is short: about ${gib(needed)} expected in ${CACHE}, ${gib(free)} free (3 × the expected size wanted)`);
        continue;
      }
      const batchRows = batchFor(rows);
      print(`\n${tag} offers: ${runs} run${runs === 1 ? '' : 's'} (median), a batch of ${count(batchRows)} recent offers ingested before every cold load; about ${gib(needed)} needed on disk, ${gib(free)} free`);
      const batchDir = join(CACHE, `scale-batches-${rows}`);
      try {
        const data: ScaleData = { rows, runs, batchRows, batches: await writeBatches({ baseRows: rows, batchRows, count: 3 * runs, dir: batchDir }) };
        if (engine === 'duckdb') await benchDuckDb(shared, data, viaCsv);
        else await benchServerEngine(shared, data, engine, serverUrl);
        if (engine === 'duckdb') previous = { rows, runs, ms: Date.now() - partStarted };
        print(`${tag} took ${minutes(Date.now() - partStarted)}`);
      } catch (e) {
        // One part failing (a server engine gone, a page that never drew) does not lose the others' figures.
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        process.stdout.write('\n');
        print(`${tag}: FAILED after ${minutes(Date.now() - partStarted)} — ${message}`);
        failures.push(`${tag}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        rmSync(batchDir, { recursive: true, force: true });
      }
    }
  } finally {
    if (built) rmSync(built.dir, { recursive: true, force: true });
  }
  const wrong = shared.problems.map((p) => `wrong answer: ${p}`);
  if (failures.length + wrong.length > 0) throw new Error(`scale bench:\n  ${[...failures, ...wrong].join('\n  ')}`);
  print('');
}

async function withDuckDb<T>(path: string, fn: (store: DuckDbStore) => Promise<T>): Promise<T> {
  const store = await DuckDbStore.open(path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const ingestOffers = (store: Store, file: string) => timeIt(() => ingestFiles(store, { table: 'offers', files: [file] }));

/**
 * The rollups' open windows filled again at the served clock, untimed. A load (and a build) fills
 * them at this machine's clock, weeks past the bench's data and its served clock (CLOCK), and a
 * read at a clock before a window's reads those periods from the rows: the bench would time a
 * server reading its last load's data at a clock before that load. Filled at CLOCK, the store is
 * as a load at CLOCK leaves it — what a deployed server, reading at or after its last load, finds.
 * The timed load already paid for its own fill.
 */
async function openWindowsAt(store: Store, clock: Date): Promise<void> {
  if (store.engine === 'clickhouse') {
    // Each plain rollup's window is filled with a generation of its own: filled again as new ones.
    await refillClickHouseOpenWindows(store as unknown as ClickHouseRollupTarget, clock.getTime());
    return;
  }
  await inTransaction(store, (exec) => refillOpenWindows(exec, store.engine, ['offers', 'customers'], clock.getTime()));
}

/** One rollup build, printed per rollup. */
function builtLine(seconds: number, built: readonly BuiltRollup[]): string {
  return `buildRollups once on the loaded store: ${fmt(seconds)} (${built.map((b) => `${b.name} ${count(b.rows)} rows ${fmt(b.seconds)}`).join('; ')})`;
}

async function benchDuckDb(shared: Shared, data: ScaleData, viaCsv: boolean): Promise<void> {
  const { print, model } = shared;
  const { rows, runs, batchRows, batches } = data;
  const tag = `duckdb ${count(rows)}`;
  print(`${tag}: the data ${viaCsv ? 'from the cached CSV files through uprate ingest' : 'generated straight into DuckDB (generateDemo, no CSV)'}`);
  const path = freshDbPath(`scale-${rows}.duckdb`);
  try {
    if (viaCsv) {
      data.csv ??= await ensureDemoCsv(rows, print);
      const csv = data.csv;
      const withRollups: number[] = [];
      const without: number[] = [];
      for (let run = 0; run < runs; run++) {
        // Interleaved, so drift on a shared machine hits both sides alike; the last store without rollups is kept.
        const scratch = freshDbPath(`scale-${rows}-with-rollups.duckdb`);
        withRollups.push(
          await withDuckDb(scratch, async (store) => {
            await buildRollups(store, model); // on the empty store: the registry is there, the load maintains the rollups
            await ingestFiles(store, { table: 'customers', files: [csv.customers] });
            return ingestOffers(store, csv.offers);
          }),
        );
        removeDb(scratch);
        removeDb(path);
        without.push(
          await withDuckDb(path, async (store) => {
            await ingestFiles(store, { table: 'customers', files: [csv.customers] });
            return ingestOffers(store, csv.offers);
          }),
        );
        process.stdout.write('.');
      }
      process.stdout.write('\n');
      for (const line of maintenanceLines(`${tag} ingest CSV of ${count(rows)} offers into an empty store`, rows, withRollups, without)) print(line);
    } else {
      let next = 0.1;
      const seconds = await withDuckDb(path, (store) =>
        timeIt(() =>
          generateDemo(store, {
            rows,
            seed: 7,
            end: DATA_END,
            onProgress: (done, total) => {
              if (done / total < next) return;
              next += 0.1;
              process.stdout.write(`${Math.round((100 * done) / total)}% `);
            },
          }),
        ),
      );
      process.stdout.write('\n');
      print(`${tag} generated straight into DuckDB: ${fmt(seconds)} (${count(rows / seconds)} offers/s; no rollup maintenance: none built yet)`);
    }

    // Batches without rollups, the one-off build, then batches with rollup maintenance (each before a cold load).
    const batchWithout: number[] = [];
    for (let i = 0; i < runs; i++) batchWithout.push(await withDuckDb(path, (store) => ingestOffers(store, batches[i] ?? '')));
    const build = await withDuckDb(path, async (store) => {
      let result: BuiltRollup[] = [];
      const seconds = await timeIt(async () => (result = await buildRollups(store, model)));
      return { seconds, result };
    });
    print(`${tag} ${builtLine(build.seconds, build.result)}; store ${gib(dbBytes(path))}`);

    const spec: ServeSpec = { engine: 'duckdb', db: path, webDir: shared.webDir ?? '', clock: CLOCK.toISOString(), queryTimeoutMs: settings().queryTimeoutMs };
    let nextBatch = runs;
    const batchWith: number[] = [];
    const ingestBefore = () =>
      withDuckDb(path, async (store) => {
        batchWith.push(await ingestOffers(store, batches[nextBatch++] ?? ''));
        await openWindowsAt(store, CLOCK);
      });
    const dashboards = await dashboardRuns(shared, spec, runs, true, ingestBefore);
    for (const line of maintenanceLines(`${tag} ingest of ${count(batchRows)} recent offers into the loaded store`, batchRows, batchWith, batchWithout)) print(line);
    const spent = await withDuckDb(path, (store) => store.query('SELECT name, refresh_seconds AS s FROM uprate_rollups WHERE refresh_seconds IS NOT NULL'));
    for (const line of maintenanceByRollup(spent.map((r) => ({ name: String(r['name']), seconds: Number(r['s']) })), batchWith.at(-1) ?? 0)) print(line);
    if (dashboards) printDashboards(shared, tag, rows, 'duckdb', dashboards);
    if (dashboards) await printEndpoints(shared, spec, tag, runs, dashboards, true);
    const lines = await withDuckDb(path, (store) => benchMonthlyLoad(store, model, CLOCK, Math.max(5, runs), shared.problems));
    for (const line of lines) print(`${tag} ${line}`);
  } finally {
    if (!settings().keep) removeDb(path);
    else print(`  kept ${path} (BENCH_SCALE_KEEP=1)`);
  }
}

interface DashboardRuns {
  readonly on: DashboardTiming[];
  readonly raw: DashboardTiming[] | null;
}

/**
 * `runs` rounds of cold (after `ingestBefore`), cached and control figures in Chromium, each in a
 * fresh server: with rollups and, when `both`, with UPRATE_ROLLUPS=off — alternating which goes first.
 */
async function dashboardRuns(shared: Shared, spec: ServeSpec, runs: number, both: boolean, ingestBefore: () => Promise<unknown>): Promise<DashboardRuns | null> {
  const on: DashboardTiming[] = [];
  const raw: DashboardTiming[] = [];
  for (let run = 0; run < runs; run++) {
    const modes = !both ? [true] : run % 2 === 0 ? [true, false] : [false, true];
    for (const rollups of modes) {
      await ingestBefore();
      if (!shared.webDir) continue;
      const server = await startServer(spec, { rollups });
      try {
        (rollups ? on : raw).push(await timeDashboard(server.url, { timeoutMs: settings().queryTimeoutMs * 2, filter: settings().filter }));
      } finally {
        await server.stop();
      }
      process.stdout.write('.');
    }
  }
  process.stdout.write('\n');
  return shared.webDir ? { on, raw: both ? raw : null } : null;
}

function printDashboards(shared: Shared, tag: string, rows: number, engine: Engine, runs: DashboardRuns): void {
  const note = engine !== 'duckdb' && !settings().serverRaw ? 'rows only not run (BENCH_SCALE_RAW=off)' : 'no raw-scan run';
  const which = 'rollups on, beside UPRATE_ROLLUPS=off';
  shared.print(`${tag} dashboard in Chromium, the page's own timings (${which}; median of ${runs.on.length}; targets for ${engine === 'duckdb' ? (rows > 10_000_000 ? '100 M' : '10 M') : 'the server engines at 10 M'}):`);
  for (const line of dashboardLines(runs.on, runs.raw, targetsFor(engine, rows), note)) shared.print(line);
}

/** Each API call of the page's cold load, alone, of a fresh server per run and mode. */
async function printEndpoints(shared: Shared, spec: ServeSpec, tag: string, runs: number, dashboards: DashboardRuns, both: boolean): Promise<void> {
  const [first] = dashboards.on;
  if (!first) return;
  const paths = apiPaths(first.cold);
  const on: EndpointTiming[][] = [];
  const raw: EndpointTiming[][] = [];
  for (let run = 0; run < runs; run++) {
    for (const rollups of !both ? [true] : run % 2 === 0 ? [true, false] : [false, true]) {
      const server = await startServer(spec, { rollups });
      try {
        (rollups ? on : raw).push(await timeEndpoints(server.url, paths));
      } finally {
        await server.stop();
      }
    }
  }
  shared.print(`${tag} each API call of the page alone (fresh server; cold = first ask in the process, after the calls above it; cached = median of 5 repeats; median of ${runs}):`);
  for (const line of endpointLines(on, both ? raw : null, 'raw scans only')) shared.print(line);
}

async function benchServerEngine(shared: Shared, data: ScaleData, engine: ServerEngine, serverUrl: string): Promise<void> {
  const { print, model } = shared;
  const { rows, runs, batches } = data;
  const tag = `${engine} ${count(rows)}`;
  const url = benchStoreUrl(engine, serverUrl);
  print(`${tag}: the cached CSV files through uprate ingest into ${placeName(engine)} (dropped before and after)`);
  data.csv ??= await ensureDemoCsv(rows, print);
  const csv = data.csv;
  await dropPlace(engine, serverUrl);
  const store = await openStore({ engine, url, db: '', timeoutMs: settings().queryTimeoutMs });
  try {
    const loaded = await timeIt(async () => {
      await ingestFiles(store, { table: 'customers', files: [csv.customers] });
      await ingestFiles(store, { table: 'offers', files: [csv.offers] });
    });
    print(`${tag} ingest CSV (customers and ${count(rows)} offers): ${fmt(loaded)} (${count(rows / loaded)} offers/s)`);
    // ClickHouse builds the plain rollups and those of moments (not the row per customer).
    let built: BuiltRollup[] = [];
    const seconds = await timeIt(async () => (built = await buildRollups(store, model)));
    print(`${tag} ${builtLine(seconds, built)}`);
    const spec: ServeSpec = { engine, db: '', url, webDir: shared.webDir ?? '', clock: CLOCK.toISOString(), queryTimeoutMs: settings().queryTimeoutMs };
    let nextBatch = 0;
    const ingests: number[] = [];
    const dashboards = await dashboardRuns(shared, spec, runs, settings().serverRaw, async () => {
      ingests.push(await ingestOffers(store, batches[nextBatch++] ?? ''));
      await openWindowsAt(store, CLOCK);
    });
    print(`${tag} ingest of ${count(data.batchRows)} recent offers before each cold load, with rollup maintenance: ${fmt(median(ingests))} (median of ${ingests.length})`);
    if (dashboards) printDashboards(shared, tag, rows, engine, dashboards);
  } finally {
    await store.close();
    if (!settings().keep) await dropPlace(engine, serverUrl);
    else print(`  kept ${placeName(engine)} (BENCH_SCALE_KEEP=1)`);
  }
}
