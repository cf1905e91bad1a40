import { InternalError } from '../core/errors.js';
import { sqlIdentifier } from '../store/sql-literal.js';
import type { Exec, SqlValue, Store } from '../store/store.js';
import { HI, LO, momentsColumns, momentsFillSql, momentsOfSetSql, summedMomentsSql } from './moments.js';
import { readingInstead } from './reading-instead.js';
import { grainOf, type ClusterGrain, type ClusterLayout } from './registry.js';
import { nextPeriod, periodFloor } from './periods.js';

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
  /** The dimensions' columns with one value per cluster. */
  readonly perCluster: readonly string[];
  readonly measures: ClusterLayout['measures'];
  /** The time table and its time column (the periods to lay out are read from it). */
  readonly timeSource: { readonly table: string; readonly column: string };
  /** Stored columns of the time table compared with the clock (the time column among them). */
  readonly clockColumns: readonly string[];
  /** Where the per-cluster attributes are read from (a load of that table rewrites them in place). */
  readonly attributes?: ClusterLayout['attributes'];
  /** Keep the clusters' moments (moments.ts) instead of a row per cluster. */
  readonly moments?: boolean;
  /** Only each period's own moments. */
  readonly perPeriod?: boolean;
  /** The periods' granularity (absent: month). */
  readonly grain?: ClusterGrain;
  /** The time table's column naming the cluster. */
  readonly clusterColumn?: string | null;
}

/** The column of a measure in the i-th period; `uprate_rows__<i>` counts the cluster's rows there. */
export const periodColumn = (column: string, i: number): string => `${column}__${i}`;
export const rowsColumn = (i: number): string => periodColumn('uprate_rows', i);

/** `2024-11-01T00:00:00.000Z` → `TIMESTAMP '2024-11-01 00:00:00.000'` (DuckDB and PostgreSQL). */
export const timestampSql = (iso: string): string => `TIMESTAMP '${iso.slice(0, 23).replace('T', ' ')}'`;

