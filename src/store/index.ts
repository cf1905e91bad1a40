export { isBulkLoadingStore, type BulkLoad, type BulkLoadingStore, type QueryOptions, type Row, type SqlValue, type Store } from './store.js';
export { DuckDbStore, readServerSidecar, serverSidecarPath, type ServerSidecar } from './duckdb-store.js';
export { MIGRATIONS, LATEST_VERSION } from './migrations.js';
export { sqlString, sqlIdentifier } from './sql-literal.js';
export { PostgresStore, DEFAULT_TIMEOUT_MS, type PostgresOpenOptions } from './postgres-store.js';
export { openStore, chooseStore, type StoreOptions, type StoreChoice } from './open-store.js';
export { ENGINES, engineOfUrl, redactUrl, type Engine } from './database-url.js';
