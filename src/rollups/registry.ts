import type { Exec, Row, Store } from '../store/store.js';
import type { OpenWindowTemplate } from './open-window.js';


/** The advisory lock (with the schema's hash) a PostgreSQL load holds while it maintains rollups. */
export const MAINTENANCE_LOCK = 74212;

/**
 * `uprate_rollups`: one row per built rollup — its table, the statement that fills it (so an
 * ingest can refresh the partitions it touched without the model), and the data version it
 * matches. A rollup whose version is not the store's current one, or whose statement is not the
 * model's current one, is stale and never read.
 */
export const REGISTRY_DDL = `CREATE TABLE IF NOT EXISTS uprate_rollups (
  name VARCHAR NOT NULL PRIMARY KEY,
  table_name VARCHAR NOT NULL,
  definition_hash VARCHAR NOT NULL,
  build_sql VARCHAR NOT NULL,
  build_params VARCHAR NOT NULL,
  time_column VARCHAR NOT NULL,
  partition_granularity VARCHAR NOT NULL,
  source_tables VARCHAR NOT NULL,
  time_source VARCHAR,
  data_version BIGINT NOT NULL,
  built_at TIMESTAMP NOT NULL,
  row_count BIGINT NOT NULL,
  build_seconds DOUBLE PRECISION NOT NULL,
  merge_columns VARCHAR,
  layout VARCHAR,
  open_window VARCHAR,
  refresh_seconds DOUBLE PRECISION,
  compact_rows BIGINT
)`;

/**
 * Registries made before a column existed gain it: \`merge_columns\` (NULL: such a rollup is
 * refreshed by partition until rebuilt), \`layout\` (NULL: a plain rollup), \`open_window\` (NULL: none),
 * \`refresh_seconds\` (NULL: no load has maintained it since its build), \`compact_rows\` (NULL:
 * the table holds one row a group, as built).
 */
const REGISTRY_UPGRADES: readonly (readonly [string, string])[] = [
  ['merge_columns', 'ALTER TABLE uprate_rollups ADD COLUMN IF NOT EXISTS merge_columns VARCHAR'],
  ['layout', 'ALTER TABLE uprate_rollups ADD COLUMN IF NOT EXISTS layout VARCHAR'],
  ['open_window', 'ALTER TABLE uprate_rollups ADD COLUMN IF NOT EXISTS open_window VARCHAR'],
  ['refresh_seconds', 'ALTER TABLE uprate_rollups ADD COLUMN IF NOT EXISTS refresh_seconds DOUBLE PRECISION'],
  ['compact_rows', 'ALTER TABLE uprate_rollups ADD COLUMN IF NOT EXISTS compact_rows BIGINT'],
];

/**
 * How a rollup column combines when new rows are added to a group: a key (the period or a
 * dimension), or a measure summed (counts and sums), or kept at its minimum or maximum.
 */
export type MergeRule = 'key' | 'sum' | 'min' | 'max';

/** One column of a rollup's table and how it merges. */
export interface MergeColumn {
  readonly column: string;
  readonly merge: MergeRule;
}

/**
 * How a rollup by cluster lies in its table (clustered.ts): one row per cluster and dimension
 * values, and per period \`<measure column>__<i>\` and \`uprate_rows__<i>\` (the cluster's rows
 * in the i-th period, 0 when none).
 */
