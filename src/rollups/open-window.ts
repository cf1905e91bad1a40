import { sqlIdentifier } from '../store/sql-literal.js';
import type { Exec, Store } from '../store/store.js';
import { asIso } from './clustered.js';
import { MAINTENANCE_LOCK } from './maintain.js';
import { periodFloor } from './periods.js';
import { hasRegistryTable, readRegistry, versionIn, type OpenWindow } from './registry.js';
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
 * as at E). Every other row reads the same at E and at Q. A load leaves it stale
 * (its version is the load's before) and refills it right after its commit; until then, or for a
 * clock before E, queries read the open periods from the rows as before.
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
const filled = (s: ParameterizedSql, clock: string, from: string) => s.params.map((p, i) => (s.clockParams.includes(i) ? clock : s.fromParams.includes(i) ? from : p));

/**
 * Fills the open window of a rollup (inside the caller's transaction): the clock E, the periods
 * not settled at E, and the rollup's statement over them at E.
 */
export async function fillOpenWindow(exec: Exec, rollupTable: string, template: OpenWindowTemplate, dataVersion: number, nowMs = Date.now()): Promise<OpenWindow> {
  const time = sqlIdentifier(template.timeColumn);
  const maxima = [`min(${time}) AS first`, `max(${time}) AS last`, ...template.clockColumns.map((c, i) => `max(${sqlIdentifier(c)}) AS c${i}`)];
  const [row] = await exec(`SELECT ${maxima.join(', ')} FROM ${sqlIdentifier(template.timeTable)}`);
  // Rows come in milliseconds or finer: a clock a millisecond past the latest is past each of them.
  const latest = template.clockColumns.map((_, i) => asIso(row?.[`c${i}`])).reduce<number>((a, v) => (v === null ? a : Math.max(a, Date.parse(v) + 1)), nowMs);
  const clock = new Date(latest).toISOString();
  const from = new Date(periodFloor(Date.parse(clock) - template.settledAfterDays * 86_400_000, template.granularity)).toISOString();
  const table = sqlIdentifier(openWindowTable(rollupTable));
  await exec(`DROP TABLE IF EXISTS ${table}`);
  await exec(`CREATE TABLE ${table} AS ${template.sql}`, filled(template, clock, from));
  const closing = sqlIdentifier(closingTable(rollupTable));
  await exec(`DROP TABLE IF EXISTS ${closing}`);
  if (template.closing) await exec(`CREATE TABLE ${closing} AS ${template.closing.sql}`, filled(template.closing, clock, from));
  const [count] = await exec(`SELECT count(*) AS n FROM ${table}`);
  return { template, clock, from, first: asIso(row?.['first']), last: asIso(row?.['last']), dataVersion, rows: Number(count?.['n'] ?? 0) };
}

/**
 * Refills, after a load's commit, the open windows of the rollups reading the tables it loaded,
 * each as of the data it now holds. Inside one transaction the caller runs (PostgreSQL: under the
 * maintenance lock, so that no load commits between the version read and the rows read).
 */
export async function refillOpenWindows(exec: Exec, engine: Store['engine'], loaded: readonly string[], nowMs = Date.now()): Promise<void> {
  if (!(await hasRegistryTable(exec, engine, 'uprate_rollups'))) return;
  if (engine === 'postgres') await exec(`SELECT pg_advisory_xact_lock(${MAINTENANCE_LOCK}, hashtext(current_schema()))`);
  const due = (await readRegistry(exec)).filter((s) => s.open && s.sourceTables.some((t) => loaded.includes(t)));
  if (due.length === 0) return;
  const version = await versionIn(exec, engine);
  for (const s of due) {
    if (!s.open || s.dataVersion !== version) continue; // the rollup itself is stale: so would its window be
    const open = await fillOpenWindow(exec, s.table, s.open.template, version, nowMs);
    await exec('UPDATE uprate_rollups SET open_window = $1 WHERE name = $2', [JSON.stringify(open), s.name]);
  }
}
