import { channel } from 'node:diagnostics_channel';
import { sqlIdentifier } from '../store/sql-literal.js';
import type { Exec, SqlValue, Store } from '../store/store.js';
import { timeBounds } from './clustered.js';
import { periodFloor } from './periods.js';
import { outgrown, replaceByMerged } from './merge-sql.js';
import { readingInstead } from './reading-instead.js';
import { hasRegistryTable, MAINTENANCE_LOCK, readRegistry, versionIn, type OpenWindow, type StoredRollup } from './registry.js';
import type { RollupGranularity } from '../model/index.js';

/**
 * A plain rollup holds each period as it reads once settled, so a query reads only the periods
 * settled at its clock from it and the open conversion window (the last 30–60 days) from the
 * rows: at 10 M offers, half a million offers joined to their customers for every breakdown.
 *
 * The open window fixes that. Next to the rollup, its periods not yet settled are kept as they
 * read at one clock E, the fill's: at least the wall clock then and the latest instant the
 * measures compare with the clock (`accepted_at <= now` reads the same at every clock past it).
 * A query at a clock Q ≥ E then reads those periods from it, plus, for the measures with a window
 * (`addDays(offered_at, 30) > now`), what closing changed for the rows whose window closed between
 * E and Q — those with `offered_at` in (E − 30 days, Q − 30 days], a few hours or days of rows —
 * from the closing table, filled with it (per row still to close: the measure once closed minus
 * as at E). Every other row reads the same at E and at Q. A load of new rows only moves it to a
 * later clock in its own commit, from those rows, the window and its closing table alone
 * (`advanceOpenWindow`); any other load leaves it stale (its version is the load's before) and
 * refills it right after its commit. Until then, or for a clock before E, queries read the open
 * periods from the rows as before.
 */

/** A statement with the parameters standing for the open window's clock and its first period's start. */
export interface ParameterizedSql {
  readonly sql: string;
  readonly params: readonly (string | number | boolean | null)[];
  readonly clockParams: readonly number[];
  readonly fromParams: readonly number[];
}

/** What the fill of an open window needs, recorded in the rollup's registry row (no model at ingest). */
export interface OpenWindowTemplate extends ParameterizedSql {
  /**
   * The rows still to close and what closing changes (per the rollup's dimensions and the row's
   * own instant, in `instantColumn`: each windowed measure's column as once closed minus as at the
   * clock); the window's length in days. Null when no measure has a window.
   */
  readonly closing: (ParameterizedSql & { readonly instantColumn: string; readonly measureColumns: Readonly<Record<string, string>>; readonly days: number }) | null;
  /** The time table, its time column, and the columns its measures compare with the clock as `column <= now`. */
  readonly timeTable: string;
  readonly timeColumn: string;
  readonly clockColumns: readonly string[];
  readonly settledAfterDays: number;
  readonly granularity: RollupGranularity;
}

/** The tables beside the rollup's: its open periods, and its rows still to close. */
export const openWindowTable = (rollupTable: string): string => `${rollupTable}_open`;
export const closingTable = (rollupTable: string): string => `${rollupTable}_closing`;

/** A statement's parameters with the clock and the first period's start put in. */
export const filled = (s: ParameterizedSql, clock: string, from: string) => s.params.map((p, i) => (s.clockParams.includes(i) ? clock : s.fromParams.includes(i) ? from : p));

/**
 * Fills the open window of a rollup (inside the caller's transaction): the clock E, the periods
 * not settled at E, and the rollup's statement over them at E.
 */
export async function fillOpenWindow(exec: Exec, rollupTable: string, template: OpenWindowTemplate, dataVersion: number, nowMs = Date.now()): Promise<OpenWindow> {
  const { bounds, clock, from } = await openWindowClock(exec, template, nowMs);
  const table = sqlIdentifier(openWindowTable(rollupTable));
  await exec(`DROP TABLE IF EXISTS ${table}`);
  await exec(`CREATE TABLE ${table} AS ${template.sql}`, filled(template, clock, from));
  const closing = sqlIdentifier(closingTable(rollupTable));
  await exec(`DROP TABLE IF EXISTS ${closing}`);
  if (template.closing) await exec(`CREATE TABLE ${closing} AS ${template.closing.sql}`, filled(template.closing, clock, from));
  const [count] = await exec(`SELECT count(*) AS n FROM ${table}`);
  return { template, clock, from, first: bounds.first, last: bounds.last, dataVersion, rows: Number(count?.['n'] ?? 0) };
}

/**
 * Where a fill of an open window over the rows `exec` reads stands: the time column's bounds, the
 * window's clock (at least `nowMs`, past every instant compared with the clock) and its first period.
 */
