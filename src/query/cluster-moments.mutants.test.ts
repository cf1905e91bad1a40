/**
 * Clustered reads (cluster-moments.ts) on the hand-made offers, with every expected moment worked
 * out by hand from test/fixtures/models/offers-data.ts at its clock NOW (2025-03-20T10:00Z, a
 * 30-day window):
 *
 *   offer  customer  judged at NOW
 *   o01    c1        accepted (a day later)
 *   o02    c1        declined
 *   o03    c2        accepted (20 days later, inside the window)
 *   o04    c2        expired (window ended 03-16, no answer)
 *   o05    c3        pending (accepted 04-15, after NOW; window open to 03-30)
 *   o06    c3        accepted
 *   o07    c4        pending
 *   o08    c5        pending (c5 has no customers row)
 *
 * Per customer (n offers, k accepted, p pending): c1 2/1/0, c2 2/1/0, c3 2/1/1, c4 1/0/1, c5 1/0/1.
 * A group's moments: clusters = customers in it, nn = Σ n², kk = Σ k², kn = Σ k·n, pos = customers with k > 0.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import type { DuckDbStore, Row } from '../store/index.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { m, moments } from '../../test/cluster-moments-rows.js';
import { allAccess } from './access.js';
import { answerClustered, answerClusteredSets, type ClusterRequest, type ClustersFirst } from './cluster-moments.js';
import type { CubeQuery } from './cube-query.js';

const MEASURES = ['Offers.count', 'Offers.accepted', 'Offers.pending'];
const REQUEST: ClusterRequest = {
  cluster: 'Offers.customerId',
  products: [['Offers.count', 'Offers.count'], ['Offers.accepted', 'Offers.accepted'], ['Offers.accepted', 'Offers.count']],
  positive: ['Offers.accepted'],
};
const MODES: readonly ClustersFirst[] = ['auto', 'always', 'never'];

let model: Model;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await offersStore();
});
after(() => store.close());

const options = { now: NOW, access: allAccess('local') };


// By account size (c1 smb, c2 mid_market, c3 and c4 enterprise, c5 no row), groups in key order, NULL last:
//   enterprise: c3 + c4 → n 3, k 1, p 2, 2 clusters, nn 4+1, kk 1+0, kn 2+0, pos 1
//   mid_market: c2 → 2, 1, 0, 1, 4, 1, 2, 1;  smb: c1 → the same;  NULL: c5 → 1, 0, 1, 1, 1, 0, 0, 0
const BY_SIZE = [m('enterprise', 3, 1, 2, 2, 5, 1, 2, 1), m('mid_market', 2, 1, 0, 1, 4, 1, 2, 1), m('smb', 2, 1, 0, 1, 4, 1, 2, 1), m(null, 1, 0, 1, 1, 1, 0, 0, 0)];
// By region (c1 and c4 eu, c2 and c3 us, c5 none):
//   eu: 3, 1, 1, 2, 4+1, 1, 2, 1;  us: 4, 2, 1, 2, 4+4, 1+1, 2+2, 2;  NULL: c5 as above
const BY_REGION = [m('eu', 3, 1, 1, 2, 5, 1, 2, 1), m('us', 4, 2, 1, 2, 8, 2, 4, 2), m(null, 1, 0, 1, 1, 1, 0, 0, 0)];
// Everything: 8 offers, 3 accepted, 3 pending, 5 customers, nn 4+4+4+1+1, kk 3, kn 6, 3 customers accepted.
const TOTAL = [m(null, 8, 3, 3, 5, 14, 3, 6, 3)];

const q = (dimensions: string[], page: { limit?: number; offset?: number } = {}): CubeQuery => ({ measures: MEASURES, dimensions, ...page });

/** A store whose statements over the data are counted (not the look for built rollups). */
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

test('the moments of each group, on every path: sums, customers, Σ of products and customers with an acceptance', async () => {
  for (const mode of MODES) {
    assert.deepEqual(moments(await answerClustered(store, model, q(['Customers.accountSize']), { ...REQUEST, clustersFirst: mode }, options), 'Customers.accountSize'), BY_SIZE, mode);
    assert.deepEqual(moments(await answerClustered(store, model, q([]), { ...REQUEST, clustersFirst: mode }, options), null), TOTAL, mode);
  }
  // The cluster dimension is not part of a group's data.
  const [first] = await answerClustered(store, model, q(['Customers.accountSize']), REQUEST, options);
  assert.deepEqual(Object.keys(first?.data ?? {}).sort(), ['Customers.accountSize', ...MEASURES].sort());
});

