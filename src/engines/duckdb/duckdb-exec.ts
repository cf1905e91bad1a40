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

/**
 * Interrupts what `c` runs, again every 50 ms until the answered function is called: an interrupt
 * landing while DuckDB is still preparing the statement is lost.
 */
export function keepInterrupting(c: DuckDBConnection): () => void {
  c.interrupt();
  const repeat = setInterval(() => c.interrupt(), 50);
  return () => clearInterval(repeat);
}

/**
 * Until the answered function is called, `signal` aborting interrupts what `c` runs and has `c`
 * closed rather than pooled (`discard`), as the store does with a statement it interrupts. The
 * answered function stops listening and interrupting.
 */
export function interruptOnAbort(c: DuckDBConnection, signal: AbortSignal, discard: () => void): () => void {
  let interrupting: (() => void) | undefined;
  const onAbort = () => {
    discard();
    interrupting ??= keepInterrupting(c);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    signal.removeEventListener('abort', onAbort);
    interrupting?.();
  };
}
