import { HI, LO, momentsColumns, positiveColumn, productColumn, productPairs, STARTS, sumColumn } from '../../rollups/moments.js';
import { sqlIdentifier } from '../../store/sql-literal.js';
import type { ClusterGrain } from '../../rollups/registry.js';

/**
 * Rollups of moments (rollups/moments.ts) on ClickHouse 18.16, which has neither window functions
 * nor CTEs: each cluster's rows of a group (its months, sorted) become one array, and its pairs of
 * months one array of tuples, ARRAY JOINed — for the i-th month, j = 1…i pairs it with each
 * month up to it (products; on j = i the month's own sums) and j = 0 stands for "no month before".
 * The month a cluster resumes after is the one before it in the array (j = i − 1, or j = 0 for the
 * first), and the one a count resumes above 0 after is the latest earlier month with that count above
 * 0 (or j = 0). The same table, row for row summed, as DuckDB's and PostgreSQL's statement fills.
 */

export interface MomentsShape {
  /** The statement's cluster column. */
  readonly cluster: string;
  /** The statement's dimension columns (a family's: all its members'). */
  readonly dimensions: readonly string[];
  /**
   * The members' sets of dimensions: each pair is summed once per set (`uprate_set`, its index),
   * the dimensions a set leaves out NULL — GROUPING SETS, which 18.16 lacks. A family keyed by all
   * its dimensions at once has about as many groups as pairs (a million at a million offers), each
   * member only a few thousand.
   */
  readonly sets: readonly (readonly string[])[];
  /** Only the clusters of one part (by a hash of the cluster): the parts' rows summed are the whole's. */
  readonly part?: { readonly index: number; readonly of: number };
  /** Its count columns, in the layout's order. */
  readonly measures: readonly string[];
  /** Its period column (a month start). */
  readonly timeColumn: string;
  /** The layout's first month (ISO): month 0 — or its first period, with `grain`. */
  readonly firstMonth: string;
  /** The periods' granularity (absent: month). */
  readonly grain?: ClusterGrain;
  /** Only each period's own moments (`moments: 'perPeriod'`): no pairs of periods. */
  readonly perPeriod?: boolean;
  /**
   * Only the entries a change of these months (numbers from the first) can move — a load's touched
   * clusters before and after it, whose other entries are the same in both: the sums and products of
   * pairs with a changed month, and where a cluster resumes at i after j with a changed month in [j, i].
   */
  readonly changed?: readonly number[];
}

/** A period start (the statement's period column) as its number from the first period (0). */
function periodNumber(column: string, first: string, grain: ClusterGrain): string {
  if (grain === 'month') {
    const d = new Date(first);
    return `toInt32(toYear(${column}) * 12 + toMonth(${column}) - ${d.getUTCFullYear() * 12 + d.getUTCMonth() + 1})`;
  }
  // Days since 1970 (a Date is its day number): whole days or weeks from the first.
  const firstDay = Math.floor(Date.parse(first) / 86_400_000);
  return `toInt32(intDiv(toInt32(toUInt16(toDate(${column}))) - ${firstDay}, ${grain === 'week' ? 7 : 1}))`;
}

const id = sqlIdentifier;
/** Inner names: 18.16 refuses an alias that shadows a column inside an aggregate. */
const c = (k: number) => `uprate_c${k}`;
/** A dimension's inner name (its place among the shape's dimensions). */
const inner = (x: number) => `uprate_d${x}`;
const v = (column: string) => `uprate_v_${column.replace(/^uprate_/, '')}`;

