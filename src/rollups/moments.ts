import { sqlIdentifier } from '../store/sql-literal.js';
import type { Exec, Store } from '../store/store.js';
import { grainOf, type ClusterGrain, type ClusterLayout } from './registry.js';

/**
 * A rollup of cluster moments (`clusteredBy` with `moments: true` in the model). A
 * customer-clustered interval of a group over a run of months R needs, besides the group's
 * counts, Σ over its clusters of Xᵢ(R)·Xⱼ(R) (a cluster's counts summed over R), the clusters with
 * offers in R and those above 0. None of these adds up over months — but each is a sum over
 * pairs of months or over a month and the one before it:
 *
 *   Σ_c Xᵢ(R)·Xⱼ(R) = Σ_{a ≥ b in R} Σ_c (xᵢ(a)·xⱼ(b) + [a ≠ b]·xᵢ(b)·xⱼ(a))
 *   clusters in R = Σ_{a in R} #{clusters with offers in a whose previous such month is before R (or none)}
 *
 * so the table keeps, per group (dimension values), month `uprate_hi` and month `uprate_lo`
 * (`uprate_lo` ≤ `uprate_hi`; -1 for "no month before"): the products' sums over pairs, the
 * clusters that resume in `uprate_hi` after `uprate_lo` (with offers; with each count above 0),
 * and on the diagonal each count's sum. A few rows per group and pair of months, whatever the
 * number of customers; months are numbered from the layout's first.
 *
 * Exact only where no group adds up rows that split a cluster's offers: each dimension that is not
 * one of the cluster's own (a customer's attributes) must be grouped by or fixed to one value
 * (the products of a customer's upsells and cross-sells are not kept apart). Counts only (a
 * count is never NULL nor negative, so "above 0" in R is "above 0 in some month of R").
 */

export const HI = 'uprate_hi';
export const LO = 'uprate_lo';
export const STARTS = 'uprate_starts';
/** A cluster row's previous month with rows in its group, and with the k-th count above 0 (in a fill only). */
const PREVIOUS = 'uprate_previous';
const previousPositive = (k: number): string => `uprate_previous_positive__${k}`;
export const sumColumn = (k: number): string => `uprate_sum__${k}`;
export const positiveColumn = (k: number): string => `uprate_positive__${k}`;
/** Σ of the products of the i-th and j-th counts (i ≤ j). */
export const productColumn = (i: number, j: number): string => `uprate_product__${Math.min(i, j)}_${Math.max(i, j)}`;

/** The pairs (i ≤ j) of a layout's measures whose products are kept. */
export function productPairs(measures: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < measures; i++) for (let j = i; j < measures; j++) out.push([i, j]);
  return out;
}

/** The value columns of a rollup of moments over `measures` counts, in the table's order. */
export function momentsColumns(measures: number): string[] {
  const all = Array.from({ length: measures }, (_, k) => k);
  return [...all.map(sumColumn), ...productPairs(measures).map(([i, j]) => productColumn(i, j)), STARTS, ...all.map(positiveColumn)];
}

/** A period start (a UTC timestamp column) as its number in the layout: 0 for the layout's first period. */
function periodNumber(column: string, first: string, grain: ClusterGrain): string {
  // Days and weeks by the days between (DATE − DATE is a whole number of days on DuckDB and PostgreSQL).
  if (grain !== 'month') return `CAST(floor((CAST(${column} AS DATE) - DATE '${first.slice(0, 10)}') / ${grain === 'week' ? '7.0' : '1.0'}) AS INTEGER)`;
  const d = new Date(first);
  const base = d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
  return `(CAST(EXTRACT(YEAR FROM ${column}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM ${column}) AS INTEGER) - ${base})`;
}

/** What a fill needs of the rollup's statement (one row per cluster, dimension values and month). */
export interface MomentsSource {
  readonly sql: string;
  readonly timeColumn: string;
  /**
   * The same statement over the rows as they were before a load: the fill is then the load's
   * change — the moments of `sql` less those of `before`, per group and pair of periods, the groups
   * left as they were left out.
   */
  readonly before?: string;
}

