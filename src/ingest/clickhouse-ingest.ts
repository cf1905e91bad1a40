import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../core/errors.js';
import type { ColumnRule, TableSpec } from '../core/schema.js';
import type { ClickHouseStore } from '../store/clickhouse-store.js';
import { sqlString } from '../store/sql-literal.js';
import type { BulkLoad, LoadCounts } from '../store/store.js';

/**
 * Loading checked rows of one or more tables into a ClickHouse cluster, all or nothing, idempotently.
 *
 * ClickHouse has no transaction across shards, so visibility is a commit marker: every row of a
 * load carries its `load_id`, and the views queries read keep only rows of loads listed in
 * `<db>_shard.loads` (then, per key, the newest such row). Each table of a call is a load of its
 * own (its own id and marker); the steps:
 *
 * 1. the good rows (already checked by the shared DuckDB pass, one per key) are turned into
 *    CSV records with ClickHouse's DateTime text (whole seconds, UTC), NULL as an unquoted `\N`
 *    and every text quoted (so the text `\N` stays text);
 * 2. every table's rows are inserted through the Distributed `*_write` table in large batches,
 *    each waiting for every shard (`insert_distributed_sync`) — invisible, since no load is
 *    committed;
 * 3. each loaded row is compared with the committed version of its key (updated, unchanged);
 *    an offer re-loaded with another customer moves shard (rows are sharded by customer): a
 *    tombstone row for the old placement hides the old version there;
 * 4. the commit markers of all the loads are written to every shard, in one insert per shard
 *    (one block: a shard shows all of them or none). A failure before that stops the call before
 *    any marker is written: nothing of any table is ever visible, and the loads' rows are deleted
 *    (best effort). A shard that fails during step 4 after another took the markers already
 *    holds all its rows, so the markers are copied to it when it is back
 *    ({@link ClickHouseStore.completeCommits}).
 *
 * Re-loading a row adds a newer version (no update in place); queries never double-count it
 * because the views pick one row per key. A `replace` load (the demo) also hides every earlier
 * load of the table.
 */
