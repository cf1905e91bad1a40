import { UprateError, errorMessage } from '../../core/errors.js';
import type { SqlValue } from '../../store/store.js';

/** Node socket errors that mean the server is not there (or went away). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** Messages pg and pg-pool use for a connection that could not be made or was lost. */
const LOST = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended|connection timeout/i;

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The connection itself is unusable: drop it rather than return it to the pool. */
export function isConnectionLost(e: unknown): boolean {
  const code = sqlState(e);
  if (code && (SOCKET_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  return LOST.test(errorMessage(e));
}

/**
 * A pg error as uprate reports it. The server being down, refusing connections, restarting, or
 * not answering within the timeout is ENGINE_UNAVAILABLE (HTTP 503) naming the server and the
 * limit; a bad login or missing database is ENGINE_UNAVAILABLE with the fix; anything else is a
 * DB_ERROR carrying the SQL and parameters.
 */
export function postgresError(target: string, timeoutMs: number, e: unknown, sql: string, params: readonly SqlValue[]): UprateError {
  if (e instanceof UprateError) return e;
  const code = sqlState(e);
  const message = errorMessage(e);
  const unavailable = (what: string, hint: string) =>
    new UprateError('ENGINE_UNAVAILABLE', `PostgreSQL at ${target} ${what}`, { hint, details: { engine: 'postgres', target, code }, cause: e });
  if (code === '57014' || /Query read timeout/i.test(message)) {
    return unavailable(`did not answer within ${timeoutMs} ms (statement timeout)`, 'retry; if the query is simply large, raise --timeout (or UPRATE_DB_TIMEOUT_MS)');
  }
  if (/timeout exceeded when trying to connect|connection timeout/i.test(message) || code === 'ETIMEDOUT') {
    return unavailable(`did not accept a connection within ${timeoutMs} ms`, 'check that the server is running and reachable; uprate reconnects by itself when it is back');
  }
  if (code === '28P01' || code === '28000') {
    return unavailable(`refused the login: ${message}`, 'check the user and password in the URL');
  }
  if (code === '3D000') return unavailable(`has no such database: ${message}`, 'create it (CREATE DATABASE …) or fix the database name in the URL');
  if (isConnectionLost(e) || code === '53300') {
    return unavailable(`is not available: ${message || code || 'connection failed'}`, 'check that the server is running and reachable (a local one: scripts/services/postgres.sh start); uprate reconnects by itself when it is back');
  }
  return new UprateError('DB_ERROR', `PostgreSQL: ${message}`, { location: target, details: { sql, params: params.map(String), code }, cause: e });
}
