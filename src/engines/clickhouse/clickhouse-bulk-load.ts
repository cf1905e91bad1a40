import { readFile, stat } from 'node:fs/promises';
import { UprateError, errorMessage } from '../../core/errors.js';
import { inParallel } from '../../core/in-parallel.js';
import type { ColumnRule, TableSpec } from '../../core/schema.js';
import type { BulkFileFormat, BulkLoad, LoadCounts, Row, ValueLimit } from '../../store/store.js';
import type { ClickHouseHttp } from './clickhouse-http.js';

/**
 * What a load needs of the ClickHouse store: its name for messages, the cluster's shards, reads
 * and inserts. ClickHouseStore (clickhouse-store.ts) passes itself; this module never imports it.
 */
export interface ClickHouseLoadTarget {
  readonly target: string;
  /** One client per shard (first replica), for per-server statements. */
  readonly shards: readonly ClickHouseHttp[];
  /** Where the rows, views and commit markers live on each shard. */
  readonly shardDb: string;
  query<T extends Row = Row>(sql: string): Promise<T[]>;
  insertCsv(table: string, body: string | Uint8Array<ArrayBuffer>, what?: string): Promise<void>;
  insertJson(table: string, rows: string, what?: string): Promise<void>;
  /** A commit reached only some shards: the store finishes it before its next read. */
  markIncompleteCommit(): void;
}

/**
 * Loading checked rows of one or more tables into a ClickHouse cluster, all or nothing, idempotently.
 *
 * ClickHouse has no transaction across shards, so visibility is a commit marker: every row of a
 * load carries its `load_id`, and the views queries read keep only rows of loads listed in
 * `<db>_shard.loads` (then, per key, the newest such row). Each table of a call is a load of its
 * own (its own id and marker); the steps:
 *
 * 1. the good rows (one per key) arrive as ClickHouse's own CSV ({@link clickhouseFileFormat}),
 *    written by DuckDB in the pass that checked them, already carrying their load id, cut into
 *    files of whole rows;
 * 2. every file is inserted through the Distributed `*_write` table, one request each, waiting
 *    for every shard (`insert_distributed_sync`) — invisible, since no load is committed; then
 *    the rows that arrived are counted;
 * 3. each loaded row is compared with the committed version of its key (updated, unchanged);
 *    an offer re-loaded with another customer moves shard (rows are sharded by customer): a
 *    tombstone row for the old placement hides the old version there. A table without any
 *    committed load skips this step ({@link hasCommittedLoad});
 * 4. the commit markers of all the loads are written to every shard, in one insert per shard
 *    (one block: a shard shows all of them or none). A failure before that stops the call before
 *    any marker is written: nothing of any table is ever visible, and the loads' rows are deleted
 *    (best effort). A shard that fails during step 4 after another took the markers already
 *    holds all its rows, so the markers are copied to it when it is back
 *    (`completeCommits` in clickhouse-store.ts).
 *
 * Re-loading a row adds a newer version (no update in place); queries never double-count it
 * because the views pick one row per key. A `replace` load (the demo) also hides every earlier
 * load of the table.
 */
