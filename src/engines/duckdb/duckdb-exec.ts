import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { errorMessage, UprateError } from '../../core/errors.js';
import type { Exec, Row, SqlValue } from '../../store/store.js';

const duckValue = (v: SqlValue): DuckDBValue => (v instanceof Date ? v.toISOString() : (v as DuckDBValue));

/** Statements on one DuckDB connection (ingest's own transaction, or one of ours). */
export function duckDbExec(c: DuckDBConnection): Exec {
  return async (sql, params = []) => {
    try {
      return (await c.runAndReadAll(sql, params.map(duckValue))).getRowObjectsJS() as Row[];
    } catch (e) {
      throw new UprateError('DB_ERROR', `DuckDB: ${errorMessage(e)}`, { details: { sql, params }, cause: e });
    }
  };
}
