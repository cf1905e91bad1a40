/**
 * PostgreSQL: its store (a `pg.Pool`, uprate's schema, COPY + upsert bulk load), schema
 * migrations, SQL dialect, and statements inside a transaction of one client.
 */
export { PostgresStore, DEFAULT_TIMEOUT_MS, type PostgresOpenOptions } from './postgres-store.js';
export { POSTGRES_MIGRATIONS, POSTGRES_LATEST_VERSION } from './postgres-migrations.js';
export { postgresDialect } from './postgres-dialect.js';
export { postgresExec, LONG_WORK_SETTINGS } from './postgres-exec.js';
