import { HI, LO, momentsColumns, positiveColumn, productColumn, productPairs, STARTS, sumColumn } from '../../rollups/moments.js';
import { sqlIdentifier } from '../../store/sql-literal.js';

/**
 * Rollups of moments (rollups/moments.ts) on ClickHouse 18.16, which has neither window functions
 * nor CTEs: each cluster's rows of a group (its months, sorted) become one array, and the pairs of
 * months come from ARRAY JOIN over its indexes — for the i-th month, j = 1…i pairs it with each
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
  /** Its count columns, in the layout's order. */
  readonly measures: readonly string[];
  /** Its period column (a month start). */
  readonly timeColumn: string;
  /** The layout's first month (ISO): month 0. */
  readonly firstMonth: string;
}

const id = sqlIdentifier;
/** Inner names: 18.16 refuses an alias that shadows a column inside an aggregate. */
const c = (k: number) => `uprate_c${k}`;
const v = (column: string) => `uprate_v_${column.replace(/^uprate_/, '')}`;

/** The whole fill: per group of the statement's dimensions, month `uprate_hi` and month `uprate_lo`, every moments column. */
export function clickhouseMomentsSql(source: string, shape: MomentsShape): string {
  const dims = shape.dimensions.map(id);
  const k = shape.measures.length;
  const counts = Array.from({ length: k }, (_, i) => i);
  const d = new Date(shape.firstMonth);
  const base = d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
  const period = id(shape.timeColumn);
  // One row per cluster, dimension values and month (the statement's own grain).
  const perMonth = `SELECT ${[id(shape.cluster), ...dims, `toInt32(toYear(s.${period}) * 12 + toMonth(s.${period}) - ${base}) AS uprate_m`, ...shape.measures.map((m, i) => `toInt64(s.${id(m)}) AS ${c(i)}`)].join(', ')} FROM (${source}) AS s WHERE s.${period} IS NOT NULL`;
  // A cluster's months in a group, sorted: (month, count 0, count 1, …).
  const perGroup = `SELECT ${[...dims, `arraySort(groupArray(tuple(uprate_m, ${counts.map(c).join(', ')}))) AS uprate_rs`].join(', ')} FROM (${perMonth}) GROUP BY ${[id(shape.cluster), ...dims].join(', ')}`;
  const at = (index: string, element: number) => `tupleElement(uprate_rs[${index}], ${element})`;
  const count = (index: string, i: number) => at(index, i + 2);
  // Per month i: the latest earlier month with each count above 0 (0: none).
  const resumesAbove = counts.map((i) => `arrayReduce('max', arrayFilter(x -> x < uprate_i AND ${count('x', i)} > 0, arrayEnumerate(uprate_rs))) AS uprate_p${i}`);
  const perMonthOfGroup = `SELECT ${[...dims, 'uprate_rs', 'uprate_i', ...resumesAbove].join(', ')} FROM (${perGroup}) ARRAY JOIN arrayEnumerate(uprate_rs) AS uprate_i`;
  const [i, j] = ['uprate_i', 'uprate_j'];
  const values: Record<string, string> = {};
  for (const n of counts) values[sumColumn(n)] = `if(${j} = ${i}, ${count(i, n)}, 0)`;
  for (const [a, b] of productPairs(k)) {
    values[productColumn(a, b)] = `if(${j} = 0, 0, if(${j} = ${i}, ${count(i, a)} * ${count(i, b)}, ${count(i, a)} * ${count(j, b)} + ${count(i, b)} * ${count(j, a)}))`;
  }
  values[STARTS] = `if(${j} = ${i} - 1, 1, 0)`;
  for (const n of counts) values[positiveColumn(n)] = `if(${count(i, n)} > 0 AND ${j} = uprate_p${n}, 1, 0)`;
  const columns = momentsColumns(k);
  // j = 0 rows with nothing in them (a later month's "no month before") are left out.
  const kept = [`${j} > 0`, `${i} = 1`, ...counts.map((n) => `(${count(i, n)} > 0 AND uprate_p${n} = 0)`)].join(' OR ');
  const pairs = `SELECT ${[...dims, `toInt32(${at(i, 1)}) AS uprate_h`, `toInt32(if(${j} = 0, -1, ${at(j, 1)})) AS uprate_l`, ...columns.map((col) => `${values[col] ?? '0'} AS ${v(col)}`)].join(', ')} FROM (${perMonthOfGroup}) ARRAY JOIN range(toUInt64(${i}) + 1) AS ${j} WHERE ${kept}`;
  return `SELECT ${[...dims, `uprate_h AS ${id(HI)}`, `uprate_l AS ${id(LO)}`, ...columns.map((col) => `toInt64(sum(${v(col)})) AS ${id(col)}`)].join(', ')} FROM (${pairs}) GROUP BY ${[...dims, 'uprate_h', 'uprate_l'].join(', ')}`;
}

/** One member's rows from its family's table: summed over the dimensions it does not keep. */
export function clickhouseMemberSql(familyTable: string, dimensions: readonly string[], measures: number): string {
  const dims = dimensions.map(id);
  const columns = momentsColumns(measures);
  const inner = [...dims, `${id(HI)} AS uprate_h`, `${id(LO)} AS uprate_l`, ...columns.map((col) => `${id(col)} AS ${v(col)}`)].join(', ');
  return `SELECT ${[...dims, `uprate_h AS ${id(HI)}`, `uprate_l AS ${id(LO)}`, ...columns.map((col) => `toInt64(sum(${v(col)})) AS ${id(col)}`)].join(', ')} FROM (SELECT ${inner} FROM ${familyTable}) GROUP BY ${[...dims, 'uprate_h', 'uprate_l'].join(', ')}`;
}
