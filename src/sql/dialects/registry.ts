import type { Dialect } from '../dialect.js';
import { duckdbDialect } from './duckdb.js';
import { clickhouseDialect } from './clickhouse.js';
import { postgresDialect } from './postgres.js';

/** Every dialect uprate knows; the shared test suites loop over this list. */
export const DIALECTS: readonly Dialect[] = [duckdbDialect, postgresDialect, clickhouseDialect];

export function dialectFor(name: string): Dialect {
  const d = DIALECTS.find((x) => x.name === name);
  if (!d) throw new Error(`no SQL dialect named ${name} (known: ${DIALECTS.map((x) => x.name).join(', ')})`);
  return d;
}
