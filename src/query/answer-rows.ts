import { createHash } from 'node:crypto';
import { InternalError, UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { Model } from '../model/index.js';
import { planToSql, type Dialect } from '../sql/index.js';
import { concat, identifier, logical, param, raw, select, type SelectColumn, type SelectNode, type SqlExpr } from '../sql/nodes.js';
import type { Store } from '../store/store.js';
import { dialectOf, runStatement, type AnswerOptions } from './answer-query.js';
import { buildPlan } from './build-plan.js';
import { guardQuery } from './cost-guard.js';
import type { CubeQuery } from './cube-query.js';
import { formatRows, type DataRow } from './format-result.js';
import { formatValue } from './format-value.js';
import { normalizeRequest } from './normalize-query.js';
import type { QueryPlan, Selection } from './plan.js';

/**
 * Internal reads of every group of one Cube query — no row limit, no order — for computations
 * that need all of them (the propensity model reads one row per offer). The rows are the model's
 * own SQL for the query (the planner's statement), so security filters, joins, the clock and the
 * engine's timeout and cancellation apply exactly as for `/load`; only Cube's 50 000-row cap and
 * the cells guard are left out (the members and filters are still guarded).
 *
 * A customer sample keeps the rows whose sample dimension falls in the first `fraction` of a
 * hash space: the first four hex digits of the MD5 of its value as text, on every engine and in
 * {@link sampleBucket} alike, so the same customers are sampled everywhere.
 */

/** Buckets of the sample's hash space: the first four hex digits of an MD5. */
export const SAMPLE_BUCKETS = 65_536;

/**
 * Keep the rows whose `member` (a dimension of the query, e.g. `Offers.customerId`) hashes into
 * the first `fraction` of the buckets — or, with `from`, into the slice from `from` to `fraction`
 * (a large read taken in slices: each value falls in exactly one).
 */
export interface CustomerSample {
  readonly member: string;
  /** In (0, 1]; 1 keeps every row (no condition at all). */
  readonly fraction: number;
  /** In [0, fraction): where the slice starts (default 0). */
  readonly from?: number;
}

export interface RowsOptions extends AnswerOptions {
  readonly sample?: CustomerSample;
}

/** The bucket a value falls in (0 … 65 535): the first four hex digits of the MD5 of its text, as every engine computes it. */
export function sampleBucket(value: string | number): number {
  return Number.parseInt(createHash('md5').update(String(value)).digest('hex').slice(0, 4), 16);
}

/** Buckets kept for a fraction (1 … 65 536): the fraction rounded to whole buckets, at least one. */
export function sampleBuckets(fraction: number): number {
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) {
    throw new UprateError('BAD_ARGUMENT', `a sample fraction must be above 0 and at most 1, not ${fraction}`, { location: 'sample.fraction' });
  }
  return Math.min(SAMPLE_BUCKETS, Math.max(1, Math.round(fraction * SAMPLE_BUCKETS)));
}

/** The share of the hash space a fraction keeps (what was really sampled: whole buckets). */
export function sampledShare(fraction: number): number {
  return sampleBuckets(fraction) / SAMPLE_BUCKETS;
}

/** Buckets before a slice's start (0 … 65 536). */
function startBucket(from: number | undefined): number {
  return from === undefined || from === 0 ? 0 : sampleBuckets(from);
}

/** True when a value is in the sample of `fraction` (from `from`), as the engines decide it. */
export function inSample(value: string | number, fraction: number, from?: number): boolean {
  const bucket = sampleBucket(value);
  return bucket >= startBucket(from) && bucket < sampleBuckets(fraction);
}

const SENTINEL = '\u0000uprate_hashed\u0000';

const hex = (bucket: number): SqlExpr => param(bucket.toString(16).padStart(4, '0'), 'text');

/** `'lo' <= hashPrefix(expr) AND hashPrefix(expr) < 'hi'`: the sample's row condition, the bounds bound as parameters (null: every row). */
function sampleCondition(dialect: Dialect, expr: SqlExpr, start: number, end: number): SqlExpr | null {
  // The dialect's hook prints text around SQL text; the expression is a node (it may hold parameters).
  const parts = dialect.hashPrefix(SENTINEL).split(SENTINEL);
  if (parts.length !== 2) throw new InternalError(`${dialect.name}: hashPrefix must use its argument exactly once`);
  const hashed = concat([raw(parts[0] ?? ''), expr, raw(parts[1] ?? '')]);
  return logical('AND', [
    ...(start > 0 ? [{ kind: 'compare', op: '>=', left: hashed, right: hex(start) } as const] : []),
    ...(end < SAMPLE_BUCKETS ? [{ kind: 'compare', op: '<', left: hashed, right: hex(end) } as const] : []),
  ]);
}

