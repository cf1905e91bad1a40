/**
 * `npm run bench`: uprate against the engine's own SQL, side by side in one run, median of ≥ 5.
 * Prints ratios, never asserts timings (these machines are shared and noisy).
 *
 *   BENCH_ROWS=1000000 npm run bench     # a smaller data set for a quick look
 *   BENCH_RUNS=7 npm run bench
 *   BENCH_ONLY=load npm run bench        # the load line alone (bench/load.ts; BENCH_LOAD_SECONDS a run)
 *   BENCH_ONLY=scale npm run bench       # issue 14 at 10 M and 100 M: dashboard, API, rollups (bench/scale.ts; its knobs there)
 *   BENCH_ONLY=propensity npm run bench  # issue 16: propensity training time and memory at 1 M and 10 M offers (bench/propensity.ts)
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeDemoFiles } from '../src/demo/index.js';
import { DuckDbStore, sqlString } from '../src/store/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { buildReport } from '../src/kpi/index.js';
import { benchEngines } from './engines.js';
import { extraBenchmarks } from './extra.js';
import { benchLoad } from './load.js';
import { benchPropensity } from './propensity.js';
import { median, timeIt, type Measured } from './measure.js';
import { allAccess } from '../src/query/index.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 10_000_000);
const RUNS = Math.max(5, Number(process.env['BENCH_RUNS'] ?? 5));
const CACHE = join(process.cwd(), '.bench-cache');
const offersCsv = join(CACHE, `offers-${ROWS}.csv`);
const customersCsv = join(CACHE, `customers-${ROWS}.csv`);

const OFFER_COLUMNS = `{'offer_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'offered_at': 'TIMESTAMP', 'offer_type': 'VARCHAR', 'offer_name': 'VARCHAR',
  'channel': 'VARCHAR', 'campaign': 'VARCHAR', 'accepted_at': 'TIMESTAMP', 'declined_at': 'TIMESTAMP', 'revenue': 'DECIMAL(18,2)'}`;

/** The demo data set (realistic, deterministic), written once as CSV and cached. */
async function ensureData(): Promise<void> {
  if (existsSync(offersCsv) && existsSync(customersCsv)) return;
  mkdirSync(CACHE, { recursive: true });
  console.log(`generating ${ROWS.toLocaleString('en-US')} demo offers into ${CACHE} (once) …`);
  const dir = join(CACHE, `demo-${ROWS}`);
  const files = await writeDemoFiles({ rows: ROWS, seed: 7, end: new Date('2026-11-01T00:00:00Z'), dir, format: 'csv' });
  renameSync(files.offers, offersCsv);
  renameSync(files.customers, customersCsv);
  rmSync(dir, { recursive: true, force: true });
  console.log(`  ${(statSync(offersCsv).size / 1e9).toFixed(2)} GB`);
}

function freshDb(name: string): string {
  const path = join(CACHE, name);
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  return path;
}

async function benchIngest(): Promise<Measured[]> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, so drift on a shared machine hits both sides alike.
    {
      const store = await DuckDbStore.open(freshDb('ingest-uprate.duckdb'));
      ours.push(await timeIt(() => ingestFiles(store, { table: 'offers', files: [offersCsv] })));
      await store.close();
    }
    {
      const store = await DuckDbStore.open(freshDb('ingest-raw.duckdb'));
      theirs.push(await timeIt(() => store.run(`INSERT INTO offers SELECT * FROM read_csv(${sqlString(offersCsv)}, header = true, columns = ${OFFER_COLUMNS})`)));
      await store.close();
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  return [
    { name: 'ingest CSV: uprate ingest (validate + upsert)', seconds: median(ours), rowsPerSecond: ROWS / median(ours) },
    { name: "ingest CSV: DuckDB's own read_csv into the same table", seconds: median(theirs), rowsPerSecond: ROWS / median(theirs) },
  ];
}

const ACCEPTED = `o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= $1::TIMESTAMP`;
const REPORT_MEASURES = `count(*) AS offers,
    count(*) FILTER (WHERE ${ACCEPTED}) AS accepted,
    count(*) FILTER (WHERE NOT (${ACCEPTED}) AND o.offered_at + INTERVAL 30 DAY > $1::TIMESTAMP AND (o.declined_at IS NULL OR o.declined_at > $1::TIMESTAMP)) AS pending,
    count(DISTINCT o.customer_id) AS customers_offered,
    count(DISTINCT o.customer_id) FILTER (WHERE ${ACCEPTED}) AS customers_converted,
    sum(o.revenue) FILTER (WHERE ${ACCEPTED}) AS revenue`;
/**
 * What the report prints, in one statement as a DuckDB expert would write it: every month × account
 * size cell, the all-time total (distinct customers do not add up from the cells, so it is its own
 * grouping set) and the first and last offer, which give the report its range.
 */
const RAW_REPORT = `SELECT date_trunc('month', o.offered_at) AS period, c.account_size, ${REPORT_MEASURES},
    min(o.offered_at) AS first_offer, max(o.offered_at) AS last_offer
  FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id
  GROUP BY GROUPING SETS ((date_trunc('month', o.offered_at), c.account_size), ()) ORDER BY ALL`;
/** The cells alone: less than the report shows, printed so the cost of the total is visible. */
const RAW_CELLS = `SELECT date_trunc('month', o.offered_at) AS period, c.account_size, ${REPORT_MEASURES}
  FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id
  GROUP BY ALL ORDER BY ALL`;