/** The whole fill: per group of the statement's dimensions, month `uprate_hi` and month `uprate_lo`, every moments column. */
export function clickhouseMomentsSql(source: string, shape: MomentsShape): string {
  const dims = shape.dimensions.map(id);
  const k = shape.measures.length;
  const counts = Array.from({ length: k }, (_, i) => i);
  const period = id(shape.timeColumn);
  // One row per cluster, dimension values and month (the statement's own grain).
  const perMonth = `SELECT ${[id(shape.cluster), ...dims, `${periodNumber(`s.${period}`, shape.firstMonth, shape.grain ?? 'month')} AS uprate_m`, ...shape.measures.map((m, i) => `toInt64(s.${id(m)}) AS ${c(i)}`)].join(', ')} FROM (${source}) AS s WHERE s.${period} IS NOT NULL${shape.part ? ` AND cityHash64(s.${id(shape.cluster)}) % ${shape.part.of} = ${shape.part.index}` : ''}`;
  const columns = momentsColumns(k);
  if (shape.perPeriod) {
    // Each row is a cluster's whole period: its products, its start and its counts above 0 are the period's own.
    const own: Record<string, string> = { [STARTS]: '1' };
    for (const n of counts) own[sumColumn(n)] = c(n);
    for (const [a, b] of productPairs(k)) own[productColumn(a, b)] = `${c(a)} * ${c(b)}`;
    for (const n of counts) own[positiveColumn(n)] = `if(${c(n)} > 0, 1, 0)`;
    const periods = `SELECT ${[...dims.map((dim, x) => `${dim} AS ${inner(x)}`), 'uprate_m AS uprate_h', 'uprate_m AS uprate_l', ...columns.map((col) => `toInt64(${own[col] ?? '0'}) AS ${v(col)}`)].join(', ')} FROM (${perMonth})`;
    return summedBySets(periods, shape, columns);
  }
  // A cluster's months in a group, sorted: (month, count 0, count 1, …).
  const perGroup = `SELECT ${[...dims, `arraySort(groupArray(tuple(uprate_m, ${counts.map(c).join(', ')}))) AS uprate_rs`].join(', ')} FROM (${perMonth}) GROUP BY ${[id(shape.cluster), ...dims].join(', ')}`;
  // The same as parallel arrays: the months (ms), each count (cs_n), the month before each (-1 for
  // the first), and per count the months above 0 with, for each month, how many of them came
  // before it. Lambdas read only their own arguments: 18.16 copies a captured array for every
  // element, and drops a subquery's column only a lambda reads.
  const arrays = [
    ...dims,
    'arrayMap(t -> tupleElement(t, 1), uprate_rs) AS uprate_ms',
    ...counts.map((n) => `arrayMap(t -> tupleElement(t, ${n + 2}), uprate_rs) AS uprate_cs${n}`),
    'arrayPopBack(arrayPushFront(uprate_ms, -1)) AS uprate_before',
    ...counts.map((n) => `arrayFilter((m, x) -> x > 0, uprate_ms, uprate_cs${n}) AS uprate_above${n}`),
    ...counts.map((n) => `arrayPopBack(arrayPushFront(arrayCumSum(arrayMap(x -> toUInt32(x > 0), uprate_cs${n})), toUInt32(0))) AS uprate_n${n}`),
  ];
  const parallel = `SELECT ${arrays.join(', ')} FROM (${perGroup})`;
  // A month before every changed month pairs only with months before it, and resumes after one: it moves nothing.
  const firstChanged = shape.changed === undefined ? null : shape.changed.length === 0 ? 2 ** 31 - 1 : Math.min(...shape.changed);
  // One row per month i of a group: its counts, the month before it, the latest earlier month with
  // each count above 0 (-1: none), and the months up to it with their counts, led by a stand-in
  // month -1 with counts 0 ("no month before").
  const perMonthOfGroup = `SELECT ${[
    ...dims,
    'uprate_mi',
    ...counts.map((n) => `uprate_ci${n}`),
    'uprate_prev',
    ...counts.map((n) => `if(uprate_ni${n} = 0, -1, uprate_above${n}[uprate_ni${n}]) AS uprate_prev${n}`),
    'arrayPushFront(arraySlice(uprate_ms, 1, uprate_i), -1) AS uprate_msj',
    ...counts.map((n) => `arrayPushFront(arraySlice(uprate_cs${n}, 1, uprate_i), toInt64(0)) AS uprate_csj${n}`),
  ].join(', ')} FROM (${parallel}) ARRAY JOIN ${['uprate_ms AS uprate_mi', ...counts.map((n) => `uprate_cs${n} AS uprate_ci${n}`), 'uprate_before AS uprate_prev', ...counts.map((n) => `uprate_n${n} AS uprate_ni${n}`), 'arrayEnumerate(uprate_ms) AS uprate_i'].join(', ')}${firstChanged === null ? '' : ` WHERE uprate_mi >= ${firstChanged}`}`;
  // Each month i with each month j up to it (or the stand-in): on j = i the month's sums and its
  // own products; j < i the pair's products; where the cluster (or a count above 0) resumes in i.
  const [ci, cj] = [(n: number) => `uprate_ci${n}`, (n: number) => `uprate_cj${n}`];
  const same = 'uprate_mj = uprate_mi';
  // Only the entries the changed months can move (rows left all 0 are dropped below, as the stand-in's are).
  const list = shape.changed?.join(', ');
  const pairChanged = (value: string) => (list === undefined ? value : list === '' ? '0' : `if(uprate_mi IN (${list}) OR uprate_mj IN (${list}), ${value}, 0)`);
  const spanning = (value: string) => (shape.changed === undefined ? value : `if(${shape.changed.map((m) => `(uprate_mj <= ${m} AND uprate_mi >= ${m})`).join(' OR ') || '0'}, ${value}, 0)`);
  const values: Record<string, string> = {};
  for (const n of counts) values[sumColumn(n)] = pairChanged(`if(${same}, ${ci(n)}, 0)`);
  for (const [a, b] of productPairs(k)) values[productColumn(a, b)] = pairChanged(`if(${same}, ${ci(a)} * ${ci(b)}, ${ci(a)} * ${cj(b)} + ${ci(b)} * ${cj(a)})`);
  values[STARTS] = spanning('if(uprate_mj = uprate_prev, 1, 0)');
  for (const n of counts) values[positiveColumn(n)] = spanning(`if(${ci(n)} > 0 AND uprate_mj = uprate_prev${n}, 1, 0)`);
  const pairs = `SELECT ${[...dims.map((dim, x) => `${dim} AS ${inner(x)}`), 'uprate_mi AS uprate_h', 'uprate_mj AS uprate_l', ...columns.map((col) => `toInt64(${values[col] ?? '0'}) AS ${v(col)}`)].join(', ')} FROM (${perMonthOfGroup}) ARRAY JOIN ${['uprate_msj AS uprate_mj', ...counts.map((n) => `uprate_csj${n} AS ${cj(n)}`)].join(', ')}`;
  return summedBySets(pairs, shape, columns);
}