export async function openWindowClock(exec: Exec, template: OpenWindowTemplate, nowMs: number): Promise<{ readonly bounds: Bounds; readonly clock: string; readonly from: string }> {
  const bounds = await boundsOf(exec, template, sqlIdentifier(template.timeTable));
  const { clock, from } = clockPast(template, bounds, nowMs);
  return { bounds, clock, from };
}

const DAY_MS = 86_400_000;

export interface Bounds {
  /** The time column's earliest and latest values (null: no rows with a time). */
  readonly first: string | null;
  readonly last: string | null;
  /** The latest value of each column the measures compare with the clock. */
  readonly clocked: readonly (string | null)[];
}

/** What a fill or a move of the window reads of some rows first: their time's bounds and the latest instants compared with the clock. */
async function boundsOf(exec: Exec, template: OpenWindowTemplate, rows: string): Promise<Bounds> {
  return timeBounds(exec, rows, template.timeColumn, template.clockColumns);
}

/**
 * The window's clock — at least `floorMs` and past every instant compared with the clock (rows
 * come in milliseconds or finer: a millisecond past the latest is past each of them) — and its
 * first period, the first not settled at that clock.
 */
function clockPast(template: OpenWindowTemplate, bounds: Bounds, floorMs: number): { readonly latest: number; readonly clock: string; readonly from: string } {
  const latest = bounds.clocked.reduce<number>((a, v) => (v === null ? a : Math.max(a, Date.parse(v) + 1)), floorMs);
  return { latest, clock: new Date(latest).toISOString(), from: new Date(periodFloor(latest - template.settledAfterDays * DAY_MS, template.granularity)).toISOString() };
}

/** The earlier (later) of two instants, either unknown (null). */
const earlier = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a < b ? a : b);
const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a > b ? a : b);

/** Each open window a load's commit moved past its new rows ({rollup: its name, clock: the new one}): what tests watch. */
export const openWindowMoved = channel('uprate:rollups:open-window-moved');

/**
 * Moves a current open window past a load of new rows only (no stored row changed), in the load's
 * own transaction, without reading the stored rows: what a fill at the new clock E′ would hold.
 * E′ is at least the old clock E, the wall clock and the new rows' latest instants compared with
 * the clock, so every stored row reads at E′ as at E except the windowed measures of the rows
 * whose window closed in between — those offered in (E − n days, E′ − n days], whose changes the
 * closing table holds per row. So the periods from the new first one (F′, where E′ settles
 * periods) are the window's own groups, plus those closing changes, plus the new rows' groups at
 * E′ (the window's statement over them); the rows still to close are the closing table's still
 * open at E′, plus the new rows'. Null — the caller leaves the window to the refill after the
 * commit — when it is not current, the statements do not read the time table plainly, or the
 * rollup keeps no merge columns. `boundsRead` holds the new rows' bounds as read for the load's
 * other windows (one read for all of them).
 */
