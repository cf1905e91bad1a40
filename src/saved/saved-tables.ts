/**
 * The tables of saved views and annotations. DuckDB and PostgreSQL share one DDL (PostgreSQL:
 * in uprate's schema, as the alert tables); ClickHouse keeps a full copy on every shard, as the
 * rollup registry does: append-only MergeTree rows with a `version` and an `is_deleted` flag,
 * read with argMax per key (18.16 has no ON CONFLICT, no UPDATE, no ON CLUSTER without ZooKeeper).
 *
 * - `uprate_views`: one row per tenant and name; `state` is the dashboard's query string.
 * - `uprate_annotations`: one row per note: a day and a short text.
 *
 * `tenant` keys every row to the caller's security filters (tenant.ts), so one tenant never
 * reads another's rows.
 */
import { isUprateError, UprateError } from '../core/errors.js';
import type { ClickHouseStore } from '../engines/clickhouse/index.js';
import type { Store } from '../store/index.js';

export const SAVED_TABLES_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS uprate_views (
    tenant VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR,
    PRIMARY KEY (tenant, name)
  )`,
  `CREATE TABLE IF NOT EXISTS uprate_annotations (
    id VARCHAR NOT NULL PRIMARY KEY,
    tenant VARCHAR NOT NULL,
    day DATE NOT NULL,
    text VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR
  )`,
];

/** The ClickHouse tables of one shard (`sdb`: the store's per-shard database). */
export function clickhouseSavedDdl(sdb: string): readonly string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${sdb}`,
    `CREATE TABLE IF NOT EXISTS ${sdb}.saved_views (
  tenant String, name String, state String, created_at DateTime('UTC'), created_by String,
  version UInt64, is_deleted UInt8
) ENGINE = MergeTree ORDER BY (tenant, name)`,
    `CREATE TABLE IF NOT EXISTS ${sdb}.annotations (
  id String, tenant String, day Date, text String, created_at DateTime('UTC'), created_by String,
  version UInt64, is_deleted UInt8
) ENGINE = MergeTree ORDER BY (tenant, id)`,
  ];
}

const ready = new WeakMap<Store, Promise<void>>();

/**
 * Creates the tables once per store (IF NOT EXISTS). A read-only store has none: READ_ONLY
 * (HTTP 409) saying why, as other features that write uprate's tables do.
 */
export function ensureSavedTables(store: Store): Promise<void> {
  const known = ready.get(store);
  if (known) return known;
  const creating = (async () => {
    if (store.readOnly) throw readOnly(store, store.readOnlyReason ?? 'the store is open read-only');
    if (store.engine === 'clickhouse') {
      const ch = store as unknown as ClickHouseStore;
      for (const shard of ch.shards) for (const sql of clickhouseSavedDdl(ch.shardDb)) await shard.request(sql, { what: 'saved views and annotations' });
      return;
    }
    try {
      // PostgreSQL: uprate's schema, where the alert tables go too.
      await store.ensureOwnTables('alert history');
    } catch (e) {
      if (isUprateError(e) && e.code === 'READ_ONLY') throw readOnly(store, (e.details as { why?: string } | undefined)?.why ?? e.message);
      throw e;
    }
    try {
      for (const ddl of SAVED_TABLES_DDL) await store.run(ddl);
    } catch {
      // Two processes creating them at once can collide in the catalog: once more finds them there.
      for (const ddl of SAVED_TABLES_DDL) await store.run(ddl);
    }
  })();
  ready.set(store, creating);
  creating.catch(() => ready.delete(store));
  return creating;
}

function readOnly(store: Store, why: string): UprateError {
  return new UprateError('READ_ONLY', `saved views and annotations need uprate's own tables, but ${store.target} is open read-only (${why})`, {
    location: store.target,
    hint: 'open the store read-write (without --read-only, as a user who may create tables)',
  });
}
