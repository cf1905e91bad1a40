/**
 * Plan → SQL: engine-neutral nodes, one compiler, dialects of capability flags and hooks.
 * See README.md for the contract.
 */
export type { Dialect } from './dialect.js';
export { DIALECTS, dialectFor } from '../engines/dialect-registry.js';
export { duckdbDialect } from '../engines/duckdb/duckdb-dialect.js';
export { postgresDialect } from '../engines/postgres/postgres-dialect.js';
export { clickhouseDialect } from '../engines/clickhouse/clickhouse-dialect.js';
export { compileSql, SqlCompiler, type CompiledSql } from './sql-compiler.js';
export { planToSql, type PlannedSql } from './build-select.js';
export { buildJoinTree, multipliedCubes, type JoinEdge, type JoinTree } from './join-tree.js';
export type { FromItem, JoinItem, ParamType, SelectNode, SqlExpr } from './nodes.js';