/** An engine's timestamp value (a Date, or text without a zone read as UTC) as ISO; null for NULL. */
export const asIso = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(String(v)) ? '' : 'Z'}`);
  if (Number.isNaN(d.getTime())) throw new InternalError(`not an instant: ${String(v)}`);
  return d.toISOString();
};

/** The start of the period (month, or `grain`) after the one holding `iso` (ms, UTC). */
export const periodAfter = (iso: string, grain: ClusterGrain = 'month'): number => nextPeriod(periodFloor(Date.parse(iso), grain), grain);

/** Every period start (month, or `grain`) from the one holding `first` to the one holding `last` (UTC). */
export function periodsBetween(first: string, last: string, grain: ClusterGrain = 'month'): string[] {
  const end = Date.parse(last);
  const out: string[] = [];
  for (let t = periodFloor(Date.parse(first), grain); t <= end; t = nextPeriod(t, grain)) out.push(new Date(t).toISOString());
  return out;
}

/** The start (ms) of the n-th period after the one holding `first` (a load reaching past a layout's last period). */
export function nthPeriod(first: string, n: number, grain: ClusterGrain): number {
  let t = periodFloor(Date.parse(first), grain);
  for (let i = 0; i < n; i++) t = nextPeriod(t, grain);
  return t;
}

/** A period start's number in a layout of `grain` whose first period starts at `first` (0 for it; as moments.ts numbers them). */
export function periodIndex(iso: string, first: string, grain: ClusterGrain): number {
  const [a, b] = [new Date(periodFloor(Date.parse(iso), grain)), new Date(first)];
  if (grain === 'month') return a.getUTCFullYear() * 12 + a.getUTCMonth() - (b.getUTCFullYear() * 12 + b.getUTCMonth());
  return Math.round((a.getTime() - b.getTime()) / (grain === 'week' ? 7 : 1) / 86_400_000);
}

/**
 * A layout's months widened to hold some month starts (SQL timestamps): the same when it holds
 * them, every month up to the latest when they reach past its last, null when one lies before its
 * first (or it has none).
 */
export function widened(periods: readonly string[], starts: readonly string[]): readonly string[] | null {
  const first = periods[0];
  if (first === undefined) return null;
  const isos = starts.map((p) => asIso(p.replace(/^TIMESTAMP '(.*)'$/, '$1')) ?? '');
  if (isos.some((iso) => iso < first)) return null;
  const last = isos.reduce((a, b) => (b > a ? b : a), periods[periods.length - 1] ?? first);
  return last > (periods[periods.length - 1] ?? first) ? periodsBetween(first, last) : periods;
}

/** The layout the time table's rows give: its months, its first and last instant, and the latest instant compared with the clock. */
export async function layoutFor(exec: Exec, source: ClusteredSource): Promise<ClusterLayout> {
  const { first, last, clockFrom } = await dataBounds(exec, source, sqlIdentifier(source.timeSource.table), null);
  return {
    cluster: source.cluster,
    dimensions: source.dimensions,
    perCluster: source.perCluster,
    measures: source.measures,
    periods: first && last ? periodsBetween(first, last, source.grain) : [],
    first,
    last,
    clockFrom,
    clockColumns: source.clockColumns,
    attributes: source.attributes ?? null,
    ...(source.moments ? { moments: true } : {}),
    ...(source.perPeriod ? { perPeriod: true } : {}),
    ...(source.grain && source.grain !== 'month' ? { grain: source.grain } : {}),
    clusterColumn: source.clusterColumn ?? null,
  };
}

/** The earlier and the later of two instants (ISO), null standing for none. */
const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);
const latest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

/** The first and last instant of the time column in `from` (rows matching `where`), and the latest instant compared with the clock. */
async function dataBounds(exec: Exec, source: ClusteredSource, from: string, where: string | null): Promise<{ first: string | null; last: string | null; clockFrom: string | null }> {
  const { first, last, clocked } = await timeBounds(exec, from, source.timeSource.column, source.clockColumns, where);
  return { first, last, clockFrom: clocked.reduce(latest, null) };
}

/**
 * The earliest and latest value of the time column `time` in `from` (rows matching `where`), and
 * the latest of each of `clocks` (ISO; null for none); all null when no row matches.
 */
export async function timeBounds(exec: Exec, from: string, time: string, clocks: readonly string[], where: string | null = null): Promise<{ first: string | null; last: string | null; clocked: (string | null)[] }> {
  const column = sqlIdentifier(time);
  const latestOf = clocks.map((c, i) => `, max(${sqlIdentifier(c)}) AS c${i}`).join('');
  const [row] = await exec(`SELECT count(*) AS uprate_rows, min(${column}) AS first, max(${column}) AS last${latestOf} FROM ${from}${where ? ` WHERE ${where}` : ''}`);
  // No rows: no bounds (ClickHouse answers a DateTime's min over none with its zero, 0000-00-00 00:00:00, not NULL).
  if (Number(row?.['uprate_rows'] ?? 0) === 0) return { first: null, last: null, clocked: clocks.map(() => null) };
  return { first: asIso(row?.['first']), last: asIso(row?.['last']), clocked: clocks.map((_, i) => asIso(row?.[`c${i}`])) };
}

/** Each period's columns, in the table's order: its rows, then each measure. */
function periodColumns(layout: ClusterLayout, i: number): { readonly column: string; readonly kind: 'rows' | 'count' | 'sum' }[] {
  return [{ column: rowsColumn(i), kind: 'rows' }, ...layout.measures.map((m) => ({ column: periodColumn(m.column, i), kind: m.kind }))];
}

/**
 * The statement filling the table: the per-period rows turned sideways, one row per cluster and
 * dimension values, with the columns of the periods `only` names (all by default).
 */
export function sidewaysSql(source: ClusteredSource, layout: ClusterLayout, only?: readonly number[], from = source.sql, dimensions = layout.dimensions): string {
  const id = sqlIdentifier;
  const keys = [layout.cluster, ...dimensions].map(id);
  const period = id(source.timeColumn);
  // The statement has one row per cluster, dimension values and period, so each period's column
  // is that row's value: max() keeps the engine's own type (a sum() of counts would widen them to
  // 128-bit integers, several times slower to add up at query time).
  const columns = (only ?? layout.periods.map((_, i) => i)).flatMap((i) => {
    const when = `${period} = ${timestampSql(layout.periods[i] ?? '')}`;
    return [
      `count(CASE WHEN ${when} THEN 1 END) AS ${id(rowsColumn(i))}`,
      // A count is 0 in a month without rows; a sum over no rows stays NULL, as in the rows.
      ...layout.measures.map((m) => (m.kind === 'count' ? `coalesce(max(CASE WHEN ${when} THEN ${id(m.column)} END), 0)` : `max(CASE WHEN ${when} THEN ${id(m.column)} END)`) + ` AS ${id(periodColumn(m.column, i))}`),
    ];
  });
  return `SELECT ${[...keys, ...columns].join(', ')} FROM (${from}) AS per_period GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
}

