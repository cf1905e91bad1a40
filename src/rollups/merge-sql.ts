import { sqlIdentifier } from '../store/sql-literal.js';
import type { Exec, SqlValue, Store } from '../store/store.js';
import type { MergeColumn } from './registry.js';

/**
 * SQL shared by the refreshes that run inside a load's transaction: a rollup's merge of a load's
 * new rows (maintain.ts) and its open window's move past them (open-window.ts).
 */

/** A temporary table in the load's transaction (PostgreSQL drops it at the commit; the caller drops DuckDB's). */
export const tempTable = (engine: Store['engine'], name: string, select: string): string => `CREATE TEMP TABLE ${name}${engine === 'postgres' ? ' ON COMMIT DROP' : ''} AS ${select}`;

/**
 * The groups of `source` (rows with a rollup's merge columns, a group's parts among them) merged
 * into one row each: keys grouped, sums summed, minima and maxima taken — NULL only when every part is.
 */
export function mergedGroupsSql(columns: readonly MergeColumn[], source: string): string {
  const id = sqlIdentifier;
  const merged = columns.map((c) => (c.merge === 'key' ? id(c.column) : `${c.merge}(${id(c.column)}) AS ${id(c.column)}`)).join(', ');
  const keys = columns.filter((c) => c.merge === 'key').map((c) => id(c.column));
  return `SELECT ${merged} FROM (${source}) AS groups GROUP BY ${keys.join(', ')}`;
}

/**
 * Whether a table that loads append groups to (a plain rollup, its open window) has outgrown its
 * rows when its groups were last merged into one row each: past twice those, or 10,000 more for a
 * small one. A load then merges them again ({@link replaceByMerged}); until then every read adds
 * a group's rows up.
 */
export const outgrown = (rows: number, compactRows: number): boolean => rows > Math.max(2 * compactRows, compactRows + 10_000);

/** The merged groups while they replace a table's (temporary, dropped before the next rollup). */
const MERGED = 'uprate_rollup_merged_groups';

/**
 * Replaces a rollup table's rows (those `where` selects; all without it) by the merged groups of
 * `source` ({@link mergedGroupsSql}), which may read the rows it replaces.
 */
export async function replaceByMerged(exec: Exec, engine: Store['engine'], table: string, columns: readonly MergeColumn[], source: string, params: readonly SqlValue[], where?: string): Promise<void> {
  const list = columns.map((c) => sqlIdentifier(c.column)).join(', ');
  await exec(tempTable(engine, MERGED, mergedGroupsSql(columns, source)), params);
  await exec(`DELETE FROM ${table}${where ? ` WHERE ${where}` : ''}`);
  await exec(`INSERT INTO ${table} (${list}) SELECT ${list} FROM ${MERGED}`);
  await exec(`DROP TABLE ${MERGED}`);
}
