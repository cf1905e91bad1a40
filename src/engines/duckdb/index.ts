/**
 * DuckDB, the embedded engine: its store (one file, one writer process), schema migrations, SQL
 * dialect, the merge that writes checked rows, and the files a model's SQL may read in place.
 */
export { DuckDbStore, readServerSidecar, serverSidecarPath, type DuckDbOpenOptions, type ServerSidecar } from './duckdb-store.js';
export { MIGRATIONS, LATEST_VERSION } from './duckdb-migrations.js';
export { duckdbDialect } from './duckdb-dialect.js';
export { duckDbExec, interruptOnAbort } from './duckdb-exec.js';
export { mergeTables } from './duckdb-merge.js';
export { CHECKPOINT_VARIABLE, duckDbCheckpointThreshold } from './checkpoint.js';
export { fileReadsIn, sandboxSql, resolveSandbox, type FileSandbox, type ResolvedSandbox } from './file-sandbox.js';