export interface ClusterLayout {
  /** The column naming the cluster. */
  readonly cluster: string;
  /** The dimensions' columns. */
  readonly dimensions: readonly string[];
  /** Those of them with one value per cluster (a customer's attributes): a cluster's row is found by the cluster alone. */
  readonly perCluster?: readonly string[];
  /** The measures' columns, and how each adds up over periods. */
  readonly measures: readonly { readonly column: string; readonly kind: 'count' | 'sum' }[];
  /** Each period's start (UTC, ISO), in column order: every period (month, or `grain`) from the data's first to its last. */
  readonly periods: readonly string[];
  /** The first and last instant of the time column when built (null: no rows with a time). */
  readonly first: string | null;
  readonly last: string | null;
  /**
   * The latest stored instant the measures compare with the clock (null: none): the rollup
   * answers queries whose clock is at or after it, where each row reads as it does at the end of time.
   */
  readonly clockFrom: string | null;
  /** The time table's columns the measures compare with the clock (refills read their largest value again). */
  readonly clockColumns: readonly string[];
  /** Where the per-cluster attributes are read from, for a load of their table (none: such a load refills the rollup). */
  readonly attributes?: ClusterAttributes | null;
  /** The table holds the clusters' moments per group and pair of months (moments.ts), not a row per cluster. */
  readonly moments?: boolean;
  /** Only each period's own moments (`moments: 'perPeriod'`): every row on the diagonal, read only by period. */
  readonly perPeriod?: boolean;
  /** The periods' granularity; absent: by month. */
  readonly grain?: ClusterGrain;
  /** The time table's column naming the cluster (a load's clusters are found by it); absent in layouts stored before it. */
  readonly clusterColumn?: string | null;
  /**
   * A rollup of moments' rows when last compacted (clustered.ts addClusterChanges: loads append
   * their changes); absent since its build, which leaves it compact.
   */
  readonly compactRows?: number;
}

/**
 * The statement of a rollup by cluster's attributes, one row per key (`key`: its column naming
 * the key), and the table it reads them from (`keyColumn`: that table's key column).
 */
export interface ClusterAttributes {
  readonly table: string;
  readonly keyColumn: string;
  readonly key: string;
  readonly sql: string;
  /**
   * The rollup's own statement without the attributes (its measures by cluster, the other
   * dimensions and period; same parameters): a whole fill groups the rows by it and joins the
   * attributes after, where grouping by them all makes the engine hash every attribute of every
   * row (the statement alone about 3 times slower at 10 M offers; a whole fill about 20 % slower
   * at 2 M). Absent in layouts stored before it existed.
   */
  readonly rows?: string;
}

/** A plain rollup's open window as filled (open-window.ts): its periods from \`from\` as they read at \`clock\`. */
export interface OpenWindow {
  readonly template: OpenWindowTemplate;
  /** The clock it was filled at (ISO; null: never filled) and the first period it holds. */
  readonly clock: string | null;
  readonly from: string | null;
  /** The time column's latest value then (null: no rows with a time): a range ending after it keeps its last period whole. */
  readonly last: string | null;
  /** Its earliest value then (absent in windows filled before it was kept): a range starting at or before it keeps its first period whole. */
  readonly first?: string | null;
  /** The data version it reflects: read only while that is the store's and the rollup's. */
  readonly dataVersion: number;
  readonly rows: number;
  /** Its rows when its groups were last merged into one row each (absent: as filled, one row a group); loads append to it (open-window.ts advanceOpenWindow). */
  readonly compactRows?: number;
}

/**
 * A table a rollup's statement joins many-to-one from its time table on one column each side
 * (`from` in the time table, `to` in the joined one): a load's new rows match only the joined
 * rows whose `to` is one of their `from` values.
 */
