import { UprateError } from '../core/errors.js';
import { DuckDbStore, duckDbExec, interruptOnAbort } from '../engines/duckdb/index.js';
import { LONG_WORK_SETTINGS, PostgresStore, postgresExec } from '../engines/postgres/index.js';
import type { Exec, Store } from '../store/store.js';

/**
 * `exec` sending no statement once `signal` aborted: stopping reaches the statement running (an
 * interrupt, a cancel), and one that lands between two statements, or before the first, would
 * reach none.
 */
const unlessStopped = (exec: Exec, signal: AbortSignal): Exec => (sql, params) =>
  signal.aborted ? Promise.reject(new UprateError('QUERY_CANCELLED', 'the work was stopped before this statement', { details: { sql } })) : exec(sql, params);

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
 * {@link committed}, with `signal` stopping `fn`'s statements the engine's way (`stopOnAbort`,
 * answering what stops it listening) — never the ROLLBACK after them, nor a COMMIT they reached.
 */
async function stoppable<T>(exec: Exec, begin: readonly string[], fn: (exec: Exec) => Promise<T>, signal: AbortSignal | undefined, stopOnAbort: (signal: AbortSignal) => (() => unknown) | Promise<() => unknown>): Promise<T> {
  if (!signal) return committed(exec, begin, fn);
  const stop = await stopOnAbort(signal);
  return committed(exec, begin, (e) => fn(unlessStopped(e, signal)).finally(stop)).finally(stop);
}

/**
 * Runs `fn` in one transaction of the store's engine: everything it writes commits together or
 * not at all, and what it reads is one snapshot (PostgreSQL: REPEATABLE READ). `signal` stops the
 * statement `fn` runs when it aborts, which rolls the transaction back: DuckDB's is interrupted
 * (again every 50 ms, so one that lands while DuckDB is still preparing is not lost), PostgreSQL's
 * cancelled from another connection; either connection is then closed, not pooled.
 */
export async function inTransaction<T>(store: Store, fn: (exec: Exec) => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (store instanceof DuckDbStore) {
    return store.withConnection((c, discard) => stoppable(duckDbExec(c), ['BEGIN TRANSACTION'], fn, signal, (s) => interruptOnAbort(c, s, discard)));
  }
  if (store instanceof PostgresStore) {
    // A build is long work, not a slow query.
    const begin = ['BEGIN ISOLATION LEVEL REPEATABLE READ', ...LONG_WORK_SETTINGS];
    return store.withClient((c, discard) => stoppable(postgresExec(c), begin, fn, signal, (s) => store.cancelOnAbort(c, s, discard)));
  }
  // ClickHouse has no transactions: its rollups are built as generations (engines/clickhouse/clickhouse-rollups.ts).
  throw new UprateError('ENGINE_UNAVAILABLE', `${store.engine} has no transactions`, {
    location: store.engine,
    hint: 'on ClickHouse rollups are built without one (src/engines/clickhouse/clickhouse-rollups.ts)',
  });
}