/** Which side of a load's change a row is on: 1 after the load, -1 before it. */
const SIDE = 'uprate_side';

/**
 * The statement filling a rollup of moments from the model's statement (one row per cluster,
 * dimension values and month). DuckDB and PostgreSQL alike: the per-month rows are kept once
 * (MATERIALIZED) with, from one sort, the previous month each cluster had rows (or counts above 0)
 * in the group; then each row is paired with the cluster's earlier rows in the group (itself
 * included), each pair carrying all it adds — the month's counts (a row with itself), the
 * products, and whether the cluster resumed there — and the clusters' first months are added.
 * Forming the pairs once for all of that halves what is grouped (at 10 M offers a family's 65 M
 * parts became 32 M) and sorts the rows once instead of three times.
 *
 * A load's change (`source.before`) is one such fill over both sides of the load: each row carries
 * its side (1 after, -1 before), which splits clusters like a dimension (a row pairs only with its
 * own side's rows) and signs everything it adds, so one grouping nets after less before. One
 * statement a family where it took three (before, after, their difference): a day's load into a
 * 1 M-offer store ran twenty-two families' moments in 2.8 s that way.
 */
export function momentsFillSql(source: MomentsSource, layout: ClusterLayout, family?: FamilySets, changed?: readonly number[]): string {
  const sets = family?.sets;
  const id = sqlIdentifier;
  const first = layout.periods[0];
  const dims = layout.dimensions.map(id);
  const cluster = id(layout.cluster);
  const measures = layout.measures.map((m) => id(m.column));
  const pairs = productPairs(measures.length);
  const columns = momentsColumns(measures.length);
  /** One part of the union: its keys then a value (or 0) for every column. */
  const part = (keys: readonly string[], values: Readonly<Record<string, string>>, from: string, where = '') =>
    `SELECT ${[...keys, ...columns.map((c) => `${values[c] ?? '0'} AS ${id(c)}`)].join(', ')} FROM ${from}${where ? ` WHERE ${where}` : ''}`;
  const own = (alias: string) => [...dims.map((d) => `${alias}.${d}`), `${alias}.${HI}`];
  // A cluster's rows are told apart by the dimensions that split it; the others (a customer's
  // attributes) have one value per cluster, so matching on them too would only cost time.
  const perCluster = new Set(layout.perCluster ?? []);
  const change = source.before !== undefined;
  const splitting = [cluster, ...layout.dimensions.filter((d) => !perCluster.has(d)).map(id), ...(change ? [SIDE] : [])];
  /** A value a row (alias) adds, signed by its side in a change. */
  const signed = (value: string, alias?: string) => (change ? `(${value}) * ${alias ? `${alias}.` : ''}${SIDE}` : value);
  // Only the entries a change of the months `changed` can move (a load's clusters before and after it):
  // a month's sums, the products of pairs with a changed month, and the resumptions at a after b
  // with a changed month in [b, a] — the cluster's months between stay without rows, b and a keep theirs.
  const list = changed?.join(', ');
  const onDiagonal = list ? `p.${HI} IN (${list})` : '';
  const spanning = (from: string, to: string) => `(${(changed ?? []).map((m) => `(${from} <= ${m} AND ${to} >= ${m})`).join(' OR ') || 'false'})`;
  // Per cluster row, where it resumes: the cluster's previous month with rows in the group, and with
  // each count above 0 (NULL: none) — one sort of the rows for all of them.
  const order = `PARTITION BY ${splitting.join(', ')} ORDER BY ${id(HI)}`;
  const resumes = [
    `lag(${id(HI)}) OVER (${order}) AS ${PREVIOUS}`,
    ...measures.map((m, k) => `max(CASE WHEN ${m} > 0 THEN ${id(HI)} END) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS ${previousPositive(k)}`),
  ];
  // A cluster's row with each of its rows in the group up to the same month (itself included). The
  // key is NULL-safe (a cluster or dimension may be NULL): DuckDB hashes IS NOT DISTINCT FROM,
  // PostgreSQL does not (a nested loop), so there the key is compared as text with its NULL apart.
  const same = (c: string) =>
    family?.engine === 'duckdb' ? `x.${c} IS NOT DISTINCT FROM y.${c}` : `coalesce(CAST(x.${c} AS VARCHAR), '') = coalesce(CAST(y.${c} AS VARCHAR), '') AND (x.${c} IS NULL) = (y.${c} IS NULL)`;
  // Each pair of a cluster's rows carries all it adds: on the diagonal (a row with itself) the
  // month's sums; its products; and whether the earlier row is where the later resumed (from, and
  // with each count above 0). Every pair, for a fill without the changed months (with them, the
  // pairs a change can move are formed apart: resumedFromPairs below).
  const resumedAt = (k?: number) => (k === undefined ? `y.${HI} = x.${PREVIOUS}` : `x.${measures[k] ?? ''} > 0 AND y.${HI} = x.${previousPositive(k)}`);
  const paired = part(
    [...own('x'), `y.${HI}`],
    Object.fromEntries([
      ...measures.map((m, k) => [sumColumn(k), signed(`CASE WHEN x.${HI} = y.${HI} THEN x.${m} ELSE 0 END`, 'x')]),
      ...pairs.map(([i, j]) => {
        const [a, b] = [measures[i] ?? '', measures[j] ?? ''];
        return [productColumn(i, j), signed(`CASE WHEN x.${HI} = y.${HI} THEN x.${a} * y.${b} ELSE x.${a} * y.${b} + x.${b} * y.${a} END`, 'x')];
      }),
      [STARTS, signed(`CASE WHEN ${resumedAt()} THEN 1 ELSE 0 END`, 'x')],
      ...measures.map((_, k) => [positiveColumn(k), signed(`CASE WHEN ${resumedAt(k)} THEN 1 ELSE 0 END`, 'x')]),
    ]),
    `per_month x JOIN per_month y ON ${splitting.map(same).join(' AND ')} AND y.${HI} <= x.${HI}`,
  );
  // Where a cluster starts (no earlier row in the group, or none with the count above 0): at -1.
  const startsAt = [`${PREVIOUS} IS NULL`, ...measures.map((m, k) => `${m} > 0 AND ${previousPositive(k)} IS NULL`)];
  const firsts = part(
    [...dims, id(HI), '-1'],
    { [STARTS]: signed(`CASE WHEN ${startsAt[0] ?? ''} THEN 1 ELSE 0 END`), ...Object.fromEntries(measures.map((_, k) => [positiveColumn(k), signed(`CASE WHEN ${startsAt[k + 1] ?? ''} THEN 1 ELSE 0 END`)])) },
    'per_month',
    startsAt.join(' OR '),
  );
  const keys = [...dims, id(HI), id(LO)];
  const period = id(source.timeColumn);
  // With the changed months known (not per period), the entries are read off pairs from the first
  // changed month on ({@link resumedFromPairs}); before it the clusters' rows are the same on both
  // sides of a load, so the rows before are read from that month on only and pair with the earlier rows after.
  const fromChanged = list && !layout.perPeriod ? Math.min(...(changed ?? [])) : null;
  const number = (column: string) => periodNumber(column, first ?? '1970-01-01T00:00:00.000Z', grainOf(layout));
  const rowsOf = (sql: string, side?: number, from?: number) =>
    `SELECT ${[cluster, ...dims, `${number(`s.${period}`)} AS ${id(HI)}`, ...measures, ...(side === undefined ? [] : [`${side} AS ${SIDE}`])].join(', ')} FROM (${sql}) AS s WHERE s.${period} IS NOT NULL${from === undefined ? '' : ` AND ${number(`s.${period}`)} >= ${from}`}`;
  const monthRows = source.before === undefined ? rowsOf(source.sql) : `${rowsOf(source.sql, 1)} UNION ALL ${rowsOf(source.before, -1, fromChanged ?? undefined)}`;
  // With the changed months known, where a row resumes is read off its pairs rather than sorted
  // for: only the rows from the first changed month on are paired (no entry a change can move has
  // an earlier later month), and the window over every row of the clusters was half a family's
  // change (0.15–0.2 s of 0.32 s a family, a day's load into 10 M offers).
  const byPairs = list && fromChanged !== null ? resumedFromPairs({ dims, measures, splitting: splitting.filter((c) => c !== SIDE), sided: change, same, signed, spanning, list, part, first: fromChanged }) : null;
  const perMonth = `WITH per_month AS MATERIALIZED (${layout.perPeriod || byPairs ? monthRows : `SELECT m.*, ${resumes.join(', ')} FROM (${monthRows}) AS m`})${byPairs ? `, ${byPairs.ctes}` : ''}`;
  // Per period only: each row is a cluster's whole period (one row per cluster, splitting values and
  // period), so its products, its start and its counts above 0 are the period's own — all on the diagonal.
  const ownPeriod = part(
    [...own('p'), `p.${HI}`],
    Object.fromEntries([
      ...measures.map((m, k) => [sumColumn(k), signed(`p.${m}`, 'p')]),
      ...pairs.map(([i, j]) => [productColumn(i, j), signed(`p.${measures[i] ?? ''} * p.${measures[j] ?? ''}`, 'p')]),
      [STARTS, signed('1', 'p')],
      ...measures.map((m, k) => [positiveColumn(k), signed(`CASE WHEN p.${m} > 0 THEN 1 ELSE 0 END`, 'p')]),
    ]),
    'per_month p',
    onDiagonal,
  );
  const unionOf = layout.perPeriod ? [ownPeriod] : byPairs ? byPairs.parts : [paired, firsts];
  const parts = `(${unionOf.map((p) => `(${p})`).join(' UNION ALL ')}) AS parts (${[...keys, ...columns.map(id)].join(', ')})`;
  // BIGINT, not the engines' wider sum types (DuckDB's 128-bit HUGEINT, PostgreSQL's numeric): several times faster to add up at query time.
  const sums = columns.map((c) => `CAST(sum(${id(c)}) AS BIGINT) AS ${id(c)}`);
  const summed = (groupBy: string, which: readonly string[] = []) => [perMonth, `SELECT ${[...keys, ...sums, ...which].join(', ')}`, `FROM ${parts}`, `GROUP BY ${groupBy}`].join('\n');
  // A change keeps only the groups it moves (after and before net to 0 in the others).
  const moved = (sql: string) => (change ? `SELECT * FROM (${sql}) AS uprate_change WHERE ${columns.map((c) => `${id(c)} <> 0`).join(' OR ')}` : sql);
  if (!sets || dims.length === 0) return moved(summed(keys.join(', ')));
  // Several groupings at once (a family's members), told apart by SET (GROUPING()). Only the sets
  // no other covers are grouped from the pairs (`direct`); a set inside a larger one that adds only a
  // customer's attributes (one value per cluster, so each cluster lies in one of its groups) is the
  // larger one's rows summed — its moments are sums over clusters — a grouping of a few thousand rows
  // instead of one more pass over every pair (the total and each attribute alone from the members by
  // several attributes).
  const { direct, derived } = setsFromCovers(uniqueSets(sets), layout.perCluster ?? []);
  const setKeys = (set: readonly string[]) => [...set.map(id), id(HI), id(LO)].join(', ');
  /** One set's rows summed from `from` (the kept parts, or a cover's rows), the dimensions it leaves out NULL. */
  const groupedBy = (set: readonly string[], from: string) => {
    const shown = layout.dimensions.map((d) => (set.includes(d) ? id(d) : `NULL AS ${id(d)}`));
    return `SELECT ${[...shown, id(HI), id(LO), ...sums, `${setNumber(layout.dimensions, set)} AS ${SET}`].join(', ')} FROM ${from} GROUP BY ${setKeys(set)}`;
  };
  /** A covered set's rows: its cover's summed again by the set's own keys. */
  const summedFromCover = ({ set, cover }: CoveredSet) => groupedBy(set, `${DIRECT} WHERE ${SET} = ${setNumber(layout.dimensions, cover)}`);
  const withDerived = (head: string, directSql: string) =>
    derived.length === 0
      ? [head, directSql].join('\n')
      : [`${head}, ${DIRECT} AS MATERIALIZED (${directSql})`, [`SELECT * FROM ${DIRECT}`, ...derived.map(summedFromCover)].join('\nUNION ALL\n')].join('\n');
  // DuckDB hashes the direct sets together (GROUPING SETS); PostgreSQL sorts the parts once per set
  // for that (11.7 s for 200,000 offers and seven sets), so there the parts are kept and each set is
  // hashed over them (3.9 s), the other dimensions NULL — on DuckDB that way takes 9.8 s against
  // 6.2 s, 2 M offers.
  if (family.engine !== 'postgres') {
    const grouped = `SELECT ${[...keys, ...sums, `GROUPING(${dims.join(', ')}) AS ${SET}`].join(', ')} FROM ${parts} GROUP BY GROUPING SETS (${direct.map((set) => `(${setKeys(set)})`).join(', ')})`;
    return moved(withDerived(perMonth, grouped));
  }
  // A first branch without rows gives each column its type (a NULL alone would be text in PostgreSQL).
  const typed = `SELECT ${[...keys, ...columns.map((c) => `CAST(0 AS BIGINT) AS ${id(c)}`), `0 AS ${SET}`].join(', ')} FROM parts WHERE false`;
  return moved(withDerived(`${perMonth}, parts AS MATERIALIZED (SELECT * FROM ${parts})`, [typed, ...direct.map((set) => groupedBy(set, 'parts'))].join('\nUNION ALL\n')));
}

