/**
 * The report tests' two months of offers, small enough to count by hand:
 *  May 2025   o3 May 1, accepted May 2; o4 May 20 and o5 May 31, declined   → 1 of 3 (33.3%)
 *  June 2025  o1 Jun 5, accepted Jun 6; o2 Jun 10, declined                  → 1 of 2 (50.0%)
 * Customers c1…c5 (smb: c1, c3, c4; enterprise: c2, c5), one offer each.
 */
import { DuckDbStore } from '../store/index.js';

/** An in-memory store holding the two months above. */
export async function twoMonthStore(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  await store.run(`INSERT INTO customers (customer_id, account_size) VALUES ('c1', 'smb'), ('c2', 'enterprise'), ('c3', 'smb'), ('c4', 'smb'), ('c5', 'enterprise')`);
  await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at, revenue) VALUES
    ('o1', 'c1', '2025-06-05 09:00:00', 'upsell', 'Premium', '2025-06-06 09:00:00', NULL, 10),
    ('o2', 'c2', '2025-06-10 09:00:00', 'upsell', 'Premium', NULL, '2025-06-11 09:00:00', NULL),
    ('o3', 'c3', '2025-05-01 10:00:00', 'upsell', 'Premium', '2025-05-02 10:00:00', NULL, 10),
    ('o4', 'c4', '2025-05-20 10:00:00', 'upsell', 'Premium', NULL, '2025-05-21 10:00:00', NULL),
    ('o5', 'c5', '2025-05-31 10:00:00', 'upsell', 'Premium', NULL, '2025-06-01 10:00:00', NULL)`);
  return store;
}
