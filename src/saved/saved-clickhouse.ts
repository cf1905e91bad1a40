/**
 * Saved views and annotations on a ClickHouse cluster, kept as the rollup registry keeps its rows
 * (engines/clickhouse/clickhouse-rollups.ts): every shard holds a full copy of both tables
 * (saved-tables.ts), and a change is one row appended on every shard — 18.16 has no UPDATE, no
 * ON CONFLICT, no ON CLUSTER. A key's row with the highest `version` wins (argMax), and
 * `is_deleted = 1` there hides the key.
 *
 * - Reads ask one shard (the first) for its own copy, never the cluster: each shard has every row.
 * - A change goes to the other shards first and to that shard last, so a change readers see has
 *   reached every shard; one that fails on the way is reported and readers still see the old state.
 * - A version is the registry's (clock microseconds plus a random part, strictly increasing in
 *   this process, so two saves in one millisecond still keep the later) and above every version
 *   any shard holds for the key (written by another process, whose clock may lag).
 *
 * Every statement names the tenant: no read or write reaches another tenant's rows.
 */
import { errorMessage, isUprateError, UprateError } from '../core/errors.js';
import { bindClickHouseSql, newLoadId, type ClickHouseStore } from '../engines/clickhouse/index.js';
import type { SqlValue } from '../store/index.js';

export type SavedTable = 'saved_views' | 'annotations';

/** One tenant's view (by name) or note (by id). */
export interface SavedKey {
  readonly tenant: string;
  readonly value: string;
}

const keyColumn = (table: SavedTable) => (table === 'saved_views' ? 'name' : 'id');

/** The shard readers ask (each shard keeps a full copy). */
function readShard(store: ClickHouseStore): ClickHouseStore['shards'][number] {
  const [first] = store.shards;
  if (!first) throw new Error(`ClickHouse store ${store.target} has no shards`);
  return first;
}

async function select(store: ClickHouseStore, shard: ClickHouseStore['shards'][number], sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
  const bound = bindClickHouseSql(sql, params, store.bindMode);
  return [...(await shard.select(bound.sql, { params: bound.params, what: 'reading saved views and annotations' })).data];
}

/** The tenant's views, newest version of each name, deleted ones left out: `name, state, created_at, created_by`. */
export function readViews(store: ClickHouseStore, tenant: string): Promise<Record<string, unknown>[]> {
  return select(
    store,
    readShard(store),
    `SELECT name, argMax(state, version) AS state_now, toString(argMax(created_at, version)) AS created_at_now, argMax(created_by, version) AS created_by_now
     FROM ${store.shardDb}.saved_views WHERE tenant = {p1:String}
     GROUP BY name HAVING argMax(is_deleted, version) = 0 ORDER BY name`,
    [tenant],
  ).then((rows) => rows.map((r) => ({ name: r['name'], state: r['state_now'], created_at: r['created_at_now'], created_by: r['created_by_now'] })));
}

/** The tenant's notes with a day in [lo, hi], newest version of each id: `id, day, text, created_at, created_by`. */
export function readAnnotations(store: ClickHouseStore, tenant: string, lo: string, hi: string): Promise<Record<string, unknown>[]> {
  // The day is compared after argMax picked each note's newest row (18.16: no alias may shadow a column inside an aggregate).
  return select(
    store,
    readShard(store),
    `SELECT id, day_now, text_now, created_at_now, created_by_now FROM (
       SELECT id, toString(argMax(day, version)) AS day_now, argMax(text, version) AS text_now, toString(argMax(created_at, version)) AS created_at_now,
              argMax(created_by, version) AS created_by_now, argMax(is_deleted, version) AS deleted_now
       FROM ${store.shardDb}.annotations WHERE tenant = {p1:String} GROUP BY id
     ) WHERE deleted_now = 0 AND day_now >= {p2:String} AND day_now <= {p3:String}
     ORDER BY day_now, created_at_now, id`,
    [tenant, lo, hi],
  ).then((rows) => rows.map((r) => ({ id: r['id'], day: r['day_now'], text: r['text_now'], created_at: r['created_at_now'], created_by: r['created_by_now'] })));
}

/** A version above this process's last one and above every version a shard holds for the key. */
async function nextVersion(store: ClickHouseStore, table: SavedTable, key: SavedKey): Promise<number> {
  let newest = 0;
  for (const shard of store.shards) {
    const [row] = await select(store, shard, `SELECT max(version) AS v FROM ${store.shardDb}.${table} WHERE tenant = {p1:String} AND ${keyColumn(table)} = {p2:String}`, [key.tenant, key.value]);
    newest = Math.max(newest, Number(row?.['v'] ?? 0));
  }
  return Math.max(newLoadId(), newest + 1);
}

/**
 * Appends a new version of the key on every shard, the read shard last; `deleted` hides the key.
 * `row` holds the table's other columns (the key and tenant are set here).
 */
export async function appendVersion(store: ClickHouseStore, table: SavedTable, key: SavedKey, row: Readonly<Record<string, unknown>>, deleted = false): Promise<void> {
  const version = await nextVersion(store, table, key);
  const body = JSON.stringify({ ...row, tenant: key.tenant, [keyColumn(table)]: key.value, version, is_deleted: deleted ? 1 : 0 });
  const reader = readShard(store);
  const order = [...store.shards.filter((s) => s !== reader), reader];
  for (const [written, shard] of order.entries()) {
    try {
      await shard.request(`INSERT INTO ${store.shardDb}.${table} FORMAT JSONEachRow`, { body, what: `saving to ${table}` });
    } catch (e) {
      throw notSaved(e, table, shard.label, written, order.length);
    }
  }
}

function notSaved(e: unknown, table: SavedTable, shard: string, written: number, shards: number): UprateError {
  const what = table === 'saved_views' ? 'the saved view' : 'the annotation';
  return new UprateError(isUprateError(e) ? e.code : 'DB_ERROR', `${what} was not saved: ClickHouse ${shard} refused the change (${errorMessage(e)})`, {
    location: shard,
    hint:
      written === 0
        ? 'nothing was written; bring the shard back (scripts/services/clickhouse.sh start-shard N) and save again'
        : `${written} of ${shards} shards hold the change but readers do not see it; bring the shard back and save again (the newest version wins on every shard)`,
    details: { engine: 'clickhouse', table, shardsWritten: written, shards },
    cause: e,
  });
}
