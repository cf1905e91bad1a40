/**
 * Saved views and annotations in the store: list, save (a view's name replaces the tenant's view
 * of that name), remove. Every call is scoped to one tenant (tenant.ts). Writing SQL is here;
 * the store runs it — DuckDB and PostgreSQL the same statements, ClickHouse appends versions.
 */
import { randomBytes } from 'node:crypto';
import { UprateError } from '../core/errors.js';
import type { ClickHouseStore } from '../engines/clickhouse/index.js';
import type { Store } from '../store/index.js';
import { ensureSavedTables } from './saved-tables.js';

export interface SavedView {
  readonly name: string;
  /** The dashboard's query string, without `?`. */
  readonly state: string;
  /** ISO instant. */
  readonly createdAt: string;
  readonly createdBy: string | null;
}

export interface Annotation {
  /** Short random id (what `uprate annotate remove` takes). */
  readonly id: string;
  /** YYYY-MM-DD. */
  readonly day: string;
  readonly text: string;
  readonly createdAt: string;
  readonly createdBy: string | null;
}

/** Who writes: the tenant key (tenant.ts) and the token's subject, if any. */
export interface Writer {
  readonly tenant: string;
  readonly by: string | null;
}

/** `2026-03-01 10:00:00[.123]` (UTC wall time, as the engines print TIMESTAMP) → ISO instant. */
function instant(v: unknown): string {
  const text = v instanceof Date ? v.toISOString() : String(v);
  const iso = text.includes('T') ? text : `${text.replace(' ', 'T')}`;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`).toISOString();
}

/** UTC wall time the three engines read as a TIMESTAMP / DateTime literal. */
function wallTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

const by = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const dayText = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

function viewOf(r: Record<string, unknown>): SavedView {
  return { name: String(r['name']), state: String(r['state']), createdAt: instant(r['created_at']), createdBy: by(r['created_by']) };
}

function annotationOf(r: Record<string, unknown>): Annotation {
  return { id: String(r['id']), day: dayText(r['day']), text: String(r['text']), createdAt: instant(r['created_at']), createdBy: by(r['created_by']) };
}

const isClickHouse = (store: Store): store is Store & ClickHouseStore => store.engine === 'clickhouse';

/**
 * Saved views and notes are not kept on a ClickHouse cluster yet (its append-and-argMax tables
 * did not read back what was written across shards): refused with a clear error, as alert
 * history is, instead of answering wrongly.
 */
function refuseOnClickHouse(store: Store): void {
  if (isClickHouse(store)) {
    throw new UprateError('READ_ONLY', 'saved views and notes are not kept on a ClickHouse store yet', {
      hint: 'keep them on a DuckDB or PostgreSQL store, or share the view\'s URL instead',
    });
  }
}

/** A ClickHouse row version: grows with the clock (microseconds), ties broken at random. */
const version = (now: Date) => now.getTime() * 1000 + Math.floor(Math.random() * 1000);

/** Appends rows to a table of every shard (each shard keeps a full copy). */
async function appendEverywhere(store: ClickHouseStore, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const body = rows.map((r) => JSON.stringify(r)).join('\n');
  for (const shard of store.shards) await shard.request(`INSERT INTO ${store.shardDb}.${table} FORMAT JSONEachRow`, { body, what: `saving to ${table}` });
}

/** The tenant's saved views, by name. */
export async function listViews(store: Store, tenant: string): Promise<SavedView[]> {
  refuseOnClickHouse(store);
  await ensureSavedTables(store);
  if (isClickHouse(store)) {
    const rows = await store.query(
      `SELECT name, argMax(state, version) AS s, toString(argMax(created_at, version)) AS c, argMax(created_by, version) AS b, argMax(is_deleted, version) AS d
       FROM ${store.shardDb}.saved_views WHERE tenant = {p1:String} GROUP BY name HAVING d = 0 ORDER BY name`,
      [tenant],
    );
    return rows.map((r) => viewOf({ name: r['name'], state: r['s'], created_at: r['c'], created_by: r['b'] }));
  }
  const rows = await store.query(`SELECT name, state, CAST(created_at AS VARCHAR) AS created_at, created_by FROM uprate_views WHERE tenant = $1 ORDER BY name`, [tenant]);
  return rows.map(viewOf);
}

/** Saves a view under its name: a view of that name (this tenant's) is replaced. Says whether it was. */
export async function saveView(store: Store, writer: Writer, name: string, state: string, now: Date): Promise<{ view: SavedView; replaced: boolean }> {
  refuseOnClickHouse(store);
  const before = (await listViews(store, writer.tenant)).some((v) => v.name === name);
  if (isClickHouse(store)) {
    await appendEverywhere(store, 'saved_views', [
      { tenant: writer.tenant, name, state, created_at: wallTime(now), created_by: writer.by ?? '', version: version(now), is_deleted: 0 },
    ]);
  } else {
    await store.run(
      `INSERT INTO uprate_views (tenant, name, state, created_at, created_by) VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), $5)
       ON CONFLICT (tenant, name) DO UPDATE SET state = excluded.state, created_at = excluded.created_at, created_by = excluded.created_by`,
      [writer.tenant, name, state, wallTime(now), writer.by],
    );
  }
  return { view: { name, state, createdAt: instant(wallTime(now)), createdBy: writer.by }, replaced: before };
}

/** Removes the tenant's view of that name; false when it had none. */
export async function deleteView(store: Store, tenant: string, name: string, now: Date): Promise<boolean> {
  refuseOnClickHouse(store);
  const existing = (await listViews(store, tenant)).find((v) => v.name === name);
  if (!existing) return false;
  if (isClickHouse(store)) {
    await appendEverywhere(store, 'saved_views', [
      { tenant, name, state: '', created_at: wallTime(now), created_by: '', version: version(now), is_deleted: 1 },
    ]);
  } else {
    await store.run('DELETE FROM uprate_views WHERE tenant = $1 AND name = $2', [tenant, name]);
  }
  return true;
}

/** The tenant's annotations with a day in [from, to] (either end open when null), by day. */
export async function listAnnotations(store: Store, tenant: string, from: string | null, to: string | null): Promise<Annotation[]> {
  refuseOnClickHouse(store);
  await ensureSavedTables(store);
  const lo = from ?? '0001-01-01';
  const hi = to ?? '9999-12-31';
  if (isClickHouse(store)) {
    const rows = await store.query(
      `SELECT id, toString(argMax(day, version)) AS dd, argMax(text, version) AS t, toString(argMax(created_at, version)) AS c, argMax(created_by, version) AS b, argMax(is_deleted, version) AS d
       FROM ${store.shardDb}.annotations WHERE tenant = {p1:String} GROUP BY id HAVING d = 0 AND dd >= {p2:String} AND dd <= {p3:String} ORDER BY dd, c, id`,
      [tenant, lo, hi],
    );
    return rows.map((r) => annotationOf({ id: r['id'], day: r['dd'], text: r['t'], created_at: r['c'], created_by: r['b'] }));
  }
  const rows = await store.query(
    `SELECT id, CAST(day AS VARCHAR) AS day, text, CAST(created_at AS VARCHAR) AS created_at, created_by FROM uprate_annotations
     WHERE tenant = $1 AND day >= CAST($2 AS DATE) AND day <= CAST($3 AS DATE) ORDER BY day, created_at, id`,
    [tenant, lo, hi],
  );
  return rows.map(annotationOf);
}

/** Adds a note on a day; its id is new and random. */
export async function addAnnotation(store: Store, writer: Writer, day: string, text: string, now: Date): Promise<Annotation> {
  refuseOnClickHouse(store);
  await ensureSavedTables(store);
  const id = randomBytes(4).toString('hex');
  if (isClickHouse(store)) {
    await appendEverywhere(store, 'annotations', [
      { id, tenant: writer.tenant, day, text, created_at: wallTime(now), created_by: writer.by ?? '', version: version(now), is_deleted: 0 },
    ]);
  } else {
    await store.run(
      'INSERT INTO uprate_annotations (id, tenant, day, text, created_at, created_by) VALUES ($1, $2, CAST($3 AS DATE), $4, CAST($5 AS TIMESTAMP), $6)',
      [id, writer.tenant, day, text, wallTime(now), writer.by],
    );
  }
  return { id, day, text, createdAt: instant(wallTime(now)), createdBy: writer.by };
}

/** Removes the tenant's note with that id; false when it had none. */
export async function removeAnnotation(store: Store, tenant: string, id: string, now: Date): Promise<boolean> {
  refuseOnClickHouse(store);
  const existing = (await listAnnotations(store, tenant, null, null)).find((a) => a.id === id);
  if (!existing) return false;
  if (isClickHouse(store)) {
    await appendEverywhere(store, 'annotations', [
      { id, tenant, day: existing.day, text: '', created_at: wallTime(now), created_by: '', version: version(now), is_deleted: 1 },
    ]);
  } else {
    await store.run('DELETE FROM uprate_annotations WHERE tenant = $1 AND id = $2', [tenant, id]);
  }
  return true;
}