export async function bulkLoadClickHouse(store: ClickHouseStore, loads: readonly BulkLoad[]): Promise<LoadCounts[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'uprate-ch-load-'));
  const pending: PendingLoad[] = loads.map((load) => ({ load, loadId: newLoadId(), records: join(scratch, `${load.table.name}.csv`) }));
  const sent: PendingLoad[] = [];
  let current = loads[0]?.table.name ?? 'nothing';
  try {
    for (const p of pending) {
      current = p.load.table.name;
      const converted = await toClickHouseCsv(p.load.file, p.records, p.load.table, p.loadId);
      if (converted !== p.load.rows) {
        throw new UprateError('DB_ERROR', `ClickHouse load of ${current}: ${converted} rows prepared of ${p.load.rows} checked; nothing was loaded`, { location: store.target });
      }
    }
    try {
      for (const p of pending) {
        current = p.load.table.name;
        sent.push(p);
        await sendBatches(store, p.records, p.load.table, p.load);
        const arrived = await countLoad(store, p.load.table, p.loadId);
        if (arrived !== p.load.rows) {
          throw new UprateError('DB_ERROR', `ClickHouse received ${arrived} rows of ${p.load.rows} sent to ${current}; nothing was loaded`, { location: store.target });
        }
      }
      const counts: LoadCounts[] = [];
      for (const p of pending) {
        current = p.load.table.name;
        counts.push(p.load.replace ? { inserted: p.load.rows, updated: 0, unchanged: 0 } : await compareWithCommitted(store, p.load.table, p.loadId, p.load.rows));
      }
      await commit(store, pending, counts);
      return counts;
    } catch (e) {
      for (const p of sent) await forget(store, p.load.table, p.loadId);
      if (e instanceof UprateError && e.code !== 'DB_ERROR') throw e;
      // Several tables: ingestTables says that nothing of any file was loaded.
      throw new UprateError('DB_ERROR', `loading ${current} into ${store.target} failed; nothing of it is visible: ${errorMessage(e)}`, {
        location: store.target,
        hint: 'fix the cause and load the files again (loading is idempotent)',
        cause: e,
      });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** One table's load on its way: its id and its records in ClickHouse's CSV. */
interface PendingLoad {
  readonly load: BulkLoad;
  readonly loadId: number;
  readonly records: string;
}

let lastLoadId = 0;

/**
 * Load ids order versions (the newest committed load wins), so they follow the clock: epoch
 * milliseconds × 1000 plus a random part, strictly increasing within a process.
 */
export function newLoadId(): number {
  const id = Math.max(Date.now() * 1000 + Math.floor(Math.random() * 1000), lastLoadId + 1);
  lastLoadId = id;
  return id;
}

/** DuckDB's CSV of checked rows → CSV records in ClickHouse's types and column order, with load_id and is_deleted. */
async function toClickHouseCsv(csv: string, out: string, spec: TableSpec, loadId: number): Promise<number> {
  const types = spec.columns.map((c) => `${sqlString(c.name)}: '${duckType(c)}'`).join(', ');
  const select = spec.columns.map((c) => `${clickhouseValue(c)} AS ${c.name}`).join(', ');
  const quoted = spec.columns.filter((c) => c.kind === 'text').map((c) => c.name);
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    const result = await c.run(
      `COPY (SELECT ${select}, ${loadId}::UBIGINT AS load_id, 0::UTINYINT AS is_deleted
         FROM read_csv(${sqlString(csv)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${types}}))
       TO ${sqlString(out)} (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR '\\N'${quoted.length ? `, FORCE_QUOTE (${quoted.join(', ')})` : ''})`,
    );
    return Number(result.rowsChanged);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

function duckType(c: ColumnRule): string {
  return c.kind === 'timestamp' ? 'TIMESTAMP' : c.kind === 'text' ? 'VARCHAR' : 'DOUBLE';
}

/** DateTime counts whole seconds in 1970–2105: fractions are dropped, values outside refused. */
function clickhouseValue(c: ColumnRule): string {
  if (c.kind !== 'timestamp') return c.name;
  const range = `CASE WHEN ${c.name} < TIMESTAMP '1970-01-01' OR ${c.name} >= TIMESTAMP '2106-02-07'
    THEN error('${c.name} ' || CAST(${c.name} AS VARCHAR) || ' is outside the range ClickHouse DateTime stores (1970 to 2105)') END`;
  return `COALESCE(${range}, strftime(${c.name}, '%Y-%m-%d %H:%M:%S'))`;
}

/** Rows per INSERT: big enough for ClickHouse's parts, small enough to retry and to report progress. */
const BATCH_ROWS = 250_000;

async function sendBatches(store: ClickHouseStore, file: string, spec: TableSpec, load: BulkLoad): Promise<void> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let batch: string[] = [];
  let records = 0;
  let sent = 0;
  // A quoted text can hold a line break: a record ends only where the quotes seen are balanced.
  let open = false;
  // One batch travels while the next is read: the file and the network overlap.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (records === 0) return;
    const body = `${batch.join('\n')}\n`;
    const first = sent + 1;
    const count = records;
    sent += records;
    batch = [];
    records = 0;
    await inFlight;
    inFlight = store.insertCsv(`${spec.name}_write`, body, `loading ${spec.name}, rows ${first}–${first + count - 1}`).then(() => {
      load.onProgress?.(load.rows > 0 ? (first + count - 1) / load.rows : 1);
    });
    // A failure surfaces at the next flush or at the end; keep it from going unhandled meanwhile.
    inFlight.catch(() => undefined);
  };
  for await (const line of lines) {
    if (!open && line === '') continue;
    batch.push(line);
    for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) open = !open;
    if (open) continue;
    records++;
    if (records >= BATCH_ROWS) await flush();
  }
  await flush();
  await inFlight;
}

