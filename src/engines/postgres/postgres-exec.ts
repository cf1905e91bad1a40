import type pg from 'pg';
import { errorMessage, UprateError } from '../../core/errors.js';
import type { Exec, Row } from '../../store/store.js';

/** Statements on one PostgreSQL client (a rollup's own transaction). */
export function postgresExec(c: pg.PoolClient): Exec {
  return async (sql, params = []) => {
    try {
      return (await c.query({ text: sql, values: params.map((v) => (v instanceof Date ? v.toISOString() : v)) })).rows as Row[];
    } catch (e) {
      throw new UprateError('DB_ERROR', `PostgreSQL: ${errorMessage(e)}`, { details: { sql, params }, cause: e });
    }
  };
}

/**
 * The settings of a transaction doing long work — a load, a rollup's build or refill — rather than
 * answering a query: no statement timeout; no JIT, whose compiling of uprate's wide generated
 * statements costs 1.5–2 s each and gains nothing back (a rollup of moments' fill, 200,000
 * offers: 14.1 s with, 12.2 s without); memory enough to hash a fill's groups instead of
 * sorting them on disk (the same fill's seven groupings: 6.7 s with the default 4 MB, 2.9 s); and
 * hashing preferred to sorting. A fill groups and joins its own CTEs, of which PostgreSQL keeps no
 * statistics: it guessed 5 rows for a set of 56,000 and sorted it for each grouping, and merge-joined
 * a customer's months with themselves after sorting both sides by text. Sorts a window function
 * needs still happen. Every rollup of the shipped model built on PostgreSQL 15 (`uprate rollups
 * build`, 200,000 offers): 130 s → 98 s; 40,000 offers: 29–31 s → 24–26 s.
 */
export const LONG_WORK_SETTINGS: readonly string[] = ['SET LOCAL statement_timeout = 0', 'SET LOCAL jit = off', "SET LOCAL work_mem = '64MB'", 'SET LOCAL enable_sort = off', 'SET LOCAL enable_mergejoin = off'];