/** A changed fill's pairs (x a row from the first changed month on, y one of its cluster's rows up to x's month) and each x's resumptions. */
const PAIRS = 'uprate_pairs';
const RESUMES = 'uprate_resumes';
const Y_HI = 'uprate_y_hi';
const yMeasure = (k: number): string => `uprate_y__${k}`;

/** What {@link resumedFromPairs} needs of the fill it is part of. */
interface PairsOfChange {
  readonly dims: readonly string[];
  readonly measures: readonly string[];
  /** The columns that tell a cluster's rows apart (the cluster, the dimensions that split it). */
  readonly splitting: readonly string[];
  /**
   * A load's change: each row carries its side, and the rows before hold only those from the
   * first changed month on — a row pairs with its own side's rows and with the earlier rows after.
   */
  readonly sided: boolean;
  readonly same: (column: string) => string;
  readonly signed: (value: string, alias?: string) => string;
  readonly spanning: (from: string, to: string) => string;
  /** The changed months, listed; `first` the earliest. */
  readonly list: string;
  readonly first: number;
  readonly part: (keys: readonly string[], values: Readonly<Record<string, string>>, from: string, where?: string) => string;
}

/**
 * The entries a change of some months can move, without a window over the rows: each row x from
 * the first changed month on is paired with its cluster's rows y up to x's month (itself
 * included) — every entry such a change moves has its later month there. The pairs with a
 * changed month give the sums and products; grouped by x, they give the month x resumes after
 * (the latest y before it) and, per count, the latest such y with that count above 0, which is
 * where x starts (or, none, at -1) — counted where a changed month lies between, as the whole fill
 * counts them.
 */