/**
 * The statement of a whole fill. With the attributes' own statement and the rollup's statement
 * without them, the rows are grouped by cluster (and the dimensions that split a cluster) only and
 * each cluster's attributes joined after — what the model's join gives each of its rows, a cluster
 * without a match reading NULL as there — with the table's columns in the same order.
 */
export function wholeFillSql(source: ClusteredSource, layout: ClusterLayout): string {
  const attributes = source.attributes;
  if (!attributes?.rows || layout.perCluster === undefined || layout.perCluster.length === 0) return sidewaysSql(source, layout);
  const id = sqlIdentifier;
  const perCluster = new Set(layout.perCluster);
  const narrow = sidewaysSql(source, layout, undefined, attributes.rows, layout.dimensions.filter((d) => !perCluster.has(d)));
  const periods = layout.periods.flatMap((_, i) => periodColumns(layout, i)).map((c) => `s.${id(c.column)}`);
  const keys = [layout.cluster, ...layout.dimensions].map((d) => `${perCluster.has(d) ? 'a' : 's'}.${id(d)}`);
  return `SELECT ${[...keys, ...periods].join(', ')} FROM (${narrow}) AS s LEFT JOIN (${attributes.sql}) AS a ON s.${id(layout.cluster)} = a.${id(attributes.key)}`;
}

/** Fills (or refills) the rollup's table from the rows, inside the caller's transaction; answers its layout and rows. */
export async function fillClustered(exec: Exec, table: string, source: ClusteredSource): Promise<{ readonly layout: ClusterLayout; readonly rows: number }> {
  const layout = await layoutFor(exec, source);
  const t = sqlIdentifier(table);
  await exec(`DROP TABLE IF EXISTS ${t}`);
  await exec(`CREATE TABLE ${t} AS ${layout.moments ? momentsFillSql(source, layout) : wholeFillSql(source, layout)}`, source.params);
  const [count] = await exec(`SELECT count(*) AS n FROM ${t}`);
  return { layout, rows: Number(count?.['n'] ?? 0) };
}

/** The moments of a family by all its members' dimensions (temporary, while its members are filled). */
const FAMILY_MOMENTS = 'uprate_rollup_moments_family';

/**
 * Fills the rollups of moments of one family (the same statement: definition.ts
 * `familyDimensions`) from one pass over the rows, inside the caller's transaction: the clusters'
 * pairs of months are formed once and summed by each member's dimensions (grouping sets), then
 * each member's table is its set's rows. Answers each member's layout and rows, in order.
 */
export async function fillMomentsFamily(
  exec: Exec,
  engine: Store['engine'],
  members: readonly { readonly table: string; readonly source: ClusteredSource }[],
  temp: (name: string, select: string) => string,
): Promise<{ readonly layout: ClusterLayout; readonly rows: number }[]> {
  const first = members[0];
  if (!first) return [];
  // The time table's months and bounds: the same for every member.
  const layout = await layoutFor(exec, first.source);
  const dimensions = [...new Set(members.flatMap((m) => m.source.dimensions))];
  const perCluster = [...new Set(members.flatMap((m) => m.source.perCluster))];
  await exec(temp(FAMILY_MOMENTS, momentsFillSql(first.source, { ...layout, dimensions, perCluster }, { sets: members.map((m) => m.source.dimensions), engine })), first.source.params);
  const out = [];
  for (const m of members) {
    const t = sqlIdentifier(m.table);
    await exec(`DROP TABLE IF EXISTS ${t}`);
    await exec(`CREATE TABLE ${t} AS ${momentsOfSetSql(FAMILY_MOMENTS, dimensions, m.source.dimensions, layout.measures.length)}`);
    const [count] = await exec(`SELECT count(*) AS n FROM ${t}`);
    out.push({ layout: { ...layout, dimensions: m.source.dimensions, perCluster: m.source.perCluster, attributes: m.source.attributes ?? null }, rows: Number(count?.['n'] ?? 0) });
  }
  await exec(`DROP TABLE ${FAMILY_MOMENTS}`);
  return out;
}

