import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';

/** The clock the API tests over the fixture run with (its last offers still inside their window). */
export const fixtureClock = (): Date => new Date('2025-07-15T00:00:00Z');

/**
 * A small deterministic data set made with plain SQL (no uprate code), for API tests whose
 * expected numbers are computed by plain SQL over the same file: 3,000 offers over 300
 * customers in the first half of 2025, about a fifth accepted, some after the 30-day window.
 */
export async function loadFixture(store: DuckDbStore): Promise<void> {
  await store.run(`INSERT INTO customers
    SELECT 'c' || i,
      ['smb', 'mid_market', 'enterprise'][1 + i % 3],
      ['onboarding', 'adoption', 'expansion', 'renewal', 'at_risk'][1 + i % 5],
      (i * 37) % 101,
      ['retail', 'saas', 'consumer_goods'][1 + (i // 3) % 3],
      ['emea', 'amer'][1 + i % 2],
      ['basic', 'pro'][1 + (i // 2) % 2],
      (i % 50) * 10.0
    FROM range(300) t(i)`);
  await store.run(`INSERT INTO offers
    SELECT 'o' || i,
      'c' || ((i * 7) % 300),
      TIMESTAMP '2025-01-01' + to_minutes((i * 86) % (181 * 24 * 60)),
      CASE WHEN i % 3 = 0 THEN 'cross_sell' ELSE 'upsell' END,
      ['Premium tier', 'Analytics add-on', 'Extra seats', 'Support plus'][1 + i % 4],
      ['in_app', 'email', 'sales', 'checkout'][1 + (i // 4) % 4],
      CASE WHEN i % 5 = 0 THEN 'spring' END,
      CASE WHEN (i * 13) % 100 < 22 THEN TIMESTAMP '2025-01-01' + to_minutes((i * 86) % (181 * 24 * 60)) + to_days((i * 7) % 40) END,
      CASE WHEN (i * 13) % 100 >= 22 AND i % 2 = 0 THEN TIMESTAMP '2025-01-01' + to_minutes((i * 86) % (181 * 24 * 60)) + to_days(3) END,
      CASE WHEN (i * 13) % 100 < 22 THEN (i % 17) * 12.5 END
    FROM range(3000) t(i)`);
  await store.run(`INSERT INTO uprate_loads (table_name, source, rows_read, rows_inserted, rows_updated, rows_rejected, loaded_at)
    VALUES ('offers', 'fixture', 3000, 3000, 0, 0, TIMESTAMP '2025-07-01')`);
}

/** An in-memory store holding the fixture, served in dev mode at the fixture's clock, every answer checked against its schema; close both when done. */
export async function fixtureServer(options: Partial<AppOptions> = {}): Promise<{ store: DuckDbStore; app: FastifyInstance; close: () => Promise<void> }> {
  const store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
  // Every answer is checked against the API's schemas (src/server/response-check.ts).
  const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: fixtureClock, checkResponses: true, ...options });
  return {
    store,
    app,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
