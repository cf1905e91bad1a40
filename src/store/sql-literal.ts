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
