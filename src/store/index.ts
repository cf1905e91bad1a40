export { isBulkLoadingStore, type BulkFileFormat, type BulkLoad, type BulkLoadingStore, type LoadCounts, type QueryOptions, type Row, type SqlValue, type Store, type ValueLimit } from './store.js';
export { DuckDbStore, readServerSidecar, serverSidecarPath, type DuckDbOpenOptions, type ServerSidecar } from '../engines/duckdb/duckdb-store.js';
export { OWN_TABLE_FEATURES, TIME_VERSION_EVERY_MS, timeVersion, type OwnTables, type OwnTablesFeature } from './own-tables.js';
export { fileReadsIn, sandboxSql, resolveSandbox, type FileSandbox, type ResolvedSandbox } from '../engines/duckdb/file-sandbox.js';
export { MIGRATIONS, LATEST_VERSION } from '../engines/duckdb/duckdb-migrations.js';
export { sqlString, sqlIdentifier } from './sql-literal.js';
export { PostgresStore, DEFAULT_TIMEOUT_MS, type PostgresOpenOptions } from '../engines/postgres/postgres-store.js';
export { openStore, chooseStore, type StoreOptions, type StoreChoice } from './open-store.js';
export { ENGINES, engineOfUrl, redactUrl, type Engine } from './database-url.js';