export async function bulkLoadClickHouse(store: ClickHouseLoadTarget, loads: readonly BulkLoad[]): Promise<LoadCounts[]> {
  const pending: PendingLoad[] = loads.map((load) => ({ load, loadId: issuedLoadId(load) }));
  const sent: PendingLoad[] = [];
  let current = loads[0]?.table.name ?? 'nothing';
  try {
    for (const p of pending) {
      current = p.load.table.name;
      sent.push(p);
      await sendFiles(store, p.load);
      const arrived = await countLoad(store, p.load.table, p.loadId);
      if (arrived !== p.load.rows) {
        throw new UprateError('DB_ERROR', `ClickHouse received ${arrived} rows of ${p.load.rows} sent to ${current}; nothing was loaded`, { location: store.target });
      }
    }
    // Rows are still invisible; the checks ingest runs meanwhile must pass before anything is compared or committed.
    for (const p of pending) await p.load.verified;
    const counts: LoadCounts[] = [];
    for (const p of pending) {
      current = p.load.table.name;
      counts.push(await countChanges(store, p));
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
}

/** One table's load on its way, under its id. */
interface PendingLoad {
  readonly load: BulkLoad;
  readonly loadId: number;
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

/** Bytes of ClickHouse's CSV per insert request: big enough for ClickHouse's parts, small enough for the request timeout. */
export const CLICKHOUSE_FILE_BYTES = 32 * 1024 * 1024;

/** The load id each format was made with: its rows carry it. */
const loadIds = new WeakMap<BulkFileFormat, number>();

/**
 * ClickHouse's CSV of one table's load under a new load id: the table's columns in order, then
 * `load_id` and `is_deleted`; DateTime as whole seconds since 1970 (UTC, 10 digits: the form
 * 18.16 reads fastest, fractions dropped), NULL as an unquoted `\N` and every text quoted (so
 * the text `\N` stays text). Cut into files of about `fileBytes`, one insert request each.
 */
export function clickhouseFileFormat(spec: TableSpec, fileBytes = CLICKHOUSE_FILE_BYTES): BulkFileFormat {
  const loadId = newLoadId();
  const quoted = spec.columns.filter((c) => c.kind === 'text').map((c) => c.name);
  const format: BulkFileFormat = {
    columns: [
      ...spec.columns.map((c) => ({ name: c.name, sql: clickhouseValue(c) })),
      { name: 'load_id', sql: `${loadId}::UBIGINT` },
      { name: 'is_deleted', sql: '0::UTINYINT' },
    ],
    header: false,
    copyOptions: `NULLSTR '\\N'${quoted.length ? `, FORCE_QUOTE (${quoted.join(', ')})` : ''}`,
    fileBytes,
    limits: spec.columns.filter((c) => c.kind === 'timestamp').map(dateTimeRange),
  };
  loadIds.set(format, loadId);
  return format;
}

function issuedLoadId(load: BulkLoad): number {
  const id = load.format ? loadIds.get(load.format) : undefined;
  if (id === undefined) throw new Error(`the ${load.table.name} rows were not written in a format from clickhouseFileFormat`);
  return id;
}

/** DateTime counts whole seconds: fractions are dropped (values outside its range are bad rows, {@link dateTimeRange}). */
function clickhouseValue(c: ColumnRule): string {
  if (c.kind !== 'timestamp') return c.name;
  return `lpad(CAST(epoch_us(${c.name}) // 1000000 AS VARCHAR), 10, '0')`;
}

/** DateTime holds 1970-01-01 to 2106-02-07 06:28:15 UTC (seconds in 32 bits); uprate takes whole days of it. */
function dateTimeRange(c: ColumnRule): ValueLimit {
  return {
    column: c.name,
    rule: 'must be from 1970 to 2105 on ClickHouse (what its DateTime holds)',
    refuses: (value) => `${value} < TIMESTAMP '1970-01-01' OR ${value} >= TIMESTAMP '2106-02-07'`,
  };
}

/**
 * Insert requests in flight at once: the server parses each request's CSV on one thread, so two
 * keep it busier than one (on the 2-core test machine the sending took about half as long).
 */
const REQUESTS_IN_FLIGHT = 2;

/**
 * Inserts a load's files one request each (every file whole rows), a few at a time, reporting the
 * share sent. After a failure no new file is sent, and the call returns only once the requests
 * under way have ended, so none lands after the load's rows are deleted.
 */
async function sendFiles(store: ClickHouseLoadTarget, load: BulkLoad): Promise<void> {
  const sizes = await Promise.all(load.files.map(async (f) => (await stat(f)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const queue = load.files.map((file, i) => ({ file, part: i + 1, size: sizes[i] ?? 0 })).filter((f) => f.size > 0);
  let sent = 0;
  await inParallel(queue, REQUESTS_IN_FLIGHT, async (next) => {
    const body = await readFile(next.file);
    await store.insertCsv(`${load.table.name}_write`, body, `loading ${load.table.name}, part ${next.part} of ${load.files.length}`);
    sent += next.size;
    load.onProgress?.(total > 0 ? sent / total : 1);
  });
}

async function countLoad(store: ClickHouseLoadTarget, spec: TableSpec, loadId: number): Promise<number> {
  const rows = await store.query<{ n: number }>(`SELECT count() AS n FROM ${spec.name}_write WHERE load_id = ${loadId} AND is_deleted = 0`);
  return Number(rows[0]?.n ?? 0);
}

/** What a load changes: all new for a `replace` load or a table without any committed load, else compared with the committed rows. */
async function countChanges(store: ClickHouseLoadTarget, p: PendingLoad): Promise<LoadCounts> {
  const { load, loadId } = p;
  if (load.replace || !(await hasCommittedLoad(store, load.table))) return { inserted: load.rows, updated: 0, unchanged: 0 };
  return compareWithCommitted(store, load.table, loadId, load.rows);
}

/**
 * Whether any shard holds a commit marker of the table. Without one the views show none of its
 * rows (they keep rows of committed loads only; uncommitted rows of failed loads never count),
 * so no key of this load is stored: every row is inserted, none updated or unchanged, and no
 * stored version of an offer sits on another shard to hide — the comparison would find nothing,
 * at the price of shipping every loaded key to every shard.
 */
async function hasCommittedLoad(store: ClickHouseLoadTarget, spec: TableSpec): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(`SELECT count() AS n FROM uprate_loads_all WHERE table_name = '${spec.name}'`);
  return Number(row?.n ?? 0) > 0;
}

/**
 * Compares the load with the committed versions: its keys that have one are updated unless every
 * value is equal (unchanged); for offers whose customer changed, a tombstone on the old
 * customer's shard stops the old version counting there. Customers never move: their key is the
 * sharding key.
 */
async function compareWithCommitted(store: ClickHouseLoadTarget, spec: TableSpec, loadId: number, rows: number): Promise<LoadCounts> {
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
async function countUnchanged(store: ClickHouseLoadTarget, spec: TableSpec, loadId: number): Promise<number> {
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

/** Tombstones per insert request. */
const TOMBSTONE_ROWS = 250_000;

/** Writes a tombstone on the old shard of each offer the load moves to another customer. */
async function hideMovedRows(store: ClickHouseLoadTarget, spec: TableSpec, loadId: number): Promise<void> {
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
  for (let i = 0; i < tombstones.length; i += TOMBSTONE_ROWS) {
    await store.insertJson(`${spec.name}_write`, tombstones.slice(i, i + TOMBSTONE_ROWS).join('\n'), `hiding ${moved.length} moved ${spec.name}`);
  }
}

function dateTimeText(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Writes the commit markers of every load on every shard, all of them in one insert per shard;
 * see {@link bulkLoadClickHouse} for a shard that fails here.
 */
async function commit(store: ClickHouseLoadTarget, loads: readonly PendingLoad[], counts: readonly LoadCounts[]): Promise<void> {
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
async function forget(store: ClickHouseLoadTarget, spec: TableSpec, loadId: number): Promise<void> {
  for (const shard of store.shards) {
    await shard.request(`ALTER TABLE ${store.shardDb}.${spec.name}_rows DELETE WHERE load_id = ${loadId}`).catch(() => undefined);
  }
}