/** The two sides must answer the same question: totals and cells agree, or the timing means nothing. */
async function checkSameNumbers(store: DuckDbStore, asOf: Date, params: string[]): Promise<void> {
  const report = await buildReport(store, allAccess('local'), { grain: 'month', by: ['account_size'], asOf });
  const raw = await store.query<Record<string, unknown>>(RAW_REPORT, params);
  const total = raw.find((r) => r.period === null);
  const cells = raw.filter((r) => r.period !== null);
  const keys = ['offers', 'accepted', 'pending', 'customers_offered', 'customers_converted'] as const;
  const ours = [report.total.offers, report.total.accepted, report.total.pending, report.total.customersOffered, report.total.customersConverted];
  const theirs = keys.map((k) => Number(total?.[k]));
  const filled = report.rows.filter((r) => r.offers > 0);
  const sumOffers = (rows: readonly Record<string, unknown>[] | readonly { offers: number }[]) => rows.reduce((s: number, r) => s + Number(r.offers), 0);
  if (ours.join() !== theirs.join() || filled.length !== cells.length || sumOffers(filled) !== sumOffers(cells)) {
    throw new Error(`uprate report and the hand-written SQL disagree: total ${ours.join()} vs ${theirs.join()}, cells ${filled.length} vs ${cells.length}`);
  }
}

async function benchReport(store: DuckDbStore, asOf: Date): Promise<Measured[]> {
  const ours: number[] = [];
  const theirs: number[] = [];
  const cellsOnly: number[] = [];
  const params = [asOf.toISOString()];
  await checkSameNumbers(store, asOf, params);
  for (let run = 0; run < RUNS + 1; run++) {
    const a = await timeIt(() => buildReport(store, allAccess('local'), { grain: 'month', by: ['account_size'], asOf }));
    const b = await timeIt(() => store.query(RAW_REPORT, params));
    const c = await timeIt(() => store.query(RAW_CELLS, params));
    if (run > 0) {
      // The first round warms the buffer pool.
      ours.push(a);
      theirs.push(b);
      cellsOnly.push(c);
    }
  }
  return [
    { name: 'report monthly × account size: uprate report', seconds: median(ours) },
    { name: 'report monthly × account size: hand-written DuckDB SQL for the same numbers (cells, total, first and last offer)', seconds: median(theirs) },
    { name: 'for reference, hand-written SQL for the cells alone (no total, no range)', seconds: median(cellsOnly) },
  ];
}

function print(pairs: [Measured, Measured, 'higher' | 'lower', number][]): void {
  for (const [ours, raw, better, target] of pairs) {
    const ratio = better === 'higher' ? (ours.rowsPerSecond ?? 0) / (raw.rowsPerSecond ?? 1) : ours.seconds / raw.seconds;
    const fmt = (m: Measured) => `${m.seconds.toFixed(3)} s${m.rowsPerSecond ? ` (${Math.round(m.rowsPerSecond).toLocaleString('en-US')} rows/s)` : ''}`;
    console.log(`${ours.name}: ${fmt(ours)}`);
    console.log(`${raw.name}: ${fmt(raw)}`);
    const ok = better === 'higher' ? ratio >= target : ratio <= target;
    console.log(`  ratio ${ratio.toFixed(2)} (target ${better === 'higher' ? '≥' : '≤'} ${target}) ${ok ? 'met' : 'MISSED'}\n`);
  }
}

const asOf = new Date('2026-11-01T00:00:00Z');
// BENCH_ONLY=engines measures the server engines alone (their runs are long at 10 M); BENCH_ONLY=load the load line alone.
const only = process.env['BENCH_ONLY'];
// BENCH_ONLY=scale runs the scale bench alone (hours at 10 M and 100 M: never part of the default run).
if (only === 'scale') await (await import('./scale.js')).benchScale((line) => console.log(line));
else if (only === 'propensity') await (await import('./propensity.js')).benchPropensityScales((line) => console.log(line));
else if (only !== 'load') {
  await ensureData();
  if (only !== 'engines') await benchDuckDb();
  const engineRuns = Number(process.env['BENCH_ENGINE_RUNS'] ?? RUNS);
  for (const line of await benchEngines({ runs: engineRuns, rows: ROWS, asOf, offersCsv, customersCsv })) console.log(line);
}
if (only !== 'engines' && only !== 'scale' && only !== 'propensity') await benchLoad({ seconds: Number(process.env['BENCH_LOAD_SECONDS'] ?? 10), asOf, print: (line) => console.log(line) });

async function benchDuckDb(): Promise<void> {
  console.log(`\nuprate bench: ${ROWS.toLocaleString('en-US')} offers, median of ${RUNS} runs\n`);
  const [ingestOurs, ingestRaw] = await benchIngest();
  const store = await DuckDbStore.open(freshDb('report.duckdb'));
  await ingestFiles(store, { table: 'customers', files: [customersCsv] });
  await ingestFiles(store, { table: 'offers', files: [offersCsv] });
  const [reportOurs, reportRaw, reportCells] = await benchReport(store, asOf);
  if (!ingestOurs || !ingestRaw || !reportOurs || !reportRaw) throw new Error('bench produced no measurement');
  print([
    [ingestOurs, ingestRaw, 'higher', 0.5],
    [reportOurs, reportRaw, 'lower', 1.3],
  ]);
  if (reportCells) console.log(`${reportCells.name}: ${reportCells.seconds.toFixed(3)} s (uprate report ${(reportOurs.seconds / reportCells.seconds).toFixed(2)} × that)\n`);
  for (const line of await extraBenchmarks({ store, runs: RUNS, asOf })) console.log(line);
  for (const line of await benchPropensity(store, asOf)) console.log(line);
  await store.close();
}
