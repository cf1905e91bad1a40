import type pg from 'pg';
import { InternalError } from '../../core/errors.js';

/**
 * `pg`, loaded when a PostgreSQL store is first opened: every command imports the PostgreSQL
 * store's module (the store's kinds are told apart by class), and a DuckDB command paid ~80 ms
 * loading the driver it never used.
 */
let loaded: typeof pg | undefined;

export async function loadPg(): Promise<typeof pg> {
  loaded ??= (await import('pg')).default;
  return loaded;
}

/** `pg` once {@link loadPg} has run (a store is open): for what runs synchronously after. */
export function pgLoaded(): typeof pg {
  if (!loaded) throw new InternalError('pg is used before a PostgreSQL store was opened (loadPg)');
  return loaded;
}