function resumedFromPairs(c: PairsOfChange): { readonly ctes: string; readonly parts: readonly string[] } {
  const { dims, measures } = c;
  const id = sqlIdentifier;
  const xColumns = [...new Set([...c.splitting, ...dims, id(HI), ...measures, ...(c.sided ? [SIDE] : [])])];
  const sides = c.sided ? ` AND (y.${SIDE} = x.${SIDE} OR y.${id(HI)} < ${c.first})` : '';
  const pairs = `${PAIRS} AS MATERIALIZED (SELECT ${[...xColumns.map((x) => `x.${x}`), `y.${id(HI)} AS ${Y_HI}`, ...measures.map((m, k) => `y.${m} AS ${yMeasure(k)}`)].join(', ')} FROM per_month x JOIN per_month y ON ${c.splitting.map(c.same).join(' AND ')}${sides} AND y.${id(HI)} <= x.${id(HI)} WHERE x.${id(HI)} >= ${c.first})`;
  const before = (condition = '') => `max(CASE WHEN ${Y_HI} < ${id(HI)}${condition} THEN ${Y_HI} END)`;
  const resumes = `${RESUMES} AS MATERIALIZED (SELECT ${[...xColumns, `${before()} AS ${PREVIOUS}`, ...measures.map((_, k) => `${before(` AND ${yMeasure(k)} > 0`)} AS ${previousPositive(k)}`)].join(', ')} FROM ${PAIRS} GROUP BY ${xColumns.join(', ')})`;
  const pairs_ = pairsPart(c);
  const at = (previous: string) => `coalesce(r.${previous}, -1)`;
  const own = [...dims.map((d) => `r.${d}`), `r.${id(HI)}`];
  const starts = c.part([...own, at(PREVIOUS)], { [STARTS]: c.signed('1', 'r') }, `${RESUMES} r`, c.spanning(at(PREVIOUS), `r.${id(HI)}`));
  const positives = measures.map((m, k) => c.part([...own, at(previousPositive(k))], { [positiveColumn(k)]: c.signed('1', 'r') }, `${RESUMES} r`, `r.${m} > 0 AND ${c.spanning(at(previousPositive(k)), `r.${id(HI)}`)}`));
  return { ctes: `${pairs}, ${resumes}`, parts: [pairs_, starts, ...positives] };
}

