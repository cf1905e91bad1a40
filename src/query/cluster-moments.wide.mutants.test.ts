/**
 * A clustered read served by the rollup by customer (cluster-moments.ts, answerFromRollup) whose
 * other measures, read apart, have more groups than one read apart returns (50,000): that read is
 * cut short, so the answer comes from the rows instead.
 *
 * The data, generated: 50,001 customers k00000 … k50000, customer i of industry `ind<i>` (five
 * digits, so the text order is i's order), each with one upsell offer on 2025-01-10 09:00 UTC,
 * accepted on 2025-01-11 when i is a multiple of 3, else unanswered. At the clock 2025-01-20 an
 * unanswered offer is pending (its 30-day window runs to 2025-02-09), so per industry (one
 * customer): n 1, k = 1 if 3 | i else 0, p = 1 − k, 1 cluster, nn 1, kk k, kn k, pos k.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DuckDbStore, type Row } from '../store/index.js';
import { m, moments } from '../../test/cluster-moments-rows.js';
import { buildRollups } from '../rollups/index.js';
import { allAccess } from './access.js';
import { answerClustered, type ClusterRequest } from './cluster-moments.js';
import type { CubeQuery } from './cube-query.js';

const GROUPS = 50_001;
const REQUEST: ClusterRequest = {
  cluster: 'Offers.customerId',
  products: [['Offers.count', 'Offers.count'], ['Offers.accepted', 'Offers.accepted'], ['Offers.accepted', 'Offers.count']],
  positive: ['Offers.accepted'],
};
const OPTIONS = { now: new Date('2025-01-20T00:00:00Z'), access: allAccess('local') };

let model: Model;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await DuckDbStore.open(':memory:');
  const id = (prefix: string) => `'${prefix}' || lpad(CAST(i AS VARCHAR), 5, '0')`;
  await store.run(`INSERT INTO customers SELECT ${id('k')}, 'smb', NULL, NULL, ${id('ind')}, NULL, NULL, NULL FROM range(${GROUPS}) t(i)`);
  await store.run(`INSERT INTO offers SELECT ${id('x')}, ${id('k')}, TIMESTAMP '2025-01-10 09:00:00', 'upsell', 'Pro Plan', 'email', NULL,
    CASE WHEN i % 3 = 0 THEN TIMESTAMP '2025-01-11 09:00:00' END, NULL, NULL FROM range(${GROUPS}) t(i)`);
  await buildRollups(store, model, ['Offers.perCustomer']);
});
after(() => store.close());

/** A store whose statements over the data are recorded (not the look for built rollups). */
function counted(s: DuckDbStore): { store: DuckDbStore; statements: string[] } {
  const statements: string[] = [];
  const query = s.query.bind(s);
  const spied = Object.create(s) as DuckDbStore;
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    if (!/information_schema|uprate_rollups|uprate_loads/.test(sql)) statements.push(sql);
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return { store: spied, statements };
}

test('pending read apart over more groups than one read apart returns (50,001): the page is read from the rows instead, every group filled', async () => {
  const query: CubeQuery = {
    measures: ['Offers.count', 'Offers.accepted', 'Offers.pending'],
    dimensions: ['Customers.industry'],
    timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-01-31'] }],
    // The last page: industries 49995 … 50000 (six groups; the read apart still reads 50,000).
    limit: 10,
    offset: 49_995,
  };
  const spy = counted(store);
  const rows = await answerClustered(spy.store, model, query, REQUEST, OPTIONS);
  // Each industry one customer with one offer (see the top).
  const expected = Array.from({ length: 6 }, (_, j) => {
    const i = 49_995 + j;
    const k = i % 3 === 0 ? 1 : 0;
    return m(`ind${String(i).padStart(5, '0')}`, 1, k, 1 - k, 1, 1, k, k, k);
  });
  assert.deepEqual(moments(rows, 'Customers.industry'), expected);
  // The moments from the rollup, pending apart (cut short at 50,000 groups), then the whole page from the rows.
  assert.equal(spy.statements.length, 3, spy.statements.map((s) => s.slice(0, 200)).join('\n---\n'));
  assert.ok(spy.statements[0]?.includes('uprate_rollup_offers_per_customer'), 'the first read is from the rollup');
  assert.ok(!spy.statements[2]?.includes('uprate_rollup_offers_per_customer'), 'the last read is from the rows');
});
