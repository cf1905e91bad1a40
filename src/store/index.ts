export type { Row, SqlValue, Store } from './store.js';
export { DuckDbStore, readServerSidecar, serverSidecarPath, type ServerSidecar } from './duckdb-store.js';
export { MIGRATIONS, LATEST_VERSION } from './migrations.js';
export { sqlString, sqlIdentifier } from './sql-literal.js';