/** Rows of moments (`uprate_d<x>` per dimension, `uprate_h`, `uprate_l`, a value per column) summed by each of the shape's sets. */
function summedBySets(pairs: string, shape: MomentsShape, columns: readonly string[]): string {
  const dims = shape.dimensions.map(id);
  // A pair with nothing in it (the stand-in before a later month, mostly) is left out; the pairs
  // are summed by every dimension first (about as many groups as customers' pairs of months)…
  const kept = columns.map((col) => `${v(col)} <> 0`).join(' OR ');
  const all = `SELECT ${[...dims.map((_, x) => inner(x)), 'uprate_h', 'uprate_l', ...columns.map((col) => `sum(${v(col)}) AS ${v(col)}_all`)].join(', ')} FROM (${pairs}) WHERE ${kept} GROUP BY ${[...dims.map((_, x) => inner(x)), 'uprate_h', 'uprate_l'].join(', ')}`;
  // …then once per set, the dimensions it leaves out NULL (a copy of every row per set before
  // that first sum runs a block of pairs, times the sets, out of memory).
  const kinds = shape.sets.map((set) => shape.dimensions.map((dim) => set.includes(dim)));
  const keyed = shape.dimensions.map((dim, x) => {
    const inSets = kinds.flatMap((has, n) => (has[x] ? [n] : []));
    const value = inSets.length === kinds.length ? inner(x) : inSets.length === 0 ? 'NULL' : `if(uprate_set IN (${inSets.join(', ')}), ${inner(x)}, NULL)`;
    return `${value} AS ${dim}`;
  });
  const bySet = `SELECT ${['uprate_set', ...keyed, 'uprate_h', 'uprate_l', ...columns.map((col) => `${v(col)}_all`)].join(', ')} FROM (${all}) ARRAY JOIN range(${shape.sets.length}) AS uprate_set`;
  return `SELECT ${['uprate_set', ...dims, `uprate_h AS ${id(HI)}`, `uprate_l AS ${id(LO)}`, ...columns.map((col) => `toInt64(sum(${v(col)}_all)) AS ${id(col)}`)].join(', ')} FROM (${bySet}) GROUP BY ${['uprate_set', ...dims, 'uprate_h', 'uprate_l'].join(', ')}`;
}

/** One member's rows from its family's table: those of its set (`index` among the family's sets). */
export function clickhouseMemberSql(familyTable: string, dimensions: readonly string[], measures: number, index: number): string {
  // Summed again: a family formed a share of the customers at a time has a row per part.
  const columns = momentsColumns(measures);
  const inner = [...dimensions.map(id), `${id(HI)} AS uprate_h`, `${id(LO)} AS uprate_l`, ...columns.map((col) => `${id(col)} AS ${v(col)}`)].join(', ');
  return `SELECT ${[...dimensions.map(id), `uprate_h AS ${id(HI)}`, `uprate_l AS ${id(LO)}`, ...columns.map((col) => `toInt64(sum(${v(col)})) AS ${id(col)}`)].join(', ')} FROM (SELECT ${inner} FROM ${familyTable} WHERE uprate_set = ${index}) GROUP BY ${[...dimensions.map(id), 'uprate_h', 'uprate_l'].join(', ')}`;
}

/**
 * A member's moments after a load, from its table before it: plus its set of the moments of the
 * clusters the load touched as they are after it, less theirs before it (both family tables, by
 * `index` among the family's sets) — moments add up over clusters, so the others' parts stay. A
 * group and pair of periods left with nothing in it is dropped, as a fill never writes one.
 */
export function clickhouseReplacedMemberSql(current: string, after: string, before: string, dimensions: readonly string[], measures: number, index: number): string {
  const columns = momentsColumns(measures);
  const dims = dimensions.map(id);
  const part = (from: string, sign: '' | '-', set: boolean) =>
    `SELECT ${[...dims, `${id(HI)} AS uprate_h`, `${id(LO)} AS uprate_l`, ...columns.map((col) => `${sign}${id(col)} AS ${v(col)}`)].join(', ')} FROM ${from}${set ? ` WHERE uprate_set = ${index}` : ''}`;
  const parts = [part(current, '', false), part(after, '', true), part(before, '-', true)].join(' UNION ALL ');
  return `SELECT ${[...dims, `uprate_h AS ${id(HI)}`, `uprate_l AS ${id(LO)}`, ...columns.map((col) => `toInt64(sum(${v(col)})) AS ${id(col)}`)].join(', ')} FROM (${parts}) GROUP BY ${[...dims, 'uprate_h', 'uprate_l'].join(', ')} HAVING ${columns.map((col) => `sum(${v(col)}) <> 0`).join(' OR ')}`;
}
