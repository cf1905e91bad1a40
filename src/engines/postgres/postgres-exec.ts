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
 * offers: 14.1 s with, 12.2 s without); and memory enough to hash a fill's groups instead of
 * sorting them on disk (the same fill's seven groupings: 6.7 s with the default 4 MB, 2.9 s).
 */
export const LONG_WORK_SETTINGS: readonly string[] = ['SET LOCAL statement_timeout = 0', 'SET LOCAL jit = off', "SET LOCAL work_mem = '64MB'"];
