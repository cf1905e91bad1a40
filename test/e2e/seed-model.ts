/**
 * A model that is not uprate's: the seed's single `UpsellOffers` cube as the example ships it
 * (examples/seed-upsell-offers/model) over the example's 1,000,000-row table, made with its plain
 * SQL in a scratch DuckDB file, and the KPI binding a user would write for it — no offer type, no
 * pending, no revenue, no offer name, no industry, no breakdown dimensions.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { KpiBindingConfig } from '../../src/config/config-schema.js';
import { ROOT } from './harness.js';

export const SEED_MODEL_DIR = join(ROOT, 'examples/seed-upsell-offers/model');

export const SEED_BINDING: KpiBindingConfig = {
  offers: 'UpsellOffers.totalUpsellOffers',
  accepted: 'UpsellOffers.successfulUpsells',
  time: 'UpsellOffers.offerDate',
  customer: 'UpsellOffers.customerId',
};

/**
 * The example's table: 1,000,000 rows over 20,000 customers, about a fifth accepted — its two
 * years moved to end on 2025-06-30, the last day before the e2e clock (DEMO_CLOCK).
 */
export async function seedDatabase(): Promise<{ file: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-seed-'));
  const file = join(dir, 'seed.duckdb');
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  try {
    await c.run(readFileSync(join(ROOT, 'examples/seed-upsell-offers/upsell_offers.sql'), 'utf8').replace(':rows', '1000000').replace("DATE '2024-01-01'", "DATE '2023-07-01'"));
  } finally {
    c.closeSync();
    instance.closeSync();
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The plain-SQL rate of the rows dated `from`..`to` (inclusive days): sum(successful) / sum(total). */
export const SEED_RATE_SQL = (from: string, to: string) =>
  `SELECT sum(total_upsell_offers) AS n, sum(successful_upsells) AS k FROM upsell_offers WHERE offer_date BETWEEN DATE '${from}' AND DATE '${to}'`;
