import { closingQuote } from './clickhouse-literal.js';

/**
 * ClickHouse before 21 evaluates `0 AND NULL` as NULL where SQL says FALSE, so the model's
 * `NOT (x IS NOT NULL AND x <= y)` is NULL — not TRUE — when x is NULL, and a pending offer is
 * not counted. Every `NOT (…)` outside quotes becomes `NOT ifNull((…), 0)`: for a guarded
 * condition (the guard false whenever a later part is NULL) that is exactly SQL's answer.
 * An unknown that SQL would keep unknown (`NOT (TRUE AND NULL)`) counts as true here: a model
 * that relies on that must compare explicitly.
 */
export function standardNot(sql: string): string {
  const opens: number[] = [];
  const wraps = new Map<number, number>(); // index of a NOT's "(" → index of its ")"
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') {
      i = closingQuote(sql, i, ch);
      continue;
    }
    if (ch === '(') opens.push(notBefore(sql, i) ? -i - 1 : i);
    else if (ch === ')') {
      const open = opens.pop();
      if (open !== undefined && open < 0) wraps.set(-open - 1, i);
    }
    i++;
  }
  if (wraps.size === 0) return sql;
  const closes = new Set(wraps.values());
  let out = '';
  for (let j = 0; j < sql.length; j++) {
    if (wraps.has(j)) out += `${/\s/.test(sql[j - 1] ?? ' ') ? '' : ' '}ifNull((`;
    else if (closes.has(j)) out += '), 0)';
    else out += sql[j];
  }
  return out;
}

/** Is the "(" at `at` the argument of the keyword NOT (not a function like `notEmpty(`)? */
function notBefore(sql: string, at: number): boolean {
  const before = sql.slice(Math.max(0, at - 5), at);
  return /(^|[^A-Za-z0-9_])NOT\s*$/i.test(before);
}

/**
 * A table joined on the right runs on every shard, where 18.16 resolves an unqualified name in
 * the server's default database, not the request's: `JOIN customers AS …` (and a join read
 * through its conditions, `JOIN (SELECT * FROM customers AS …`) becomes `JOIN \`db\`.customers
 * AS …` for uprate's own tables (the only names it rewrites).
 */
export function qualifyJoinedTables(sql: string, database: string, tables: readonly string[]): string {
  if (database === 'default') return sql;
  const names = tables.join('|');
  return sql.replace(new RegExp(`(\\bJOIN\\s+(?:\\(SELECT \\* FROM\\s+)?)(${names})(\\s+AS\\b)`, 'g'), (_, join: string, table: string, as: string) => `${join}\`${database}\`.${table}${as}`);
}

/**
 * Each table joined by name read through a subquery, `JOIN (SELECT * FROM t) AS …`: 18.16 builds
 * a join's hash table from every column of a table joined by name, but from a subquery only the
 * columns the statement uses. At 10 M offers, October's 616 K offers joined to 1 M customers by
 * lifecycle stage took 1.4 s, 0.5 s through the subquery (the same rows). ARRAY JOIN (of arrays)
 * is not a table's.
 */
export function joinedTablesPruned(sql: string): string {
  const name = '(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)';
  return sql.replace(new RegExp(`(?<!\\bARRAY\\s+)(\\bJOIN\\s+)(${name}(?:\\.${name})?)(\\s+AS\\b)`, 'g'), (_, join: string, table: string, as: string) => `${join}(SELECT * FROM ${table})${as}`);
}