export async function advanceOpenWindow(
  exec: Exec,
  engine: Store['engine'],
  stored: Pick<StoredRollup, 'name' | 'table' | 'timeColumn' | 'mergeColumns' | 'dataVersion' | 'open'>,
  newRows: string,
  version: number,
  nowMs = Date.now(),
  boundsRead: Map<string, Promise<Bounds>> = new Map(),
): Promise<OpenWindow | null> {
  const open = stored.open;
  const columns = stored.mergeColumns;
  if (!open?.clock || !open.from || open.dataVersion !== stored.dataVersion || !columns) return null;
  const { template } = open;
  const periodsSql = readingInstead(template.sql, template.timeTable, newRows);
  const closingSql = template.closing ? readingInstead(template.closing.sql, template.timeTable, newRows) : null;
  if (!periodsSql || (template.closing && !closingSql)) return null;
  // The new rows' bounds, the same for every rollup reading them with the same columns: read once a load.
  const boundsKey = JSON.stringify([newRows, template.timeColumn, template.clockColumns]);
  const read = boundsRead.get(boundsKey) ?? boundsOf(exec, template, newRows);
  boundsRead.set(boundsKey, read);
  const bounds = await read;
  const oldClock = Date.parse(open.clock);
  const { latest, clock, from } = clockPast(template, bounds, Math.max(nowMs, oldClock));
  const table = sqlIdentifier(openWindowTable(stored.table));
  const closingName = sqlIdentifier(closingTable(stored.table));
  const id = sqlIdentifier;
  const list = columns.map((c) => id(c.column)).join(', ');
  const stamp = (n: number) => `CAST($${n} AS TIMESTAMP)`;
  const params: SqlValue[] = [from];
  const closing = template.closing;
  const days = (closing?.days ?? 0) * DAY_MS;
  // What closing changed for the rows whose window closed between the two clocks, in their periods.
  const closed = closing
    ? (() => {
        const changed = new Set(Object.values(closing.measureColumns));
        const instant = id(closing.instantColumn);
        const columnsOf = columns.map((c) => (c.column === stored.timeColumn ? `date_trunc('${template.granularity}', ${instant})` : c.merge === 'key' || changed.has(c.column) ? id(c.column) : 'NULL'));
        return `SELECT ${columnsOf.join(', ')} FROM ${closingName} WHERE ${instant} > ${stamp(2)} AND ${instant} <= ${stamp(3)} AND ${instant} >= ${stamp(1)}`;
      })()
    : null;
  if (closed) params.push(new Date(oldClock - days).toISOString(), new Date(latest - days).toISOString());
  // The new rows' groups at the new clock (the statement's own parameters).
  const newGroups = `SELECT ${list} FROM (${periodsSql}) AS new_groups`;
  const newParams = filled(template, clock, from);
  const compact = open.compactRows ?? open.rows;
  const merging = outgrown(open.rows, compact);
  if (merging) {
    // Every group of the window written again, merged (the new groups' parameters numbered after ours); those of periods now settled are left out.
    const renumbered = newGroups.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + params.length}`);
    const parts = [`SELECT ${list} FROM ${table} WHERE ${id(stored.timeColumn)} >= ${stamp(1)}`, ...(closed ? [closed] : []), renumbered];
    await replaceByMerged(exec, engine, table, columns, parts.join(' UNION ALL '), [...params, ...newParams]);
  } else {
    // Appended as rows of their own, which reads add up (as the rollup's: maintain.ts addNewRows); the
    // periods now settled leave (none when the window still starts where it did: it holds none before).
    if (from !== open.from) await exec(`DELETE FROM ${table} WHERE ${id(stored.timeColumn)} < ${stamp(1)}`, [from]);
    if (closed) await exec(`INSERT INTO ${table} (${list}) ${closed}`, params);
    await exec(`INSERT INTO ${table} (${list}) ${newGroups}`, newParams);
  }
  if (closing && closingSql) {
    const instant = id(closing.instantColumn);
    await exec(`DELETE FROM ${closingName} WHERE NOT (${instant} > ${stamp(1)} AND ${instant} >= ${stamp(2)})`, [new Date(latest - days).toISOString(), from]);
    await exec(`INSERT INTO ${closingName} ${closingSql}`, filled(closing, clock, from));
  }
  const [count] = await exec(`SELECT count(*) AS n FROM ${table}`);
  if (openWindowMoved.hasSubscribers) openWindowMoved.publish({ rollup: stored.name, clock });
  return {
    template,
    clock,
    from,
    // A window filled before its first instant was kept does not learn it from the new rows alone.
    ...(open.first !== undefined ? { first: earlier(open.first, bounds.first) } : {}),
    last: later(open.last, bounds.last),
    dataVersion: version,
    rows: Number(count?.['n'] ?? 0),
    ...(merging ? {} : { compactRows: compact }),
  };
}

/**
 * Refills, after a load's commit, the open windows of the rollups reading the tables it loaded,
 * each as of the data it now holds (with `keepCurrent`, not those the load's commit moved already). Inside one transaction the caller runs (PostgreSQL: under the
 * maintenance lock, so that no load commits between the version read and the rows read).
 */
export async function refillOpenWindows(exec: Exec, engine: Store['engine'], loaded: readonly string[], nowMs = Date.now(), options: { readonly keepCurrent?: boolean } = {}): Promise<void> {
  if (!(await hasRegistryTable(exec, engine, 'uprate_rollups'))) return;
  if (engine === 'postgres') await exec(`SELECT pg_advisory_xact_lock(${MAINTENANCE_LOCK}, hashtext(current_schema()))`);
  const due = (await readRegistry(exec)).filter((s) => s.open && s.sourceTables.some((t) => loaded.includes(t)));
  if (due.length === 0) return;
  const version = await versionIn(exec, engine);
  for (const s of due) {
    if (!s.open || s.dataVersion !== version) continue; // the rollup itself is stale: so would its window be
    if (options.keepCurrent && s.open.dataVersion === version) continue; // moved past the load in its commit (advanceOpenWindow)
    const open = await fillOpenWindow(exec, s.table, s.open.template, version, nowMs);
    await exec('UPDATE uprate_rollups SET open_window = $1 WHERE name = $2', [JSON.stringify(open), s.name]);
  }
}
