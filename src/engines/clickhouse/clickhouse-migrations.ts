import { CUSTOMERS, OFFERS, type ColumnRule, type TableSpec } from '../../core/schema.js';

/**
 * uprate's tables on a ClickHouse cluster. 18.16 has no `ON CLUSTER` without ZooKeeper, so every
 * statement runs on every shard, each idempotent (`IF NOT EXISTS`); a shard records the versions
 * it has applied in its own `<db>_shard.migrations`.
 *
 * Per shard, database `<db>_shard` (storage; written `uprate_shard` below):
 * - `offers_rows`, `customers_rows`: every version ever loaded, tagged with its `load_id` and an
 *   `is_deleted` tombstone flag (MergeTree; see "why not ReplacingMergeTree" in README.md);
 * - `loads`: commit markers, one row per committed load, a full copy on every shard; a load
 *   with `is_replace` (the demo's) hides every earlier load of its table;
 * - `offers`, `customers`: views that keep, per key, the row of the newest *committed* load
 *   (argMax over load_id) and drop tombstones — what every query reads.
 *
 * In the user's database (default `default`), on every shard:
 * - `offers`, `customers`: Distributed over those views — the names the model's `sql_table` uses.
 *   The remote table keeps the same name, so `offers.customer_id` in a JOIN ON still resolves
 *   on the shards (18.16 drops the alias when it rewrites the query for them);
 * - `offers_write`, `customers_write`: Distributed over the row tables, sharded by
 *   `cityHash64(customer_id)` — an offer lives on its customer's shard, so the offers→customers
 *   join runs shard-locally;
 * - `uprate_loads`: the load log (this shard's copy of the commit markers), as on DuckDB;
 *   `uprate_loads_all`: every shard's copy, to find a commit that reached only some shards.
 */
/** The per-shard storage database of the user's database `db`. */
export const shardDatabase = (db: string): string => `${db}_shard`;

export interface ClickHouseMigration {
  readonly version: number;
  readonly name: string;
  /** Statements for one shard; `db` is the user's database, `cluster` the remote_servers name. */
  readonly sql: (db: string, cluster: string, sdb?: string) => readonly string[];
}

/** The ClickHouse type of a column of the data model. */
export function clickhouseColumnType(c: ColumnRule): string {
  const base = c.kind === 'text' ? 'String' : c.kind === 'timestamp' ? "DateTime('UTC')" : 'Float64';
  return c.required ? base : `Nullable(${base})`;
}

function rowTable(sdb: string, spec: TableSpec, orderBy: string, partitionBy: string | null): string {
  const columns = spec.columns.map((c) => `${c.name} ${clickhouseColumnType(c)}`).join(',\n  ');
  return `CREATE TABLE IF NOT EXISTS ${sdb}.${spec.name}_rows (
  ${columns},
  load_id UInt64,
  is_deleted UInt8
) ENGINE = MergeTree${partitionBy ? ` PARTITION BY ${partitionBy}` : ''} ORDER BY ${orderBy}`;
}

/**
 * The newest committed version of each key. `argMax` skips NULL arguments, so a nullable column
 * is carried as (is it NULL?, its value) — otherwise a correction that clears `accepted_at` would
 * bring the old acceptance back. Versions are ordered by load, and within one load a row before
 * a tombstone: an offer a load gives to another customer of the same shard has both there under
 * the same `load_id` (the new row, and the tombstone hiding the old customer's), and on a tie
 * `argMax` picks either — the offer vanished, or mixed the two rows' columns.
 */
export function latestCommittedView(sdb: string, spec: TableSpec, create = 'CREATE VIEW IF NOT EXISTS'): string {
  return `${create} ${sdb}.${spec.name} AS\n${latestCommittedSelect(sdb, spec)}`;
}

