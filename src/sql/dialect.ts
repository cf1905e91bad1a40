import type { Granularity } from '../query/cube-query.js';
import type { ParamType } from './nodes.js';

/**
 * What differs between engines: capability flags and a few small hooks. Everything else (the
 * planner, the node compiler) is shared, so a new engine's dialect is one short file in its
 * folder (src/engines/<engine>/<engine>-dialect.ts), listed in src/engines/dialect-registry.ts.
 * Hooks receive SQL text already printed (placeholders included) and return SQL text.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'postgres' | 'clickhouse';
  /** Fractional digits of timestamps: an inclusive range end `.999` is widened to `.999999` at 6. */
  readonly timestampPrecision: 3 | 6;
  /** Has an approximate distinct count; otherwise count_distinct_approx counts exactly. */
  readonly approxCountDistinct: boolean;
  /** `LIKE` has no default escape character, so `ESCAPE '\'` must be spelled out. */
  readonly likeNeedsEscapeClause: boolean;

  /**
   * GROUP BY / ORDER BY may name select-list positions (`GROUP BY 1`). ClickHouse before 22.7
   * reads `1` as a constant, so it gets the column aliases instead.
   */
  readonly positionalReferences?: boolean;
  /**
   * A joined table is read through the WHERE's conditions on it alone (JoinItem.narrowing): an
   * engine that builds the join's hash table before filtering (ClickHouse 18.16) then builds it
   * from the matching rows only.
   */
  readonly narrowsJoins?: boolean;

  quoteIdentifier(name: string): string;
  /** The placeholder of the n-th (1-based) bound parameter. */
  placeholder(index: number): string;
  /** A placeholder with the cast its type needs (timestamps arrive as ISO text). */
  castParam(placeholder: string, type: ParamType): string;
  /** A UTC timestamp expression as wall time in the time zone named by `timezone` (SQL text). */
  localTime(expr: string, timezone: string): string;
  truncate(unit: Granularity, expr: string): string;
  /** `uprate.addDays(ts, n)`. */
  addDays(expr: string, days: number): string;
  /** `uprate.daysBetween(from, to)`: fractional days. */
  daysBetween(from: string, to: string): string;
  approxCountDistinctCall(expr: string): string;
  /**
   * The first four hex digits (lowercase text, `'0f3a'`) of the MD5 of `expr` as text: the same
   * on every engine, so a sample of customers by hash (src/query/answer-rows.ts) takes the same
   * customers everywhere. `expr` must appear exactly once in the result.
   */
  hashPrefix(expr: string): string;
  /** Case-insensitive match of `pattern` (a LIKE pattern, `\\` escapes); default `ILIKE`. */
  ilike?(expr: string, pattern: string, negated: boolean): string;
  /** `count(DISTINCT x)`, where the engine needs another spelling. */
  countDistinctCall?(expr: string): string;
  /** `a IS NOT DISTINCT FROM b` where the engine lacks it. */
  nullSafeEquals?(left: string, right: string): string;
}
