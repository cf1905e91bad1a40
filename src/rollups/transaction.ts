import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { errorMessage, UprateError } from '../core/errors.js';
import { DuckDbStore, PostgresStore, type Row, type SqlValue, type Store } from '../store/index.js';

/** One statement inside a transaction (rows as plain JS values). */
export type Exec = (sql: string, params?: readonly SqlValue[]) => Promise<Row[]>;

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

/** `fn` between the opening statements and COMMIT; anything thrown rolls it back. */
async function committed<T>(exec: Exec, begin: readonly string[], fn: (exec: Exec) => Promise<T>): Promise<T> {
  for (const sql of begin) await exec(sql);
  try {
    const out = await fn(exec);
    await exec('COMMIT');
    return out;
  } catch (e) {
    await exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Runs `fn` in one transaction of the store's engine: everything it writes commits together or
 * not at all, and what it reads is one snapshot (PostgreSQL: REPEATABLE READ).
 */
export async function inTransaction<T>(store: Store, fn: (exec: Exec) => Promise<T>): Promise<T> {
  if (store instanceof DuckDbStore) return store.withConnection((c) => committed(duckDbExec(c), ['BEGIN TRANSACTION'], fn));
  if (store instanceof PostgresStore) {
    return store.withClient(async (c) => {
      const exec: Exec = async (sql, params = []) => {
        try {
          return (await c.query({ text: sql, values: params.map((v) => (v instanceof Date ? v.toISOString() : v)) })).rows as Row[];
        } catch (e) {
          throw new UprateError('DB_ERROR', `PostgreSQL: ${errorMessage(e)}`, { details: { sql, params }, cause: e });
        }
      };
      // A build is long work, not a slow query: no statement timeout inside it.
      return committed(exec, ['BEGIN ISOLATION LEVEL REPEATABLE READ', 'SET LOCAL statement_timeout = 0'], fn);
    });
  }
  throw new UprateError('ENGINE_UNAVAILABLE', `rollups are not built on ${store.engine} yet: queries there read the rows`, {
    location: store.engine,
    hint: 'use DuckDB or PostgreSQL for rollups; on ClickHouse every query scans the rows',
  });
}
