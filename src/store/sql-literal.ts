/**
 * SQL string literal for the few places DuckDB takes no parameter (file paths in COPY … TO,
 * table-function options). Values from users never go through here, only paths and names.
 */
export function sqlString(value: string): string {
  if (value.includes('\0')) throw new Error('a NUL byte cannot appear in a SQL string');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A double-quoted identifier. */
export function sqlIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error('a NUL byte cannot appear in an identifier');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Two rows (aliases `a`, `b`) hold the same values in every one of `columns` (SQL names as written),
 * NULL equal to NULL: what a load counts as a stored row left unchanged, and what its rollups'
 * planning leaves out (DuckDB, PostgreSQL).
 */
export function sameValuesSql(columns: readonly string[], a: string, b: string): string {
  return columns.map((c) => `${a}.${c} IS NOT DISTINCT FROM ${b}.${c}`).join(' AND ');
}
