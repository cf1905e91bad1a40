import type { Dialect } from '../sql/dialect.js';
import { duckdbDialect } from './duckdb/duckdb-dialect.js';
import { clickhouseDialect } from './clickhouse/clickhouse-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';

/** Every dialect uprate knows; the shared test suites loop over this list. */
export const DIALECTS: readonly Dialect[] = [duckdbDialect, postgresDialect, clickhouseDialect];

export function dialectFor(name: string): Dialect {
  const d = DIALECTS.find((x) => x.name === name);
  if (!d) throw new Error(`no SQL dialect named ${name} (known: ${DIALECTS.map((x) => x.name).join(', ')})`);
  return d;
}
