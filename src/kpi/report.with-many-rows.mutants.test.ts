// Paging in buildReport (report.ts): a breakdown with more cells than one answer may hold
// (MAX_LIMIT rows) is read a page at a time, none lost. Its own file because it is slow (50,001
// cells), so a mutation run reaches it only for the mutants the faster tests leave alive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allAccess, MAX_LIMIT } from '../query/index.js';
import { DuckDbStore } from '../store/index.js';
import { buildReport } from './report.js';

const asOf = new Date('2025-04-01T00:00:00Z');
const local = allAccess('local');

test('buildReport pages past one answer\'s row limit: MAX_LIMIT + 1 offer names are MAX_LIMIT + 1 rows', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    const names = MAX_LIMIT + 1;
    await store.run(`INSERT INTO customers (customer_id, account_size) VALUES ('c1', 'smb')`);
    // One offer per name, each on 2025-01-01, every third one accepted the next day.
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at, revenue)
      SELECT 'o' || i, 'c1', TIMESTAMP '2025-01-01 09:00:00', 'upsell', 'n' || lpad(CAST(i AS VARCHAR), 6, '0'),
             CASE WHEN i % 3 = 0 THEN TIMESTAMP '2025-01-02 09:00:00' END, NULL, NULL
      FROM range(${names}) t(i)`);
    const r = await buildReport(store, local, { by: ['offer_name'], asOf });
    assert.equal(r.rows.length, names);
    assert.equal(r.rows[names - 1]?.segment.offer_name, `n${String(names - 1).padStart(6, '0')}`);
    // 0, 3, …, 50000: 16,667 accepted offers, each its own row.
    assert.equal(r.rows.reduce((s, x) => s + x.accepted, 0), 16_667);
    assert.equal(r.total.offers, names);
  } finally {
    await store.close();
  }
});