/** A stored rollup by cluster's source, to refill it after a load without the model. */
export function storedSource(stored: { readonly sql: string; readonly params: readonly SqlValue[]; readonly timeColumn: string; readonly timeSource: ClusteredSource['timeSource'] | null; readonly layout: ClusterLayout | null; readonly name: string }): ClusteredSource {
  const { layout, timeSource } = stored;
  if (!layout || !timeSource) throw new InternalError(`rollup ${stored.name} is not a rollup by cluster`);
  return { sql: stored.sql, params: stored.params, timeColumn: stored.timeColumn, cluster: layout.cluster, dimensions: layout.dimensions, perCluster: layout.perCluster ?? [], measures: layout.measures, timeSource, clockColumns: layout.clockColumns, attributes: layout.attributes ?? null, ...(layout.moments ? { moments: true } : {}), ...(layout.perPeriod ? { perPeriod: true } : {}), ...(layout.grain ? { grain: layout.grain } : {}), clusterColumn: layout.clusterColumn ?? null };
}

/**
 * Adds the columns of months after the layout's last, typed as its first month's (a load reaching
 * a new month): every cluster's row reads empty there until the months are refilled. Months before
 * the first cannot be added this way (a month's columns are named by its place in the layout).
 * Answers the wider layout.
 */
