/**
 * Rollups (Cube's pre-aggregations): declared in the model, built in the store's own engine,
 * refreshed by ingest in the same commit, read only where the answer is exactly the rows'.
 *
 * Every stored rollup records the data version (the newest committed load) its rows reflect, and
 * is read only while that is the store's current version (availability.ts). DuckDB and
 * PostgreSQL refresh the partitions a load touched inside the load's transaction (maintain.ts),
 * so the version moves with the rows. ClickHouse has no transaction: a build fills a new
 * generation of tables and then switches the registry to it, and a load rebuilds the rollups
 * that read its tables right after its commit markers (engines/clickhouse/clickhouse-rollups.ts);
 * until then the rollup still records the previous version, so queries read the rows.
 */
export { buildRollups, chooseRollups, dropRollups, recordMissingJoins, type BuiltRollup } from './build.js';
export { registryChanged, rollupsNotFresh, rollupStatus, usableRollups, type RollupStatus } from './availability.js';
export { matchRollup, type NoRollup, type RollupMatch, type UsableRollup } from './match.js';
export { compileRollups, modelRollups, rollupBuild, rollupTable, SETTLED_CLOCK, type RollupBuild } from './definition.js';
export { applyRefresh, planRefresh, type LoadedTable, type RefreshPlan } from './maintain.js';
