import { UprateError } from '../core/errors.js';
import type { Engine } from './database-url.js';

/** A statement stopped at the caller's deadline (QueryOptions.timeoutMs): the same words on every engine. */
export function queryTimeout(engine: Engine, ms: number, sql: string, cause?: unknown, queryId?: string): UprateError {
  return new UprateError('QUERY_TIMEOUT', `the query ran longer than ${ms} ms and was cancelled`, {
    hint: 'narrow the query (fewer dimensions, a shorter date range, filters) or raise limits.queryTimeoutMs in uprate.config.yaml',
    details: { engine, sql, timeoutMs: ms, ...(queryId === undefined ? {} : { queryId }) },
    cause,
  });
}

/** A statement stopped because its caller went away (or never started: the signal had aborted). */
export function queryCancelled(engine: Engine, sql: string, cause?: unknown, queryId?: string): UprateError {
  return new UprateError('QUERY_CANCELLED', 'the query was cancelled: the client went away', {
    details: { engine, sql, ...(queryId === undefined ? {} : { queryId }) },
    cause,
  });
}
