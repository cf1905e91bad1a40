/**
 * Plan → SQL: engine-neutral nodes, one compiler, dialects of capability flags and hooks.
 * See README.md for the contract.
 */
export type { Dialect } from './dialect.js';
export { DIALECTS, dialectFor } from './dialects/registry.js';
export { duckdbDialect } from './dialects/duckdb.js';
export { postgresDialect } from './dialects/postgres.js';
export { clickhouseDialect } from './dialects/clickhouse.js';
export { compileSql, SqlCompiler, type CompiledSql } from './sql-compiler.js';
export { planToSql, type PlannedSql } from './build-select.js';
export { buildJoinTree, multipliedCubes, type JoinEdge, type JoinTree } from './join-tree.js';
export type { FromItem, JoinItem, ParamType, SelectNode, SqlExpr } from './nodes.js';
