import type { Migration } from '../../store/migration.js';

/** uprate's tables in the embedded DuckDB file (postgres-migrations.ts spells the same versions). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'offers and customers',
    sql: [
      `CREATE TABLE offers (
        offer_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        offered_at TIMESTAMP NOT NULL,
        offer_type VARCHAR NOT NULL,
        offer_name VARCHAR NOT NULL,
        channel VARCHAR,
        campaign VARCHAR,
        accepted_at TIMESTAMP,
        declined_at TIMESTAMP,
        revenue DECIMAL(18, 2)
      )`,
      `CREATE TABLE customers (
        customer_id VARCHAR NOT NULL,
        account_size VARCHAR,
        lifecycle_stage VARCHAR,
        engagement_score DOUBLE,
        industry VARCHAR,
        region VARCHAR,
        plan VARCHAR,
        mrr DECIMAL(18, 2)
      )`,
      // One row per committed load: its id is the data version result caches key on.
      `CREATE SEQUENCE uprate_load_seq START 1`,
      `CREATE TABLE uprate_loads (
        load_id BIGINT PRIMARY KEY DEFAULT nextval('uprate_load_seq'),
        table_name VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        rows_read BIGINT NOT NULL,
        rows_inserted BIGINT NOT NULL,
        rows_updated BIGINT NOT NULL,
        rows_rejected BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL
      )`,
    ],
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