/** A query planned for every group: one query, no order, no limit; with the sample's condition. */
export interface PreparedRows {
  readonly plan: QueryPlan;
  readonly node: SelectNode;
}

/** Checks, plans and samples one query (members checked against the model; members and filters guarded). */
export function prepareRows(model: Model, query: CubeQuery, options: RowsOptions, dialect: Dialect): PreparedRows {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const normalized = normalizeRequest(guardQuery(query, limits), options.now);
  const [asked] = normalized.queries;
  if (!asked || normalized.queries.length !== 1) {
    throw new UprateError('QUERY_INVALID', 'a read of every row answers one query (no compareDateRange)', { location: 'timeDimensions' });
  }
  const plan = buildPlan(model, { ...asked, order: [] }, true, options);
  const planned = planToSql(model, plan).query;
  let where = planned.where;
  if (options.sample) {
    const end = sampleBuckets(options.sample.fraction);
    const start = startBucket(options.sample.from);
    if (start >= end) throw new UprateError('BAD_ARGUMENT', `a sample slice must start before it ends (from ${options.sample.from} to ${options.sample.fraction})`, { location: 'sample.from' });
    const key = options.sample.member;
    const dimension = plan.dimensions.find((d) => d.key === key);
    const column = dimension && planned.columns.find((c) => c.alias === dimension.alias);
    if (!column) throw new InternalError(`the sample's dimension ${key} is not among the query's dimensions`);
    // A condition on a group key, before grouping: the groups of the sampled values, whole.
    const condition = sampleCondition(dialect, column.expr, start, end);
    if (condition) where = logical('AND', [...(where ? [where] : []), condition]);
  }
  return { plan, node: { ...planned, where, orderBy: [], limit: null, offset: null } };
}


/**
 * Every group of a Cube query (in no order), as `/load` formats its rows: values by member,
 * numbers and times as strings, NULL as null. One statement; the caller's access, the clock, the
 * timeout and the signal apply as for `/load`.
 *
 * @example
 *   await answerRows(store, model, { dimensions: ['Offers.customerId', 'Offers.offeredAt'], measures: ['Offers.count'] },
 *     { now, access, sample: { member: 'Offers.customerId', fraction: 0.05 } });
 *   // [{ 'Offers.customerId': 'c17', 'Offers.offeredAt': '2025-03-01T10:00:00.000', 'Offers.count': '1' }, …]
 */
export async function answerRows(store: Store, model: Model, query: CubeQuery, options: RowsOptions): Promise<DataRow[]> {
  const p = prepareRows(model, query, options, dialectOf(store));
  return formatRows(p.plan, await runStatement(store, p.node, options));
}

/** A row condition of a summary, on a member of the query (its value per group). */
export type RowCondition =
  /** Equal to a text value; null: IS NULL. */
  | { readonly member: string; readonly is: string | null }
  /** A time at or before an instant. */
  | { readonly member: string; readonly atOrBefore: Date }
  /** A number above a value. */
  | { readonly member: string; readonly above: number };

/** One column of a summary: an aggregate over the query's groups of a key. */
export interface SummaryColumn {
  readonly name: string;
  readonly fn: 'sum' | 'max';
  /** A measure or dimension of the query. */
  readonly of: string;
  /** Another of the query's members subtracted from `of` first (`offers − accepted`). */
  readonly minus?: string;
  /** Only the groups where every condition holds (sum: 0 when none does, max: null). */
  readonly where?: readonly RowCondition[];
}

/** Sum up a query's groups again, per value of some of its dimensions. */
export interface RowsSummary {
  /** Dimensions of the query the summary keeps (e.g. the customer and its attributes). */
  readonly by: readonly string[];
  readonly columns: readonly SummaryColumn[];
}

export interface SummaryRow {
  /** The `by` members' values, as `/load` formats them. */
  readonly keys: DataRow;
  /** Each column's value by name: sums as number text, a maximum as its member's type formats it (times as wall time), or null. */
  readonly values: Readonly<Record<string, string | null>>;
}

