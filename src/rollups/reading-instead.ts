/**
 * A planned statement reading `rows` (a table, or a subquery in parentheses) in place of `table`,
 * or null when it does not read that table in the one plain way the planner writes it (once, as
 * `FROM <table> AS <alias>`). Lets a refresh read only a load's rows, or only some keys' rows,
 * through the model's own statement.
 */
export function readingInstead(sql: string, table: string, rows: string): string | null {
  return instead(sql, 'FROM', table, rows);
}

/**
 * The same for a table the statement joins (once, as `JOIN <table> AS <alias>`): only for `rows`
 * holding every row of the table the statement's own rows can match — a join keeps or drops a row
 * by its matches, and those are all there.
 */
export function joiningInstead(sql: string, table: string, rows: string): string | null {
  return instead(sql, 'JOIN', table, rows);
}

function instead(sql: string, keyword: 'FROM' | 'JOIN', table: string, rows: string): string | null {
  const from = `${keyword} ${table} AS `;
  const at = sql.indexOf(from);
  if (at < 0 || sql.indexOf(from, at + 1) >= 0) return null;
  return `${sql.slice(0, at)}${keyword} ${rows} AS ${sql.slice(at + from.length)}`;
}