test('two offer filters both apply before the sums (summed per customer first or not)', async () => {
  // Email upsells: o01 (c1 smb, accepted) and o08 (c5 no row, pending); o04 is email but a cross-sell.
  const filters = [{ member: 'Offers.channel', operator: 'equals' as const, values: ['email'] }, { member: 'Offers.offerType', operator: 'equals' as const, values: ['upsell'] }];
  for (const mode of MODES) {
    const rows = await answerClustered(store, model, { ...q(['Customers.accountSize']), filters }, { ...REQUEST, clustersFirst: mode }, options);
    assert.deepEqual(moments(rows, 'Customers.accountSize'), [m('smb', 1, 1, 0, 1, 1, 1, 1, 1), m(null, 1, 0, 1, 1, 1, 0, 0, 0)], mode);
  }
});

test('a page of groups: limit and offset cut the groups in the order of their keys, on every path', async () => {
  for (const mode of MODES) {
    const request = { ...REQUEST, clustersFirst: mode };
    assert.deepEqual(moments(await answerClustered(store, model, q(['Customers.accountSize'], { limit: 2, offset: 1 }), request, options), 'Customers.accountSize'), BY_SIZE.slice(1, 3), mode);
    assert.deepEqual(moments(await answerClustered(store, model, q(['Customers.accountSize'], { limit: 3, offset: 0 }), request, options), 'Customers.accountSize'), BY_SIZE.slice(0, 3), mode);
    assert.deepEqual(moments(await answerClustered(store, model, q(['Customers.accountSize'], { offset: 3 }), request, options), 'Customers.accountSize'), BY_SIZE.slice(3), mode);
  }
});

test('without positive measures there are no positive counts; without products no products', async () => {
  const rows = await answerClustered(store, model, q(['Customers.region']), { cluster: 'Offers.customerId', products: [] }, options);
  assert.deepEqual(rows.map((r) => [r.data['Customers.region'], r.clusters, r.products, r.positive]), [['eu', 2, [], []], ['us', 2, [], []], [null, 1, [], []]]);
});

test('several groupings from one pass keep each query its own page; one cut short by the statement is asked again', async () => {
  // Pages: sizes 2 from 1 (mid_market, smb), regions 1 from 1 (us), the total 1.
  // One statement reads at most (2+1) + (1+1) + (1+0) = 6 rows: the 4 size groups, then eu and us;
  // the size query is complete (a later set follows it), the regions have the 2 rows they need, the
  // total (no row in the 6) is read again on its own: two statements.
  const queries = [q(['Customers.accountSize'], { limit: 2, offset: 1 }), q(['Customers.region'], { limit: 1, offset: 1 }), q([], { limit: 1 })];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(together[0] ?? [], 'Customers.accountSize'), BY_SIZE.slice(1, 3));
  assert.deepEqual(moments(together[1] ?? [], 'Customers.region'), BY_REGION.slice(1, 2));
  assert.deepEqual(moments(together[2] ?? [], null), TOTAL);
  assert.equal(spy.statements.length, 2, spy.statements.join('\n---\n'));
  assert.ok(spy.statements[0]?.includes('uprate_sets'), 'the first statement reads the sets together');
});

test('the last set the statement reached is asked again when it lacks rows of its page', async () => {
  // Sizes 2 from 1 and regions 2 from 1: at most (2+1) + (2+1) = 6 rows, the 4 size groups then eu
  // and us. The regions want 3 rows and got 2 (the NULL group was cut): read again on their own.
  const queries = [q(['Customers.accountSize'], { limit: 2, offset: 1 }), q(['Customers.region'], { limit: 2, offset: 1 })];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(together[0] ?? [], 'Customers.accountSize'), BY_SIZE.slice(1, 3));
  assert.deepEqual(moments(together[1] ?? [], 'Customers.region'), BY_REGION.slice(1, 3));
  assert.equal(spy.statements.length, 2);
  assert.ok(spy.statements[0]?.includes('uprate_sets'), 'two queries still share the first pass');
});