const summaryAlias = (i: number) => `uprate_summary_${i}`;

function selectionOf(plan: QueryPlan, member: string): Selection {
  const found = [...plan.dimensions, ...plan.measures].find((s) => s.key === member);
  if (!found) throw new InternalError(`a summary names ${member}, which the query does not select`);
  return found;
}

function conditionExpr(plan: QueryPlan, c: RowCondition): SqlExpr {
  const ref = identifier(selectionOf(plan, c.member).alias);
  if ('is' in c) return c.is === null ? { kind: 'isNull', expr: ref, negated: false } : { kind: 'compare', op: '=', left: ref, right: param(c.is, 'text') };
  if ('atOrBefore' in c) return { kind: 'compare', op: '<=', left: ref, right: param(c.atOrBefore.toISOString(), 'timestamp') };
  if (!Number.isFinite(c.above)) throw new InternalError(`a summary condition compares ${c.member} with ${c.above}`);
  return { kind: 'compare', op: '>', left: ref, right: param(c.above, 'number') };
}

function summaryColumn(plan: QueryPlan, c: SummaryColumn, i: number): SelectColumn {
  const of = identifier(selectionOf(plan, c.of).alias);
  const value = c.minus === undefined ? of : concat([raw('('), of, raw(' - '), identifier(selectionOf(plan, c.minus).alias), raw(')')]);
  const when = logical('AND', (c.where ?? []).map((w) => conditionExpr(plan, w)));
  // A sum of no group is 0 (never NULL), a maximum of none is NULL.
  const arg = when ? ({ kind: 'caseWhen', when, then: value, otherwise: c.fn === 'sum' ? raw('0') : null } as SqlExpr) : value;
  // Named apart from the inner columns: ClickHouse would read max(x) AS x as an aggregate of itself.
  return { expr: { kind: 'aggregate', fn: c.fn, arg }, alias: summaryAlias(i) };
}

/**
 * A query's groups summed up again in the engine, per value of some of its dimensions — one
 * statement, an outer query over the planner's (sampled) statement, as `answerClustered` does:
 * e.g. per customer, the offers of each type, the newest offer's time, the windows closed
 * unaccepted. The rows come in no order.
 *
 * @example
 *   await summarizeRows(store, model, { dimensions: ['Offers.customerId', 'Offers.offeredAt'], measures: ['Offers.count', 'Offers.accepted'] },
 *     { by: ['Offers.customerId'], columns: [{ name: 'last', fn: 'max', of: 'Offers.offeredAt', where: [{ member: 'Offers.accepted', above: 0 }] }] },
 *     { now, access });
 *   // [{ keys: { 'Offers.customerId': 'c17' }, values: { last: '2025-03-01T10:00:00.000' } }, …]
 */
export async function summarizeRows(store: Store, model: Model, query: CubeQuery, summary: RowsSummary, options: RowsOptions): Promise<SummaryRow[]> {
  const p = prepareRows(model, query, options, dialectOf(store));
  const keys = summary.by.map((member) => {
    const s = selectionOf(p.plan, member);
    if (s.member.memberType !== 'dimension') throw new InternalError(`a summary groups by ${member}, which is not a dimension`);
    return s;
  });
  const outer = select({
    columns: [...keys.map((s) => ({ expr: identifier(s.alias), alias: s.alias })), ...summary.columns.map((c, i) => summaryColumn(p.plan, c, i))],
    from: { kind: 'subquery', query: p.node, alias: 'per_group' },
    groupBy: keys.map((_, i) => i + 1),
  });
  const rows = await runStatement(store, outer, options);
  const keyPlan: QueryPlan = { ...p.plan, dimensions: keys, timeDimensions: [], measures: [] };
  const formatted = formatRows(keyPlan, rows);
  const types = summary.columns.map((c) => (c.fn === 'max' ? selectionOf(p.plan, c.of).member.type : 'number'));
  return rows.map((row, r) => {
    const values: Record<string, string | null> = {};
    summary.columns.forEach((c, i) => {
      const v = formatValue(row[summaryAlias(i)], types[i] ?? 'number');
      values[c.name] = typeof v === 'boolean' ? String(v) : v;
    });
    return { keys: formatted[r] ?? {}, values };
  });
}