/** The views' statement (latestCommittedView); `keys`, a subquery: only the keys it lists (the row table's order finds them). */
export function latestCommittedSelect(sdb: string, spec: TableSpec, keys?: string): string {
  const key = spec.key;
  // Load ids are below 2⁶² (microseconds since 1970): twice one, plus one, stays within UInt64.
  const inner = [`${key} AS k`, 'load_id * 2 + (1 - is_deleted) AS v', 'is_deleted AS d', ...spec.columns.filter((c) => c.name !== key).map((c) => `${c.name} AS c_${c.name}`)];
  const outer = spec.columns.map((c) => {
    // Not Nullable: 18.16 merges a JOIN ON key with the left side's (non-Nullable) key and
    // crashes on aggregates over it when the right side declares it Nullable.
    if (c.name === key) return `k AS ${key}`;
    if (c.required) return `argMax(c_${c.name}, v) AS ${c.name}`;
    return `if(argMax(isNull(c_${c.name}), v) = 1, NULL, argMax(assumeNotNull(c_${c.name}), v)) AS ${c.name}`;
  });
  return `SELECT ${outer.join(', ')}
FROM (SELECT ${inner.join(', ')} FROM ${sdb}.${spec.name}_rows WHERE load_id IN (${committedLoads(sdb, spec.name)})${keys ? ` AND ${key} IN (${keys})` : ''})
GROUP BY k
HAVING argMax(d, v) = 0`;
}

/** The committed loads a table's view shows: every one since the newest replacing load. */
function committedLoads(sdb: string, table: string): string {
  const mine = `table_name = '${table}'`;
  return `SELECT load_id FROM ${sdb}.loads WHERE ${mine} AND load_id >= (SELECT max(load_id) FROM ${sdb}.loads WHERE ${mine} AND is_replace = 1)`;
}

const q = (db: string) => `\`${db}\``;

export const CLICKHOUSE_MIGRATIONS: readonly ClickHouseMigration[] = [
  {
    version: 1,
    name: 'offers and customers on a cluster',
    sql: (db, cluster, sdb = shardDatabase(db)) => [
      `CREATE DATABASE IF NOT EXISTS ${sdb}`,
      `CREATE DATABASE IF NOT EXISTS ${q(db)}`,
      rowTable(sdb, OFFERS, 'offer_id', 'toYYYYMM(offered_at)'),
      rowTable(sdb, CUSTOMERS, 'customer_id', null),
      `CREATE TABLE IF NOT EXISTS ${sdb}.loads (
  load_id UInt64,
  table_name String,
  source String,
  rows_read UInt64,
  rows_inserted UInt64,
  rows_updated UInt64,
  rows_rejected UInt64,
  is_replace UInt8,
  loaded_at DateTime('UTC')
) ENGINE = MergeTree ORDER BY load_id`,
      latestCommittedView(sdb, OFFERS),
      latestCommittedView(sdb, CUSTOMERS),
      `CREATE TABLE IF NOT EXISTS ${q(db)}.offers AS ${sdb}.offers ENGINE = Distributed(${cluster}, ${sdb}, offers)`,
      `CREATE TABLE IF NOT EXISTS ${q(db)}.customers AS ${sdb}.customers ENGINE = Distributed(${cluster}, ${sdb}, customers)`,
      `CREATE TABLE IF NOT EXISTS ${q(db)}.offers_write AS ${sdb}.offers_rows ENGINE = Distributed(${cluster}, ${sdb}, offers_rows, cityHash64(customer_id))`,
      `CREATE TABLE IF NOT EXISTS ${q(db)}.customers_write AS ${sdb}.customers_rows ENGINE = Distributed(${cluster}, ${sdb}, customers_rows, cityHash64(customer_id))`,
      `CREATE VIEW IF NOT EXISTS ${q(db)}.uprate_loads AS SELECT * FROM ${sdb}.loads`,
      `CREATE TABLE IF NOT EXISTS ${q(db)}.uprate_loads_all AS ${sdb}.loads ENGINE = Distributed(${cluster}, ${sdb}, loads)`,
    ],
  },
  {
    version: 2,
    name: 'a row outranks a tombstone of its own load',
    // The views as latestCommittedView now writes them (18.16 has no CREATE OR REPLACE VIEW); the
    // Distributed tables find them again by name.
    sql: (db, _cluster, sdb = shardDatabase(db)) => [OFFERS, CUSTOMERS].flatMap((spec) => [`DROP TABLE IF EXISTS ${sdb}.${spec.name}`, latestCommittedView(sdb, spec, 'CREATE VIEW')]),
  },
];

export const CLICKHOUSE_LATEST_VERSION = CLICKHOUSE_MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export const migrationsTable = (sdb: string): string => `CREATE TABLE IF NOT EXISTS ${sdb}.migrations (
  version UInt32, name String, applied_at DateTime('UTC')
) ENGINE = MergeTree ORDER BY version`;
