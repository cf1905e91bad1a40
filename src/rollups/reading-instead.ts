/**
 * A planned statement reading `rows` (a table, or a subquery in parentheses) in place of `table`,
 * or null when it does not read that table in the one plain way the planner writes it (once, as
 * `FROM <table> AS <alias>`). Lets a refresh read only a load's rows, or only some keys' rows,
 * through the model's own statement.
 */
export function readingInstead(sql: string, table: string, rows: string): string | null {
  const from = `FROM ${table} AS `;
  const at = sql.indexOf(from);
  if (at < 0 || sql.indexOf(from, at + 1) >= 0) return null;
  return `${sql.slice(0, at)}FROM ${rows} AS ${sql.slice(at + from.length)}`;
}