export interface JoinedTable {
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

/** The stored column a rollup's period comes from, and the tables it joins to it ({@link JoinedTable}; absent in a registry written before they were recorded). */
export interface TimeSource {
  readonly table: string;
  readonly column: string;
  readonly joins?: readonly JoinedTable[];
}

export interface StoredRollup {
  /** `Cube.rollup`. */
  readonly name: string;
  readonly table: string;
  readonly hash: string;
  readonly sql: string;
  readonly params: readonly (string | number | boolean | null)[];
  readonly timeColumn: string;
  readonly partitionGranularity: string;
  readonly sourceTables: readonly string[];
  readonly timeSource: TimeSource | null;
  readonly dataVersion: number;
  readonly builtAt: Date;
  readonly rows: number;
  readonly buildSeconds: number;
  /**
   * Every column of the table with its merge rule, or null when some measure cannot merge (or the
   * rollup was built before uprate recorded it): new rows are then refreshed by partition.
   */
  readonly mergeColumns: readonly MergeColumn[] | null;
  /** A rollup by cluster's layout; null for a plain rollup. */
  readonly layout: ClusterLayout | null;
  /** A plain rollup's open window; null when it has none (absent: read from a registry without the column). */
  readonly open?: OpenWindow | null;
  /**
   * What the last load that maintained it spent on it, in seconds (its share of what its family of
   * moments shares); null when no load has since its build, or the registry predates the column.
   */
  readonly refreshSeconds?: number | null;
  /**
   * A plain rollup that loads append their new rows' groups to: the rows its table held when its
   * groups were last merged into one row each (null: as built, one row a group; absent: the
   * registry predates the column, and loads merge instead).
   */
  readonly compactRows?: number | null;
}

function fromRow(r: Row): StoredRollup {
  const text = (k: string) => String(r[k] ?? '');
  const builtAt = r['built_at'];
  return {
    name: text('name'),
    table: text('table_name'),
    hash: text('definition_hash'),
    sql: text('build_sql'),
    params: JSON.parse(text('build_params')) as StoredRollup['params'],
    timeColumn: text('time_column'),
    partitionGranularity: text('partition_granularity'),
    sourceTables: JSON.parse(text('source_tables')) as string[],
    timeSource: r['time_source'] ? (JSON.parse(String(r['time_source'])) as StoredRollup['timeSource']) : null,
    dataVersion: Number(r['data_version']),
    builtAt: builtAt instanceof Date ? builtAt : new Date(`${String(builtAt).replace(' ', 'T')}Z`),
    rows: Number(r['row_count']),
    buildSeconds: Number(r['build_seconds']),
    mergeColumns: r['merge_columns'] ? (JSON.parse(String(r['merge_columns'])) as MergeColumn[]) : null,
    layout: r['layout'] ? (JSON.parse(String(r['layout'])) as ClusterLayout) : null,
    open: r['open_window'] ? (JSON.parse(String(r['open_window'])) as OpenWindow) : null,
    refreshSeconds: r['refresh_seconds'] === null || r['refresh_seconds'] === undefined ? null : Number(r['refresh_seconds']),
    ...(r['compact_rows'] === undefined ? {} : { compactRows: r['compact_rows'] === null ? null : Number(r['compact_rows']) }),
  };
}

const SELECT = 'SELECT * FROM uprate_rollups ORDER BY name';

/** Is there a registry in this store? (A read-only store or a fresh one has none.) */

/** The registry inside a transaction (created when missing). */
export async function registryIn(exec: Exec): Promise<StoredRollup[]> {
  await ensureRegistry(exec);
  return readRegistry(exec);
}

/** Creates the registry inside a transaction when it is missing (a build, which reads none of its rows). */
export async function ensureRegistry(exec: Exec): Promise<void> {
  await exec(REGISTRY_DDL);
}

/** The registry's rows, read with `query`. */
export async function readRegistry(query: (sql: string) => Promise<Row[]>): Promise<StoredRollup[]> {
  return (await query(SELECT)).map(fromRow);
}

/**
 * Brings an older registry's columns up to date, inside a build's transaction before it records
 * a rollup. Only a build does (PostgreSQL's ALTER would lock the registry against readers for a
 * whole load).
 */
export async function upgradeRegistry(exec: Exec, engine: Store['engine']): Promise<void> {
  const columns = new Set(await tableColumns(exec, engine, 'uprate_rollups'));
  for (const [column, upgrade] of REGISTRY_UPGRADES) if (!columns.has(column)) await exec(upgrade);
}

/**
 * The columns of one of uprate's tables in the current schema (DuckDB's main, PostgreSQL's search
 * path). DuckDB reads its information_schema from every table of the catalog: 10–14 ms a question
 * with a model's 140 tables (a build asked 64 times), against under 1 ms from the table's own info.
 */
export async function tableColumns(exec: Exec, engine: Store['engine'], table: string): Promise<string[]> {
  const rows =
    engine === 'duckdb'
      ? await exec(`SELECT name AS c FROM pragma_table_info('${table.replaceAll("'", "''")}')`)
      : await exec(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()`, [table]);
  return rows.map((r) => String(r['c']));
}

/** Records (or replaces) a rollup's row inside the transaction that built it (whose registry {@link upgradeRegistry} brought up to date). */
export async function recordRollup(exec: Exec, r: StoredRollup): Promise<void> {
  await exec('DELETE FROM uprate_rollups WHERE name = $1', [r.name]);
  await exec(
    `INSERT INTO uprate_rollups (name, table_name, definition_hash, build_sql, build_params, time_column, partition_granularity, source_tables, time_source, data_version, built_at, row_count, build_seconds, merge_columns, layout, open_window)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CAST($11 AS TIMESTAMP), $12, $13, $14, $15, $16)`,
    [
      r.name,
      r.table,
      r.hash,
      r.sql,
      JSON.stringify(r.params),
      r.timeColumn,
      r.partitionGranularity,
      JSON.stringify(r.sourceTables),
      r.timeSource ? JSON.stringify(r.timeSource) : null,
      r.dataVersion,
      r.builtAt.toISOString().slice(0, 23).replace('T', ' '),
      r.rows,
      r.buildSeconds,
      r.mergeColumns ? JSON.stringify(r.mergeColumns) : null,
      r.layout ? JSON.stringify(r.layout) : null,
      r.open ? JSON.stringify(r.open) : null,
    ],
  );
}

/** No load log: the rollup reads tables uprate does not load, and ages instead (see {@link UNTRACKED_MAX_AGE_MS}). */
export const UNTRACKED = -1;

/** How long a rollup over tables uprate does not load is used after its build (Cube's default refresh of a rollup: an hour). */
export const UNTRACKED_MAX_AGE_MS = 60 * 60 * 1000;

/** The data version inside a transaction: the newest load, 0 before any, {@link UNTRACKED} without uprate's load log. */
export async function versionIn(exec: Exec, engine: Store['engine']): Promise<number> {
  if (!(await hasRegistryTable(exec, engine, 'uprate_loads'))) return UNTRACKED;
  const [row] = await exec('SELECT max(load_id) AS v FROM uprate_loads');
  return row?.['v'] === null || row?.['v'] === undefined ? 0 : Number(row['v']);
}

export async function hasRegistryTable(exec: Exec, engine: Store['engine'], table: string): Promise<boolean> {
  if (engine === 'clickhouse') return Number((await exec(`SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = '${table.replaceAll("'", '')}'`))[0]?.['n'] ?? 0) > 0;
  if (engine === 'duckdb') return (await exec(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $1`, [table])).length > 0;
  return (await exec('SELECT to_regclass($1) IS NOT NULL AS t', [table]))[0]?.['t'] === true;
}

/** Which family a stored rollup of moments belongs to: members read the same statement, over the same clusters, counts and months. */
export const momentsFamilyKey = (s: StoredRollup): string => JSON.stringify([s.sql, s.params, s.timeColumn, s.timeSource, s.layout?.cluster, s.layout?.measures, s.layout?.periods[0], s.layout?.grain, s.layout?.perPeriod]);

/** The granularities a rollup by cluster's periods may have (month unless its moments are per period). */
export type ClusterGrain = 'day' | 'week' | 'month';

/** A layout's granularity. */
export const grainOf = (layout: { readonly grain?: ClusterGrain | undefined }): ClusterGrain => layout.grain ?? 'month';
