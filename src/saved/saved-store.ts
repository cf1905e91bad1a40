/**
 * Saved views and annotations in the store: list, save (a view's name replaces the tenant's view
 * of that name), remove. Every call is scoped to one tenant (tenant.ts). Writing SQL is here;
 * the store runs it — DuckDB and PostgreSQL the same statements; ClickHouse appends a version on
 * every shard and reads one shard's copy (saved-clickhouse.ts).
 */
import { randomBytes } from 'node:crypto';
import { UprateError } from '../core/errors.js';
import type { ClickHouseStore } from '../engines/clickhouse/index.js';
import type { Store } from '../store/index.js';
import { appendVersion, readAnnotations, readViews } from './saved-clickhouse.js';
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

/** ClickHouse's Date holds the days 1970-01-01 to 2149-06-06; uprate keeps its times to 2105 (DateTime). */
function clickhouseDay(day: string): string {
  if (day < '1970-01-01' || day > '2105-12-31') {
    throw new UprateError('BAD_ARGUMENT', `day: a note on a ClickHouse store needs a day from 1970-01-01 to 2105-12-31, not ${day}`, {
      location: 'day',
      hint: 'put the note on a day between 1970 and 2105 (ClickHouse stores no dates outside them)',
    });
  }
  return day;
}

/** The tenant's saved views, by name. */
export async function listViews(store: Store, tenant: string): Promise<SavedView[]> {
  await ensureSavedTables(store);
  if (isClickHouse(store)) return (await readViews(store, tenant)).map(viewOf);
  const rows = await store.query(`SELECT name, state, CAST(created_at AS VARCHAR) AS created_at, created_by FROM uprate_views WHERE tenant = $1 ORDER BY name`, [tenant]);
  return rows.map(viewOf);
}

/** Saves a view under its name: a view of that name (this tenant's) is replaced. Says whether it was. */
export async function saveView(store: Store, writer: Writer, name: string, state: string, now: Date): Promise<{ view: SavedView; replaced: boolean }> {
  const before = (await listViews(store, writer.tenant)).some((v) => v.name === name);
  if (isClickHouse(store)) {
    await appendVersion(store, 'saved_views', { tenant: writer.tenant, value: name }, { state, created_at: wallTime(now), created_by: writer.by ?? '' });
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
  const existing = (await listViews(store, tenant)).find((v) => v.name === name);
  if (!existing) return false;
  if (isClickHouse(store)) {
    await appendVersion(store, 'saved_views', { tenant, value: name }, { state: '', created_at: wallTime(now), created_by: '' }, true);
  } else {
    await store.run('DELETE FROM uprate_views WHERE tenant = $1 AND name = $2', [tenant, name]);
  }
  return true;
}

/** The tenant's annotations with a day in [from, to] (either end open when null), by day. */
export async function listAnnotations(store: Store, tenant: string, from: string | null, to: string | null): Promise<Annotation[]> {
  await ensureSavedTables(store);
  const lo = from ?? '0001-01-01';
  const hi = to ?? '9999-12-31';
  if (isClickHouse(store)) return (await readAnnotations(store, tenant, lo, hi)).map(annotationOf);
  const rows = await store.query(
    `SELECT id, CAST(day AS VARCHAR) AS day, text, CAST(created_at AS VARCHAR) AS created_at, created_by FROM uprate_annotations
     WHERE tenant = $1 AND day >= CAST($2 AS DATE) AND day <= CAST($3 AS DATE) ORDER BY day, created_at, id`,
    [tenant, lo, hi],
  );
  return rows.map(annotationOf);
}

/** Adds a note on a day; its id is new and random. */
export async function addAnnotation(store: Store, writer: Writer, day: string, text: string, now: Date): Promise<Annotation> {
  await ensureSavedTables(store);
  const id = randomBytes(4).toString('hex');
  if (isClickHouse(store)) {
    await appendVersion(store, 'annotations', { tenant: writer.tenant, value: id }, { day: clickhouseDay(day), text, created_at: wallTime(now), created_by: writer.by ?? '' });
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
  const existing = (await listAnnotations(store, tenant, null, null)).find((a) => a.id === id);
  if (!existing) return false;
  if (isClickHouse(store)) {
    await appendVersion(store, 'annotations', { tenant, value: id }, { day: existing.day, text: '', created_at: wallTime(now), created_by: '' }, true);
  } else {
    await store.run('DELETE FROM uprate_annotations WHERE tenant = $1 AND id = $2', [tenant, id]);
  }
  return true;
}
