import type { Migration } from '../../store/migration.js';

/**
 * The schema of `duckdb-migrations.ts`, spelled for PostgreSQL. Same tables, same columns, same
 * version numbers: a database at version N holds the same data model on every engine. Differences:
 * the keys are real primary keys (ingest upserts with ON CONFLICT), timestamps are
 * `timestamp without time zone` holding UTC wall time (the session runs in UTC), and the columns
 * that queries filter and join on are indexed.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'offers and customers',
    sql: [
      `CREATE TABLE offers (
        offer_id TEXT NOT NULL PRIMARY KEY,
        customer_id TEXT NOT NULL,
        offered_at TIMESTAMP NOT NULL,
        offer_type TEXT NOT NULL,
        offer_name TEXT NOT NULL,
        channel TEXT,
        campaign TEXT,
        accepted_at TIMESTAMP,
        declined_at TIMESTAMP,
        revenue NUMERIC(18, 2)
      )`,
      `CREATE INDEX offers_offered_at ON offers (offered_at)`,
      `CREATE INDEX offers_customer_id ON offers (customer_id)`,
      `CREATE TABLE customers (
        customer_id TEXT NOT NULL PRIMARY KEY,
        account_size TEXT,
        lifecycle_stage TEXT,
        engagement_score DOUBLE PRECISION,
        industry TEXT,
        region TEXT,
        plan TEXT,
        mrr NUMERIC(18, 2)
      )`,
      // One row per committed load: its id is the data version result caches key on.
      `CREATE TABLE uprate_loads (
        load_id BIGSERIAL PRIMARY KEY,
        table_name TEXT NOT NULL,
        source TEXT NOT NULL,
        rows_read BIGINT NOT NULL,
        rows_inserted BIGINT NOT NULL,
        rows_updated BIGINT NOT NULL,
        rows_rejected BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL
      )`,
    ],
  },
];

export const POSTGRES_LATEST_VERSION = POSTGRES_MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
