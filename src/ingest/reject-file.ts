import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../core/errors.js';
import { sqlString } from '../store/sql-literal.js';
import { checkedSql, type CheckedTable } from './check-rows.js';
import { raw, reasonsExpression } from './rules.js';

/**
 * Writes the bad rows of every table to one CSV: `file,line`, the table's columns as the files
 * spelled the values, then `reasons`. When several tables have bad rows the columns are those of
 * all of them (customers' first, then the offers' columns customers lack); a row leaves the other
 * table's columns empty, and its file says which table it is. Rows come table by table, then by
 * file and line.
 */
export async function writeRejects(c: DuckDBConnection, tables: readonly CheckedTable[], path: string): Promise<void> {
  const bad = tables.filter((t) => t.rejected > 0);
  const columns = [...new Set(bad.flatMap((t) => t.spec.columns.map((col) => col.name)))];
  const parts = bad.flatMap((t, order) => {
    const own = new Set(t.spec.columns.map((col) => col.name));
    const values = columns.map((name) => (own.has(name) ? `${raw(name)} AS ${name}` : `NULL::VARCHAR AS ${name}`)).join(', ');
    return t.sources.map(
      (source, i) => `SELECT ${order} AS table_order, ${sqlString(source.file)} AS file, line, ${values}, ${reasonsExpression(t.rules, 'err')} AS reasons
         FROM (${checkedSql(t, i, true)}) WHERE err <> 0`,
    );
  });
  if (parts.length === 0) return;
  try {
    await c.run(`COPY (SELECT * EXCLUDE (table_order) FROM (${parts.join(' UNION ALL ')}) ORDER BY table_order, file, line) TO ${sqlString(path)} (HEADER, DELIMITER ',')`);
  } catch (e) {
    throw new UprateError('BAD_ARGUMENT', `cannot write the reject file ${path}: ${errorMessage(e)}`, { location: path, cause: e });
  }
}