/** The sums and products of the pairs with a changed month. */
function pairsPart(c: PairsOfChange): string {
  const id = sqlIdentifier;
  const hi = `p.${id(HI)}`;
  const y = `p.${Y_HI}`;
  const diagonal = (value: string, otherwise: string) => `CASE WHEN ${hi} = ${y} THEN ${value} ELSE ${otherwise} END`;
  const m = (k: number) => `p.${c.measures[k] ?? ''}`;
  const ym = (k: number) => `p.${yMeasure(k)}`;
  return c.part(
    [...c.dims.map((d) => `p.${d}`), hi, y],
    Object.fromEntries([
      ...c.measures.map((_, k) => [sumColumn(k), c.signed(diagonal(m(k), '0'), 'p')]),
      ...productPairs(c.measures.length).map(([i, j]) => [productColumn(i, j), c.signed(diagonal(`${m(i)} * ${ym(j)}`, `${m(i)} * ${ym(j)} + ${m(j)} * ${ym(i)}`), 'p')]),
    ]),
    `${PAIRS} p`,
    `(${hi} IN (${c.list}) OR ${y} IN (${c.list}))`,
  );
}

/** The sets a fill groups from its pairs, with the one each covered set is summed from. */
const DIRECT = 'uprate_direct_sets';

/** A set of a family summed from a larger set's rows (`cover`: the set plus only a customer's attributes). */
export interface CoveredSet {
  readonly set: readonly string[];
  readonly cover: readonly string[];
}

