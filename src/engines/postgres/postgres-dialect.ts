import type { Dialect } from '../../sql/dialect.js';

/**
 * PostgreSQL. Snapshot-tested only until the PostgreSQL connector lands; the session time zone
 * must be UTC (timestamps are UTC wall time), as the DuckDB store sets it.
 */
export const postgresDialect: Dialect = {
  name: 'postgres',
  timestampPrecision: 6,
  approxCountDistinct: false,
  likeNeedsEscapeClause: false,
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (i) => `$${i}`,
  castParam: (p, type) => (type === 'timestamp' ? `${p}::timestamptz` : type === 'text' ? `${p}::text` : p),
  localTime: (expr, tz) => `((${expr})::timestamptz AT TIME ZONE ${tz})`,
  truncate: (unit, expr) => `date_trunc('${unit}', ${expr})`,
  addDays: (expr, days) => `(${expr} + make_interval(days => ${days}))`,
  daysBetween: (from, to) => `(EXTRACT(EPOCH FROM (${to}) - (${from})) / 86400.0)`,
  approxCountDistinctCall: (expr) => `count(DISTINCT ${expr})`,
  // Compared byte by byte, whatever the database's collation.
  hashPrefix: (expr) => `(substr(md5(CAST(${expr} AS text)), 1, 4) COLLATE "C")`,
};
