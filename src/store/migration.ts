/**
 * Versioned schema migrations. Each runs once, in order, inside a transaction, and is recorded in
 * `uprate_migrations`; a database newer than this program is refused rather than guessed at.
 * DuckDB's (src/engines/duckdb/duckdb-migrations.ts) and PostgreSQL's share the version numbers.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
}
