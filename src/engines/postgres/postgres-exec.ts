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