async function countLoad(store: ClickHouseStore, spec: TableSpec, loadId: number): Promise<number> {
  const rows = await store.query<{ n: number }>(`SELECT count() AS n FROM ${spec.name}_write WHERE load_id = ${loadId} AND is_deleted = 0`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Compares the load with the committed versions: its keys that have one are updated unless every
 * value is equal (unchanged); for offers whose customer changed, a tombstone on the old
 * customer's shard stops the old version counting there. Customers never move: their key is the
 * sharding key.
 */
async function compareWithCommitted(store: ClickHouseStore, spec: TableSpec, loadId: number, rows: number): Promise<LoadCounts> {
  const key = spec.key;
  const loaded = `SELECT ${key} FROM ${spec.name}_write WHERE load_id = ${loadId}`;
  const [row] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${spec.name} WHERE ${key} GLOBAL IN (${loaded})`);
  const stored = Number(row?.n ?? 0);
  if (stored === 0) return { inserted: rows, updated: 0, unchanged: 0 };
  const unchanged = await countUnchanged(store, spec, loadId);
  if (spec.name === 'offers') await hideMovedRows(store, spec, loadId);
  return { inserted: rows - stored, updated: stored - unchanged, unchanged };
}

/**
 * Loaded rows equal to the committed version of their key, NULL equal to NULL. An equal row has
 * the same customer, so it sits on the same shard: each shard compares its own rows. A row is
 * compared as its key and a 64-bit hash of every value, so the set a shard builds stays small.
 */
async function countUnchanged(store: ClickHouseStore, spec: TableSpec, loadId: number): Promise<number> {
  // 18.16's IN never matches NULL, and a hash of a NULL is NULL: a nullable column is compared
  // as (is it NULL?, its value).
  const parts = spec.columns.flatMap((c) => (c.required ? [c.name] : [`isNull(${c.name})`, `assumeNotNull(${c.name})`])).join(', ');
  const values = `${spec.key}, cityHash64(${parts})`;
  let unchanged = 0;
  for (const shard of store.shards) {
    const answer = await shard.select(
      `SELECT count() AS n FROM ${store.shardDb}.${spec.name}
       WHERE (${values}) IN (SELECT ${values} FROM ${store.shardDb}.${spec.name}_rows WHERE load_id = ${loadId} AND is_deleted = 0)`,
    );
    unchanged += Number(answer.data[0]?.['n'] ?? 0);
  }
  return unchanged;
}

/** Writes a tombstone on the old shard of each offer the load moves to another customer. */
async function hideMovedRows(store: ClickHouseStore, spec: TableSpec, loadId: number): Promise<void> {
  const key = spec.key;
  const loaded = `SELECT ${key} FROM ${spec.name}_write WHERE load_id = ${loadId}`;
  const moved = await store.query<Record<string, unknown>>(
    `SELECT * FROM ${spec.name} WHERE ${key} GLOBAL IN (${loaded})
       AND (${key}, customer_id) GLOBAL NOT IN (SELECT ${key}, customer_id FROM ${spec.name}_write WHERE load_id = ${loadId})`,
  );
  if (moved.length === 0) return;
  const tombstones = moved.map((r) => {
    const out: Record<string, unknown> = { load_id: loadId, is_deleted: 1 };
    for (const c of spec.columns) out[c.name] = r[c.name] instanceof Date ? dateTimeText(r[c.name] as Date) : (r[c.name] ?? null);
    return JSON.stringify(out);
  });
  for (let i = 0; i < tombstones.length; i += BATCH_ROWS) {
    await store.insertJson(`${spec.name}_write`, tombstones.slice(i, i + BATCH_ROWS).join('\n'), `hiding ${moved.length} moved ${spec.name}`);
  }
}

function dateTimeText(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Writes the commit markers of every load on every shard, all of them in one insert per shard;
 * see {@link bulkLoadClickHouse} for a shard that fails here.
 */
async function commit(store: ClickHouseStore, loads: readonly PendingLoad[], counts: readonly LoadCounts[]): Promise<void> {
  const loadedAt = dateTimeText(new Date());
  const markers = loads.map(({ load, loadId }, i) =>
    JSON.stringify({
      load_id: loadId,
      table_name: load.table.name,
      source: `${load.log.via}: ${load.log.source}`.slice(0, 2000),
      rows_read: load.log.rowsRead,
      rows_inserted: counts[i]?.inserted ?? 0,
      rows_updated: counts[i]?.updated ?? 0,
      rows_rejected: load.log.rejected,
      is_replace: load.replace ? 1 : 0,
      loaded_at: loadedAt,
    }),
  );
  let committed = 0;
  for (const shard of store.shards) {
    try {
      await shard.request(`INSERT INTO ${store.shardDb}.loads FORMAT JSONEachRow`, { body: markers.join('\n'), what: 'commit' });
      committed++;
    } catch (e) {
      if (committed === 0) throw e;
      // Some shards show the loads already: they are complete everywhere, so they stay committed
      // and the markers reach this shard when it is back.
      store.markIncompleteCommit();
      return;
    }
  }
}

/** Deletes an uncommitted load's rows (they are invisible anyway; this only frees space). */
async function forget(store: ClickHouseStore, spec: TableSpec, loadId: number): Promise<void> {
  for (const shard of store.shards) {
    await shard.request(`ALTER TABLE ${store.shardDb}.${spec.name}_rows DELETE WHERE load_id = ${loadId}`).catch(() => undefined);
  }
}
