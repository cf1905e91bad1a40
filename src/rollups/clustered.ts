import { InternalError } from '../core/errors.js';
import { sqlIdentifier } from '../store/sql-literal.js';
import type { Exec, SqlValue } from '../store/store.js';
import type { ClusterLayout } from './registry.js';

/**
 * A rollup by cluster (`clusteredBy` in the model) keeps one row per cluster — a customer — and
 * dimension values, with each month's measures side by side in columns of their own:
 *
 *   offers__customer_id | offers__channel | uprate_rows__0 | offers__count__0 | offers__accepted__0 | uprate_rows__1 | …
 *
 * A customer-clustered interval over a run of months needs each customer's sums over those months
 * (Σ nᵢ², Σ kᵢ·nᵢ …): here they are the sum of a few columns of the customer's one row, where the
 * rows would have to be grouped by customer first — a hash of a million customers per question.
 */

/** What a fill needs: the statement of one row per cluster, dimension values and period, and its columns. */
export interface ClusteredSource {
  /** The model's statement (one row per cluster, dimension values and period). */
  readonly sql: string;
  readonly params: readonly SqlValue[];
  /** Its period column. */
  readonly timeColumn: string;
  readonly cluster: string;
  readonly dimensions: readonly string[];
  readonly measures: ClusterLayout['measures'];
  /** The time table and its time column (the periods to lay out are read from it). */
  readonly timeSource: { readonly table: string; readonly column: string };
  /** Stored columns of the time table compared with the clock (the time column among them). */
  readonly clockColumns: readonly string[];
}

/** The column of a measure in the i-th period; `uprate_rows__<i>` counts the cluster's rows there. */
export const periodColumn = (column: string, i: number): string => `${column}__${i}`;
export const rowsColumn = (i: number): string => periodColumn('uprate_rows', i);

/** `2024-11-01T00:00:00.000Z` → `TIMESTAMP '2024-11-01 00:00:00.000'` (DuckDB and PostgreSQL). */
export const timestampSql = (iso: string): string => `TIMESTAMP '${iso.slice(0, 23).replace('T', ' ')}'`;

const asIso = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(String(v)) ? '' : 'Z'}`);
  if (Number.isNaN(d.getTime())) throw new InternalError(`not an instant: ${String(v)}`);
  return d.toISOString();
};

/** Every month start from the one holding `first` to the one holding `last` (UTC). */
export function monthsBetween(first: string, last: string): string[] {
  const a = new Date(first);
  const b = new Date(last);
  const out: string[] = [];
  for (let y = a.getUTCFullYear(), m = a.getUTCMonth(); y < b.getUTCFullYear() || (y === b.getUTCFullYear() && m <= b.getUTCMonth()); m === 11 ? ((m = 0), (y += 1)) : (m += 1)) {
    out.push(new Date(Date.UTC(y, m, 1)).toISOString());
  }
  return out;
}

/** The layout the time table's rows give: its months, its first and last instant, and the latest instant compared with the clock. */
export async function layoutFor(exec: Exec, source: ClusteredSource): Promise<ClusterLayout> {
  const table = sqlIdentifier(source.timeSource.table);
  const time = sqlIdentifier(source.timeSource.column);
  const clocks = source.clockColumns.map((c, i) => `max(${sqlIdentifier(c)}) AS c${i}`).join(', ');
  const [row] = await exec(`SELECT min(${time}) AS first, max(${time}) AS last${clocks ? `, ${clocks}` : ''} FROM ${table}`);
  const first = asIso(row?.['first']);
  const last = asIso(row?.['last']);
  const clockFrom = source.clockColumns.map((_, i) => asIso(row?.[`c${i}`])).reduce<string | null>((a, b) => (a === null ? b : b === null ? a : a > b ? a : b), null);
  return {
    cluster: source.cluster,
    dimensions: source.dimensions,
    measures: source.measures,
    periods: first && last ? monthsBetween(first, last) : [],
    first,
    last,
    clockFrom,
    clockColumns: source.clockColumns,
  };
}

/** The statement filling the table: the per-period rows turned sideways, one row per cluster and dimension values. */
export function sidewaysSql(source: ClusteredSource, layout: ClusterLayout): string {
  const id = sqlIdentifier;
  const keys = [layout.cluster, ...layout.dimensions].map(id);
  const period = id(source.timeColumn);
  // The statement has one row per cluster, dimension values and period, so each period's column
  // is that row's value: max() keeps the engine's own type (a sum() of counts would widen them to
  // 128-bit integers, several times slower to add up at query time).
  const columns = layout.periods.flatMap((start, i) => {
    const when = `${period} = ${timestampSql(start)}`;
    return [
      `count(CASE WHEN ${when} THEN 1 END) AS ${id(rowsColumn(i))}`,
      // A count is 0 in a month without rows; a sum over no rows stays NULL, as in the rows.
      ...layout.measures.map((m) => (m.kind === 'count' ? `coalesce(max(CASE WHEN ${when} THEN ${id(m.column)} END), 0)` : `max(CASE WHEN ${when} THEN ${id(m.column)} END)`) + ` AS ${id(periodColumn(m.column, i))}`),
    ];
  });
  return `SELECT ${[...keys, ...columns].join(', ')} FROM (${source.sql}) AS per_period GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
}

/** Fills (or refills) the rollup's table from the rows, inside the caller's transaction; answers its layout and rows. */
export async function fillClustered(exec: Exec, table: string, source: ClusteredSource): Promise<{ readonly layout: ClusterLayout; readonly rows: number }> {
  const layout = await layoutFor(exec, source);
  const t = sqlIdentifier(table);
  await exec(`DROP TABLE IF EXISTS ${t}`);
  await exec(`CREATE TABLE ${t} AS ${sidewaysSql(source, layout)}`, source.params);
  const [count] = await exec(`SELECT count(*) AS n FROM ${t}`);
  return { layout, rows: Number(count?.['n'] ?? 0) };
}

/** A stored rollup by cluster's source, to refill it after a load without the model. */
export function storedSource(stored: { readonly sql: string; readonly params: readonly SqlValue[]; readonly timeColumn: string; readonly timeSource: ClusteredSource['timeSource'] | null; readonly layout: ClusterLayout | null; readonly name: string }): ClusteredSource {
  const { layout, timeSource } = stored;
  if (!layout || !timeSource) throw new InternalError(`rollup ${stored.name} is not a rollup by cluster`);
  return { sql: stored.sql, params: stored.params, timeColumn: stored.timeColumn, cluster: layout.cluster, dimensions: layout.dimensions, measures: layout.measures, timeSource, clockColumns: layout.clockColumns };
}
