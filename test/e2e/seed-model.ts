/**
 * A model that is not uprate's: the seed's single `UpsellOffers` cube (test/fixtures/models/
 * seed-fixed) over a table made with plain SQL in a scratch DuckDB file, and the KPI binding a
 * user would write for it — no offer type, no pending, no revenue, no offer name, no industry,
 * no breakdown dimensions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { KpiBindingConfig } from '../../src/config/config-schema.js';
import { ROOT } from './harness.js';

export const SEED_MODEL_DIR = join(ROOT, 'test/fixtures/models/seed-fixed');

export const SEED_BINDING: KpiBindingConfig = {
  offers: 'UpsellOffers.totalUpsellOffers',
  accepted: 'UpsellOffers.successfulUpsells',
  time: 'UpsellOffers.offerDate',
  customer: 'UpsellOffers.customerId',
};

/** 1,200 daily rows over 80 customers, Jan 2024 – Jun 2025 (the last day 2025-06-30), about a sixth accepted. */
export async function seedDatabase(): Promise<{ file: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-seed-'));
  const file = join(dir, 'seed.duckdb');
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  try {
    await c.run(`CREATE TABLE upsell_offers (id INTEGER PRIMARY KEY, customer_id INTEGER, offer_date DATE, total_upsell_offers INTEGER, successful_upsells INTEGER)`);
    await c.run(`INSERT INTO upsell_offers
      SELECT i, 1 + (i * 37) % 80, DATE '2024-01-01' + CAST(i % 547 AS INTEGER), 5 + (i * 13) % 20, (i * 7) % 6
      FROM range(1, 1201) t(i)`);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The plain-SQL rate of the rows dated `from`..`to` (inclusive days): sum(successful) / sum(total). */
export const SEED_RATE_SQL = (from: string, to: string) =>
  `SELECT sum(total_upsell_offers) AS n, sum(successful_upsells) AS k FROM upsell_offers WHERE offer_date BETWEEN DATE '${from}' AND DATE '${to}'`;