export async function addMonths(exec: Exec, table: string, layout: ClusterLayout, periods: readonly string[]): Promise<ClusterLayout> {
  if (layout.periods.length === 0 || periods.slice(0, layout.periods.length).some((p, i) => p !== layout.periods[i])) {
    throw new InternalError(`rollup table ${table}: months can only be added after its last`);
  }
  const typed = await exec(`SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, [table]);
  const typeOf = new Map(typed.map((r) => [String(r['c']), String(r['t'])]));
  const model = periodColumns(layout, 0);
  for (let i = layout.periods.length; i < periods.length; i++) {
    for (const [k, c] of periodColumns(layout, i).entries()) {
      const type = typeOf.get(model[k]?.column ?? '');
      if (!type) throw new InternalError(`rollup table ${table} has no column ${model[k]?.column ?? '?'}`);
      // A count over no rows is 0, a sum NULL — as a fill writes them.
      await exec(`ALTER TABLE ${sqlIdentifier(table)} ADD COLUMN ${sqlIdentifier(c.column)} ${type}${c.kind === 'sum' ? '' : ' DEFAULT 0'}`);
    }
  }
  return { ...layout, periods: [...periods] };
}

/**
 * After a load of the table a rollup by cluster reads its attributes from (customers): the loaded
 * keys' attributes read again from that table and written over the clusters' rows, in the load's
 * transaction — a customer's months are untouched, only what describes the customer changes.
 * `keys`: a table of the loaded keys (in the attribute table's key column).
 */
export async function rewriteAttributes(exec: Exec, table: string, layout: ClusterLayout, keys: string): Promise<void> {
  const attributes = layout.attributes;
  if (!attributes) throw new InternalError(`rollup table ${table} has no attribute statement`);
  const columns = layout.perCluster ?? [];
  if (columns.length === 0) return;
  const id = sqlIdentifier;
  // Only the loaded keys' rows of the attribute table are read.
  const loaded = readingInstead(attributes.sql, attributes.table, `(SELECT * FROM ${attributes.table} WHERE ${id(attributes.keyColumn)} IN (SELECT ${id(attributes.keyColumn)} FROM ${keys}))`);
  if (!loaded) throw new InternalError(`rollup table ${table}: the attribute statement does not read ${attributes.table} once`);
  await exec(`UPDATE ${id(table)} SET ${columns.map((c) => `${id(c)} = a.${id(c)}`).join(', ')} FROM (${loaded}) AS a WHERE ${id(table)}.${id(layout.cluster)} = a.${id(attributes.key)}`);
}

/** The touched months' rows, turned sideways (temporary, dropped before the next rollup). */
const REFILLED = 'uprate_rollup_refilled_months';

/**
 * Refills some months of a rollup by cluster from the rows, inside the load's transaction (or,
 * for a load of new rows only, adds those rows' sums to them): their
 * columns are worked out again for every cluster from those months' rows only (`monthsSql`: the
 * statement reading just them), cleared where they held rows, written where the clusters already
 * have a row, and new clusters get a row (other months empty). The layout's first and last
 * instant and its clock floor widen to the months' rows; they never narrow here, which only ever
 * sends more reads to the rows. Answers the new layout.
 */
export async function refillMonths(exec: Exec, table: string, source: ClusteredSource, layout: ClusterLayout, months: readonly number[], monthsSql: string, temp: (name: string, select: string) => string, newRows: string | null, hashesNullSafe: boolean): Promise<ClusterLayout> {
  const id = sqlIdentifier;
  const t = id(table);
  const keys = [layout.cluster, ...layout.dimensions].map(id);
  const touched = months.flatMap((i) => periodColumns(layout, i));
  const empty = (kind: 'rows' | 'count' | 'sum') => (kind === 'sum' ? 'NULL' : '0');
  await exec(temp(REFILLED, sidewaysSql(source, layout, months, monthsSql)), source.params);
  // New rows only (`newRows`: the load's rows, none of them stored before): their sums are added
  // to the clusters' (a sum over no rows is NULL, and NULL plus a sum is that sum). Otherwise
  // the months' columns are cleared where they held rows and written again.
  const added = (c: { column: string; kind: 'rows' | 'count' | 'sum' }) => {
    const [mine, theirs] = [`${t}.${id(c.column)}`, `r.${id(c.column)}`];
    return c.kind === 'sum' ? `CASE WHEN ${theirs} IS NULL THEN ${mine} WHEN ${mine} IS NULL THEN ${theirs} ELSE ${mine} + ${theirs} END` : `${mine} + ${theirs}`;
  };
  if (newRows === null) await exec(`UPDATE ${t} SET ${touched.map((c) => `${id(c.column)} = ${empty(c.kind)}`).join(', ')} WHERE ${months.map((i) => `${id(rowsColumn(i))} > 0`).join(' OR ')}`);
  // The same key, NULL matching NULL, as a condition the engine joins by hashing: DuckDB hashes
  // IS NOT DISTINCT FROM; PostgreSQL does not, so there it is two equalities.
  // A cluster's attributes follow from the cluster: matching on the other keys is enough.
  const matched = [layout.cluster, ...layout.dimensions.filter((d) => !(layout.perCluster ?? []).includes(d))].map(id);
  const same = matched
    .map((k) => (hashesNullSafe ? `${t}.${k} IS NOT DISTINCT FROM r.${k}` : `coalesce(CAST(${t}.${k} AS VARCHAR), '') = coalesce(CAST(r.${k} AS VARCHAR), '') AND (${t}.${k} IS NULL) = (r.${k} IS NULL)`))
    .join(' AND ');
  await exec(`UPDATE ${t} SET ${touched.map((c) => `${id(c.column)} = ${newRows === null ? `r.${id(c.column)}` : added(c)}`).join(', ')} FROM ${REFILLED} r WHERE ${same}`);
  const all = layout.periods.flatMap((_, i) => periodColumns(layout, i));
  const values = all.map((c) => (touched.some((x) => x.column === c.column) ? `r.${id(c.column)}` : empty(c.kind)));
  await exec(
    `INSERT INTO ${t} (${[...keys, ...all.map((c) => id(c.column))].join(', ')}) SELECT ${[...keys.map((k) => `r.${k}`), ...values].join(', ')} FROM ${REFILLED} r WHERE NOT EXISTS (SELECT 1 FROM ${t} WHERE ${same})`,
  );
  await exec(`DROP TABLE ${REFILLED}`);
  const time = id(source.timeSource.column);
  const inMonths = months.map((i) => `(${time} >= ${timestampSql(layout.periods[i] ?? '')} AND ${time} < ${timestampSql(new Date(periodAfter(layout.periods[i] ?? '')).toISOString())})`).join(' OR ');
  const bounds = await dataBounds(exec, source, newRows ?? id(source.timeSource.table), inMonths);
  return { ...layout, first: earliest(layout.first, bounds.first), last: latest(layout.last, bounds.last), clockFrom: latest(layout.clockFrom, bounds.clockFrom) };
}

/** A rollup of moments compacted (temporary, dropped before the next rollup). */
const MOMENTS_MERGED = 'uprate_rollup_moments_merged';

/**
 * What a load's clusters' rows reach, read once for every rollup of moments over them: their
 * rows' first and last instant and the latest instant compared with the clock.
 */
export interface LoadReach {
  readonly bounds: { readonly first: string | null; readonly last: string | null; readonly clockFrom: string | null };
}

export async function loadReach(exec: Exec, source: ClusteredSource, clusterRows: string): Promise<LoadReach> {
  return { bounds: await dataBounds(exec, source, `${clusterRows} AS clusters_rows`, null) };
}

/**
 * A table of moments may grow to this many times its rows when last compacted before it is
 * compacted again: a load appends its changes (a day's load: the groups of its month's pairs, a
 * few per cent of a member), which reads sum like any other row.
 */
export const MOMENTS_GROWTH = 2;

/**
 * After a load, in its transaction: a load's change to a rollup of moments (`change`: a SELECT of
 * its rows — the loaded clusters' moments after the load less those before it, by the member's
 * dimensions and pair of periods; `rows`: how many) appended to the member's table. Exact, because every column is a
 * sum over clusters of what each cluster alone gives, and every read sums a group's rows
 * (clustered-read.ts): the other clusters' parts are untouched, and a group's rows add up to the
 * clusters' moments now. Appending costs one statement per member where replacing the reached pairs
 * cost four (the pairs' rows summed again with the change, deleted, written): on a 40,000-offer
 * store a load of 3,974 offers into the seventy members took 4.6 s that way. Once the table holds
 * {@link MOMENTS_GROWTH} times its rows when last compacted (`compactRows`; the stored row count
 * when the layout has none: a build leaves a table compact) its groups are summed into one row
 * each, those with nothing left dropped (the rows have no such group). The layout widens to months
 * after its last, and its first and last instant and clock floor to the clusters' rows (`reach`,
 * read once for every rollup over them; never narrowing, which only ever sends more reads to the rows).
 * Answers the new layout and the rows the table now holds.
 */
export async function addClusterChanges(exec: Exec, table: string, layout: ClusterLayout, change: { readonly sql: string; readonly rows: number }, reach: LoadReach, storedRows: number, temp: (name: string, select: string) => string): Promise<{ readonly layout: ClusterLayout; readonly rows: number }> {
  const id = sqlIdentifier;
  const keys = [...layout.dimensions, HI, LO].map(id);
  const columns = momentsColumns(layout.measures.length).map(id);
  const list = [...keys, ...columns].join(', ');
  await exec(`INSERT INTO ${id(table)} (${list}) ${change.sql}`);
  let compactRows = layout.compactRows ?? storedRows;
  // The rows it held (the registry's count, kept after every load) and those appended.
  let rows = storedRows + change.rows;
  if (rows > MOMENTS_GROWTH * compactRows) {
    await exec(temp(MOMENTS_MERGED, summedMomentsSql(id(table), [...layout.dimensions, HI, LO], layout.measures.length)));
    await exec(`DELETE FROM ${id(table)}`);
    await exec(`INSERT INTO ${id(table)} (${list}) SELECT ${list} FROM ${MOMENTS_MERGED}`);
    await exec(`DROP TABLE ${MOMENTS_MERGED}`);
    const [compacted] = await exec(`SELECT count(*) AS n FROM ${id(table)}`);
    compactRows = Number(compacted?.['n'] ?? 0);
    rows = compactRows;
  }
  const first = layout.periods[0] ?? '';
  const { bounds } = reach;
  // Periods up to the one holding the clusters' last row (a load reaching past the layout's last).
  const grain = grainOf(layout);
  const periods = bounds.last !== null && periodIndex(bounds.last, first, grain) >= layout.periods.length ? periodsBetween(first, bounds.last, grain) : layout.periods;
  return { layout: { ...layout, periods, first: earliest(layout.first, bounds.first), last: latest(layout.last, bounds.last), clockFrom: latest(layout.clockFrom, bounds.clockFrom), compactRows }, rows };
}
