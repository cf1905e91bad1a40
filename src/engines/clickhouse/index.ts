/**
 * ClickHouse over HTTP: its store (Distributed tables over shards), schema migrations, SQL
 * dialect, the bulk load whose commit markers make a load visible all at once, and rollups built
 * as generations that are read only while the data version they record is the current one.
 */
export { ClickHouseStore, openClickHouseStore, type ClickHouseOpenOptions } from './clickhouse-store.js';
export { CLICKHOUSE_MIGRATIONS, CLICKHOUSE_LATEST_VERSION, clickhouseColumnType } from './clickhouse-migrations.js';
export { clickhouseDialect } from './clickhouse-dialect.js';
export { bulkLoadClickHouse, clickhouseFileFormat, CLICKHOUSE_FILE_BYTES, newLoadId, type ClickHouseLoadTarget } from './clickhouse-bulk-load.js';
export { bindClickHouseSql } from './clickhouse-literal.js';
export { buildClickHouseRollups, dropClickHouseRollups, ensureClickHouseRegistry, refreshAfterLoad, type ClickHouseRollupTarget } from './clickhouse-rollups.js';
