/**
 * Rollups (Cube's pre-aggregations): declared in the model, built in the store's own engine,
 * refreshed by ingest in the same commit, read only where the answer is exactly the rows'.
 */
export { buildRollups, chooseRollups, dropRollups, type BuiltRollup } from './build.js';
export { rollupStatus, usableRollups, type RollupStatus } from './availability.js';
export { matchRollup, type NoRollup, type RollupMatch, type UsableRollup } from './match.js';
export { modelRollups, rollupBuild, rollupTable, SETTLED_CLOCK, type RollupBuild } from './definition.js';
export { applyRefresh, planRefresh, type LoadedTable, type RefreshPlan } from './maintain.js';