/**
 * Which of a family's sets are grouped from the pairs (`direct`: no other set covers them) and which
 * are summed from a direct one (`derived`): a set covers another when it holds all the other's
 * dimensions and adds only some of `perCluster` (dimensions with one value per cluster — a cluster
 * then lies in exactly one of its groups, so the covered set's moments, sums over clusters, are the
 * cover's added up). A dimension that splits a cluster's rows (an offer's) must be in both: products
 * summed over it are not the products of the sums. Of several covers, the one with fewest dimensions.
 */
export function setsFromCovers(sets: readonly (readonly string[])[], perCluster: readonly string[]): { direct: (readonly string[])[]; derived: CoveredSet[] } {
  const attribute = new Set(perCluster);
  const covers = (big: readonly string[], small: readonly string[]) =>
    big.length > small.length && small.every((d) => big.includes(d)) && big.every((d) => small.includes(d) || attribute.has(d));
  const direct = sets.filter((set) => !sets.some((other) => covers(other, set)));
  const derived: CoveredSet[] = [];
  for (const set of sets) {
    if (direct.includes(set)) continue;
    // Covering is transitive and a largest cover is direct, so some direct set covers this one.
    const cover = direct.filter((d) => covers(d, set)).sort((a, b) => a.length - b.length)[0];
    if (cover) derived.push({ set, cover });
    else direct.push(set);
  }
  return { direct, derived };
}