test('several groupings per month share a pass when summing per customer first is forced', async () => {
  // By month of the offer (UTC): January o01, o02 (c1), o03 (c2); February o04 (c2), o05 (c3);
  // March o06 (c3), o07 (c4), o08 (c5). Judged at NOW as above:
  //   January: c1 2/1/0, c2 1/1/0 → n 3, k 2, p 0, 2 customers, nn 4+1, kk 1+1, kn 2+1, pos 2
  //   February: c2 1/0/0, c3 1/0/1 → n 2, k 0, p 1, 2 customers, nn 2, kk 0, kn 0, pos 0
  //   March: c3 1/1/0, c4 1/0/1, c5 1/0/1 → n 3, k 1, p 2, 3 customers, nn 3, kk 1, kn 1, pos 1
  const month = (dimensions: string[]): CubeQuery => ({ ...q(dimensions), timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }] });
  const queries = [month([]), month(['Customers.accountSize'])];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, { ...REQUEST, clustersFirst: 'always' }, options);
  assert.deepEqual(moments(together[0] ?? [], 'Offers.offeredAt.month'), [
    m('2025-01-01T00:00:00.000', 3, 2, 0, 2, 5, 2, 3, 2),
    m('2025-02-01T00:00:00.000', 2, 0, 1, 2, 2, 0, 0, 0),
    m('2025-03-01T00:00:00.000', 3, 1, 2, 3, 3, 1, 1, 1),
  ]);
  assert.equal(spy.statements.length, 1);
  assert.ok(spy.statements[0]?.includes('uprate_sets'));
  // The breakdown per size and month: what the query gives alone.
  assert.deepEqual(together[1], await answerClustered(store, model, queries[1] as CubeQuery, { ...REQUEST, clustersFirst: 'never' }, options));
  // Groups: enterprise in February (c3) and March (c3, c4), mid_market in January and February (c2), smb in January (c1), NULL in March (c5).
  assert.deepEqual(
    together[1]?.map((r) => [r.data['Customers.accountSize'], r.data['Offers.offeredAt.month']?.toString().slice(0, 7), r.clusters]),
    [['enterprise', '2025-02', 1], ['enterprise', '2025-03', 2], ['mid_market', '2025-01', 1], ['mid_market', '2025-02', 1], ['smb', '2025-01', 1], [null, '2025-03', 1]],
  );
});

test('several groupings whose pages all fit: one statement answers them all', async () => {
  const queries = [q(['Customers.accountSize']), q(['Customers.region']), q([])];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(together[0] ?? [], 'Customers.accountSize'), BY_SIZE);
  assert.deepEqual(moments(together[1] ?? [], 'Customers.region'), BY_REGION);
  assert.deepEqual(moments(together[2] ?? [], null), TOTAL);
  assert.equal(spy.statements.length, 1);
  // Never summed per customer first: each query on its own, the same answers.
  const spyNever = counted(store);
  assert.deepEqual(await answerClusteredSets(spyNever.store, model, queries, { ...REQUEST, clustersFirst: 'never' }, options), together);
  assert.equal(spyNever.statements.length, 3);
  assert.ok(!spyNever.statements.some((s) => s.includes('uprate_sets')));
});

test('a product or positive measure the query does not ask for is a programming error; compareDateRange is refused', async () => {
  await assert.rejects(
    answerClustered(store, model, { measures: ['Offers.count'] }, { cluster: 'Offers.customerId', products: [['Offers.count', 'Offers.accepted']] }, options),
    (e: unknown) => e instanceof Error && e.name === 'InternalError' && e.message.includes('cluster product names Offers.accepted, which the query does not measure'),
  );
  await assert.rejects(
    answerClustered(store, model, { measures: ['Offers.count'] }, { cluster: 'Offers.customerId', products: [], positive: ['Offers.pending'] }, options),
    (e: unknown) => e instanceof Error && e.name === 'InternalError' && e.message.includes('cluster product names Offers.pending, which the query does not measure'),
  );
  await assert.rejects(
    answerClustered(store, model, { measures: MEASURES, timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28']] }] }, REQUEST, options),
    (e: unknown) => e instanceof UprateError && e.code === 'QUERY_INVALID' && e.location === 'timeDimensions' && e.message === 'a clustered read answers one query (no compareDateRange)',
  );
});
