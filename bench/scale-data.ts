/**
 * The scale bench's data (bench/scale.ts): the demo data set at a given size — as the main bench's
 * cached CSV files (same seed and end, so the very same files in .bench-cache) or generated straight
 * into a DuckDB file — and the small batches of recent offers ingested before every cold load.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { writeDemoFiles } from '../src/demo/index.js';
import { DuckDbStore, sqlString } from '../src/store/index.js';

export const CACHE = join(process.cwd(), '.bench-cache');
/** The demo's last instant, as in bench.ts: every cached CSV file of the main bench ends here. */
export const DATA_END = new Date('2026-11-01T00:00:00Z');
/**
 * The served clock: half a day after the last offer, as a live dashboard sees its data (the
 * e2e harness does the same). The last month is still settling, so queries read it from the rows.
 */
export const CLOCK = new Date('2026-11-01T12:00:00Z');
/** How far back the batches' offers go: the still-settling days a daily ingest touches. */
const BATCH_DAYS = 30;

/** Rough DuckDB bytes per stored offer (file with rollups, measured at 1 M: ~28; doubled for the WAL and the load's spill). */
const DUCKDB_BYTES_PER_ROW = 60;
/** The demo CSV files (offers and customers), per offer. */
const CSV_BYTES_PER_ROW = 104;

const OFFER_COLUMNS = `{'offer_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'offered_at': 'TIMESTAMP', 'offer_type': 'VARCHAR', 'offer_name': 'VARCHAR',
  'channel': 'VARCHAR', 'campaign': 'VARCHAR', 'accepted_at': 'TIMESTAMP', 'declined_at': 'TIMESTAMP', 'revenue': 'VARCHAR'}`;

export interface DemoCsv {
  readonly offers: string;
  readonly customers: string;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** The demo data set as CSV, written once into .bench-cache under the main bench's names (seed 7, ending at {@link DATA_END}). */
export async function ensureDemoCsv(rows: number, print: (line: string) => void): Promise<DemoCsv> {
  const files = { offers: join(CACHE, `offers-${rows}.csv`), customers: join(CACHE, `customers-${rows}.csv`) };
  if (existsSync(files.offers) && existsSync(files.customers)) return files;
  mkdirSync(CACHE, { recursive: true });
  print(`  generating ${n(rows)} demo offers as CSV into ${CACHE} (once, shared with the main bench) …`);
  const dir = join(CACHE, `demo-${rows}`);
  const written = await writeDemoFiles({ rows, seed: 7, end: DATA_END, dir, format: 'csv' });
  renameSync(written.offers, files.offers);
  renameSync(written.customers, files.customers);
  rmSync(dir, { recursive: true, force: true });
  return files;
}

/** A DuckDB file under .bench-cache, removed first (with its WAL) so the bench starts from nothing. */
export function freshDbPath(name: string): string {
  mkdirSync(CACHE, { recursive: true });
  const path = join(CACHE, name);
  removeDb(path);
  return path;
}

export function removeDb(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  rmSync(`${path}.tmp`, { recursive: true, force: true });
}

/** Bytes of a DuckDB file with its WAL (what the store takes on disk now). */
export function dbBytes(path: string): number {
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  return size(path) + size(`${path}.wal`);
}

/** Free bytes where .bench-cache lives. */
export function freeBytes(): number {
  mkdirSync(CACHE, { recursive: true });
  const s = statfsSync(CACHE);
  return s.bavail * s.bsize;
}

/** What a scale needs in .bench-cache: the DuckDB store, and the CSV files unless they are cached already (or not used). */
export function expectedBytes(rows: number, uses: { duckdb: boolean; csv: boolean }): number {
  const csvCached = existsSync(join(CACHE, `offers-${rows}.csv`));
  return (uses.duckdb ? rows * DUCKDB_BYTES_PER_ROW : 0) + (uses.csv && !csvCached ? rows * CSV_BYTES_PER_ROW : 0);
}

/** Bytes as `1.2 GiB` (`350 MiB` below a GiB). */
export const gib = (bytes: number) => (bytes < 1024 ** 3 ? `${Math.round(bytes / 1024 ** 2)} MiB` : `${(bytes / 1024 ** 3).toFixed(1)} GiB`);

/**
 * `count` CSV files of `batchRows` new offers each, for a store holding the demo set of `baseRows`:
 * the demo's offers (seed 8) for the same customers, moved into the last {@link BATCH_DAYS} days
 * before {@link DATA_END} (each offer's acceptance and decline move with it; one that would land
 * after the end is left open), ids `b<k>-…` so that every batch is new rows. What a daily ingest
 * brings: fresh offers in the still-settling partitions.
 */
export async function writeBatches(options: { baseRows: number; batchRows: number; count: number; dir: string }): Promise<string[]> {
  const { baseRows, batchRows, count, dir } = options;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const customers = Math.max(1, Math.floor(baseRows / 10));
  const pool = await writeDemoFiles({ rows: batchRows * count, customers, seed: 8, end: DATA_END, dir: join(dir, 'pool'), format: 'csv' });
  const store = await DuckDbStore.open(':memory:');
  const files: string[] = [];
  try {
    await store.run(`CREATE TEMP TABLE pool AS SELECT row_number() OVER () - 1 AS i, * FROM read_csv(${sqlString(pool.offers)}, header = true, columns = ${OFFER_COLUMNS})`);
    const endUs = `epoch_us(TIMESTAMP '${DATA_END.toISOString().slice(0, 19).replace('T', ' ')}')`;
    // Moves an offer from its place in the 24 months to the same place in the last BATCH_DAYS days.
    const shift = `CAST((${endUs} - epoch_us(offered_at)) * (1 - ${BATCH_DAYS} / 730.0) AS BIGINT)`;
    const moved = (column: string) => `make_timestamp(epoch_us(${column}) + shift)`;
    const iso = (expr: string) => `strftime(${expr}, '%Y-%m-%dT%H:%M:%SZ')`;
    const open = (column: string) => `${column} IS NULL OR epoch_us(${column}) + shift > ${endUs}`;
    for (let k = 0; k < count; k++) {
      const file = join(dir, `batch-${k}.csv`);
      await store.run(`COPY (
        SELECT 'b${k}-' || substr(offer_id, 3) AS offer_id, customer_id, ${iso(moved('offered_at'))} AS offered_at, offer_type, offer_name, channel, campaign,
          CASE WHEN ${open('accepted_at')} THEN NULL ELSE ${iso(moved('accepted_at'))} END AS accepted_at,
          CASE WHEN ${open('declined_at')} THEN NULL ELSE ${iso(moved('declined_at'))} END AS declined_at,
          CASE WHEN ${open('accepted_at')} THEN NULL ELSE revenue END AS revenue
        FROM (SELECT *, ${shift} AS shift FROM pool WHERE i % ${count} = ${k}) ORDER BY i
      ) TO ${sqlString(file)} (HEADER, DELIMITER ',')`);
      files.push(file);
    }
  } finally {
    await store.close();
    rmSync(join(dir, 'pool'), { recursive: true, force: true });
  }
  return files;
}

/** Removes what a bench run left in .bench-cache besides the cached CSV files (stores, batches). */
export function removeScratch(prefix: string): void {
  if (!existsSync(CACHE)) return;
  for (const name of readdirSync(CACHE)) if (name.startsWith(prefix)) rmSync(join(CACHE, name), { recursive: true, force: true });
}
