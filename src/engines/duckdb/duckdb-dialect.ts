import type { Dialect } from '../../sql/dialect.js';

/** DuckDB (the embedded default). Timestamps are stored as UTC wall time (`TIMESTAMP`). */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  timestampPrecision: 6,
  approxCountDistinct: true,
  likeNeedsEscapeClause: true,
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (i) => `$${i}`,
  castParam: (p, type) => (type === 'timestamp' ? `CAST(${p} AS TIMESTAMP)` : p),
  localTime: (expr, tz) => `timezone(${tz}, CAST(${expr} AS TIMESTAMPTZ))`,
  truncate: (unit, expr) => `date_trunc('${unit}', ${expr})`,
  addDays: (expr, days) => `(${expr} + INTERVAL (${days}) DAY)`,
  daysBetween: (from, to) => `((epoch(${to}) - epoch(${from})) / 86400.0)`,
  approxCountDistinctCall: (expr) => `approx_count_distinct(${expr})`,
  hashPrefix: (expr) => `substr(md5(CAST(${expr} AS VARCHAR)), 1, 4)`,
};