/** A fill by the sets of dimensions of a family's members, on an engine. */
export interface FamilySets {
  readonly sets: readonly (readonly string[])[];
  readonly engine: Store['engine'];
}

/** Which grouping set a row of a fill by several sets belongs to (`GROUPING()` of the fill's dimensions). */
const SET = 'uprate_set';

/** A set's number among a fill's dimensions, as GROUPING() gives it: a dimension's bit (the first the highest) is set when the set leaves it out. */
const setNumber = (dimensions: readonly string[], set: readonly string[]): number => dimensions.reduce((m, d) => m * 2 + (set.includes(d) ? 0 : 1), 0);

const uniqueSets = (sets: readonly (readonly string[])[]): (readonly string[])[] => {
  const seen = new Map<string, readonly string[]>();
  for (const set of sets) seen.set(JSON.stringify([...set].sort()), set);
  return [...seen.values()];
};

/**
 * The rows of one set of dimensions in a fill by several (`momentsFillSql` with `sets`, over
 * `dimensions`): GROUPING() sets a dimension's bit (the first the highest) when the set leaves it out.
 */
export function momentsOfSetSql(from: string, dimensions: readonly string[], set: readonly string[], measures: number): string {
  const id = sqlIdentifier;
  const columns = [...set, HI, LO, ...momentsColumns(measures)].map(id).join(', ');
  if (dimensions.length === 0) return `SELECT ${columns} FROM ${from}`;
  return `SELECT ${columns} FROM ${from} WHERE ${SET} = ${setNumber(dimensions, set)}`;
}

/**
 * How many rows each set of a fill by several (over `dimensions`) has, read in one statement: a
 * function from a set to its count.
 */
export async function rowsPerSet(exec: Exec, from: string, dimensions: readonly string[]): Promise<(set: readonly string[]) => number> {
  if (dimensions.length === 0) {
    const [row] = await exec(`SELECT count(*) AS n FROM ${from}`);
    return () => Number(row?.['n'] ?? 0);
  }
  const rows = await exec(`SELECT ${SET} AS s, count(*) AS n FROM ${from} GROUP BY ${SET}`);
  const counts = new Map(rows.map((r) => [Number(r['s']), Number(r['n'])]));
  return (set) => counts.get(setNumber(dimensions, set)) ?? 0;
}

/**
 * Rows of moments (`from`: a table or an aliased subquery) summed per group (`keys`: column names),
 * the groups whose sums are all 0 left out — the rows have no such group.
 */
export function summedMomentsSql(from: string, keys: readonly string[], measures: number): string {
  const id = sqlIdentifier;
  const by = keys.map(id).join(', ');
  const columns = momentsColumns(measures).map(id);
  return `SELECT ${by}, ${columns.map((c) => `CAST(sum(${c}) AS BIGINT) AS ${c}`).join(', ')} FROM ${from} GROUP BY ${by} HAVING ${columns.map((c) => `sum(${c}) <> 0`).join(' OR ')}`;
}
