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
import { answerClustered, answerClusteredSets, type ClusteredRow, type ClusterRequest, type ClustersFirst } from './cluster-moments.js';
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

/** The statements over the data a clustered read runs, for tests that check which SQL it chose. */
async function statementsOf(read: (s: DuckDbStore) => Promise<unknown>): Promise<string[]> {
  const spy = counted(store);
  await read(spy.store);
  return spy.statements;
}
// clusters-first.ts names the per-customer sums of its first step uprate_part_0, …; the planner's one statement has none.
const summedFirst = (sql: readonly string[]) => sql.some((s) => s.includes('uprate_part_'));

test('which statement each mode runs: auto sums per customer first only where that pays, always wherever exact, never not at all', async () => {
  // By account size: the customers' own rows summed first pays (the offers' only own key is the customer).
  const bySize = q(['Customers.accountSize']);
  assert.ok(summedFirst(await statementsOf((s) => answerClustered(s, model, bySize, REQUEST, options))), 'auto, by a customer attribute');
  assert.ok(summedFirst(await statementsOf((s) => answerClustered(s, model, bySize, { ...REQUEST, clustersFirst: 'always' }, options))), 'always');
  assert.ok(!summedFirst(await statementsOf((s) => answerClustered(s, model, bySize, { ...REQUEST, clustersFirst: 'never' }, options))), 'never');
  // By channel and region: the first step would keep a row per customer and channel, no fewer rows than the join: auto does not, always does.
  const byChannel = q(['Offers.channel', 'Customers.region']);
  assert.ok(!summedFirst(await statementsOf((s) => answerClustered(s, model, byChannel, REQUEST, options))), 'auto, by an offer column too');
  assert.ok(summedFirst(await statementsOf((s) => answerClustered(s, model, byChannel, { ...REQUEST, clustersFirst: 'always' }, options))), 'always, by an offer column too');
});

test('several groupings: a query filtered otherwise is not read with the others, and one listing its dimensions against the union is asked alone', async () => {
  // Email offers by region: o01 (c1 eu, accepted), o04 (c2 us, expired), o08 (c5 no row, pending).
  const emailByRegion: CubeQuery = { ...q(['Customers.region']), filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }] };
  // By region then size (the union lists size first, from the first query): groups in region order —
  //   eu/enterprise c4 1/0/1; eu/smb c1 2/1/0; us/enterprise c3 2/1/1; us/mid_market c2 2/1/0; NULL/NULL c5 1/0/1.
  const queries = [q(['Customers.accountSize', 'Customers.region']), q(['Customers.region']), emailByRegion, q(['Customers.region', 'Customers.accountSize'])];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(together[1] ?? [], 'Customers.region'), BY_REGION);
  assert.deepEqual(moments(together[2] ?? [], 'Customers.region'), [m('eu', 1, 1, 0, 1, 1, 1, 1, 1), m('us', 1, 0, 0, 1, 1, 0, 0, 0), m(null, 1, 0, 1, 1, 1, 0, 0, 0)]);
  const pairs = (rows: readonly ClusteredRow[], a: string, b: string) => rows.map((r) => [r.data[a] ?? null, r.data[b] ?? null, r.data['Offers.count'], r.clusters]);
  assert.deepEqual(pairs(together[3] ?? [], 'Customers.region', 'Customers.accountSize'), [
    ['eu', 'enterprise', '1', 1], ['eu', 'smb', '2', 1], ['us', 'enterprise', '2', 1], ['us', 'mid_market', '2', 1], [null, null, '1', 1],
  ]);
  // By size then region, as the union lists them: enterprise/eu c4, enterprise/us c3, mid_market/us c2, smb/eu c1, NULL c5.
  assert.deepEqual(pairs(together[0] ?? [], 'Customers.accountSize', 'Customers.region'), [
    ['enterprise', 'eu', '1', 1], ['enterprise', 'us', '2', 1], ['mid_market', 'us', '2', 1], ['smb', 'eu', '2', 1], [null, null, '1', 1],
  ]);
  // The first two together, the filtered one and the reordered one alone.
  assert.equal(spy.statements.length, 3, spy.statements.join('\n---\n'));
  assert.ok(spy.statements[0]?.includes('uprate_sets'));
  // The union's two dimensions once each, though both queries list the region (a column named twice in
  // the per-customer subquery would be ambiguous to PostgreSQL).
  assert.ok(spy.statements[0]?.includes('uprate_set_key_1') && !spy.statements[0]?.includes('uprate_set_key_2'), spy.statements[0]);
  assert.ok(!spy.statements.slice(1).some((s) => s.includes('uprate_sets')));
});

test('several groupings over no rows at all: the keyed ones have no groups, the one without keys is asked alone (one row of an aggregate over nothing)', async () => {
  // No offer has the channel 'fax'.
  const none = [{ member: 'Offers.channel', operator: 'equals' as const, values: ['fax'] }];
  const queries = [{ ...q(['Customers.accountSize']), filters: none }, { ...q([]), filters: none }];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(together[0], []);
  // count(*) over no per-customer rows is 0 clusters; each count measure over no offers is 0, as SQL's
  // count() is (the engines' sums over no clusters differ: NULL on DuckDB and PostgreSQL, 0 on
  // ClickHouse); 0 for the moments, read as `?? 0`.
  assert.deepEqual(
    together[1]?.map((r) => [r.data, r.clusters, r.products, r.positive]),
    [[{ 'Offers.count': '0', 'Offers.accepted': '0', 'Offers.pending': '0' }, 0, [0, 0, 0], [0]]],
  );
  assert.equal(spy.statements.length, 2, spy.statements.join('\n---\n'));
  assert.ok(spy.statements[0]?.includes('uprate_sets'));
});

test('several groupings: a set with fewer groups than its page is complete when a later set follows it in the statement', async () => {
  // Regions (3 groups, limit 5) and sizes (limit 1): at most 5 + 1 = 6 rows — eu, us, NULL, then
  // enterprise, mid_market, smb (cut there). The regions have fewer than 5 but the sizes follow: complete; one statement.
  const queries = [q(['Customers.region'], { limit: 5 }), q(['Customers.accountSize'], { limit: 1 })];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(together[0] ?? [], 'Customers.region'), BY_REGION);
  assert.deepEqual(moments(together[1] ?? [], 'Customers.accountSize'), BY_SIZE.slice(0, 1));
  assert.equal(spy.statements.length, 1, spy.statements.join('\n---\n'));
});

test('several groupings by a customer attribute and by an offer column, summed per customer first only where it pays', async () => {
  // Union: size, region, channel. With the channel (the offers' own column) the first pass keeps a row
  // per customer and channel and does not pay: the query grouped by it is left out, the other two read together.
  const queries = [q(['Customers.accountSize']), q(['Customers.region']), q(['Customers.accountSize', 'Offers.channel'])];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(together[0] ?? [], 'Customers.accountSize'), BY_SIZE);
  assert.deepEqual(moments(together[1] ?? [], 'Customers.region'), BY_REGION);
  // By size and channel: enterprise/checkout o06 (c3), enterprise/in_app o07 (c4), enterprise/NULL o05 (c3),
  // mid_market/email o04 (c2), mid_market/sales o03 (c2), smb/email o01 (c1), smb/in_app o02 (c1), NULL/email o08 (c5).
  assert.deepEqual(
    together[2]?.map((r) => [r.data['Customers.accountSize'] ?? null, r.data['Offers.channel'] ?? null, r.data['Offers.count'], r.clusters]),
    [['enterprise', 'checkout', '1', 1], ['enterprise', 'in_app', '1', 1], ['enterprise', null, '1', 1], ['mid_market', 'email', '1', 1], ['mid_market', 'sales', '1', 1], ['smb', 'email', '1', 1], ['smb', 'in_app', '1', 1], [null, 'email', '1', 1]],
  );
  assert.equal(spy.statements.length, 2, spy.statements.join('\n---\n'));
  assert.ok(spy.statements[0]?.includes('uprate_sets') && !spy.statements[1]?.includes('uprate_sets'));
});

test('several groupings under a filter on a customer attribute: summing per customer first never pays, so the planner statement grouped by every attribute serves them at once (summed first when forced)', async () => {
  // EU customers (c1, c4): by size smb c1 2/1/0, enterprise c4 1/0/1; in all 3 offers, 1 accepted, 1 pending, 2 customers, nn 4+1, kk 1, kn 2, pos 1.
  const eu = [{ member: 'Customers.region', operator: 'equals' as const, values: ['eu'] }];
  const queries = [{ ...q(['Customers.accountSize']), filters: eu }, { ...q([]), filters: eu }];
  const expected = [[m('enterprise', 1, 0, 1, 1, 1, 0, 0, 0), m('smb', 2, 1, 0, 1, 4, 1, 2, 1)], [m(null, 3, 1, 1, 2, 5, 1, 2, 1)]];
  const auto = counted(store);
  const alone = await answerClusteredSets(auto.store, model, queries, REQUEST, options);
  assert.deepEqual([moments(alone[0] ?? [], 'Customers.accountSize'), moments(alone[1] ?? [], null)], expected);
  assert.equal(auto.statements.length, 1);
  assert.ok(auto.statements[0]?.includes('uprate_sets'));
  // The planner's statement: the offers joined to their customers, then grouped (no sum per customer before the join).
  assert.match(auto.statements[0] ?? '', /FROM offers AS "offers"\s+LEFT JOIN customers/);
  const always = counted(store);
  const together = await answerClusteredSets(always.store, model, queries, { ...REQUEST, clustersFirst: 'always' }, options);
  assert.deepEqual([moments(together[0] ?? [], 'Customers.accountSize'), moments(together[1] ?? [], null)], expected);
  assert.equal(always.statements.length, 1);
  assert.doesNotMatch(always.statements[0] ?? '', /FROM offers AS "offers"\s+LEFT JOIN customers/);
});

test('several groupings by the offers\' own columns only: nothing to sum per customer first (no join), so each is read alone', async () => {
  // By channel at NOW: checkout o06 (c3, accepted); email o01 (c1, accepted), o04 (c2, expired), o08 (c5, pending);
  // in_app o02 (c1, declined), o07 (c4, pending); sales o03 (c2, accepted); no channel o05 (c3, pending).
  const queries = [q(['Offers.channel']), q([])];
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(together[0] ?? [], 'Offers.channel'), [
    m('checkout', 1, 1, 0, 1, 1, 1, 1, 1),
    m('email', 3, 1, 1, 3, 3, 1, 1, 1),
    m('in_app', 2, 0, 1, 2, 2, 0, 0, 0),
    m('sales', 1, 1, 0, 1, 1, 1, 1, 1),
    m(null, 1, 0, 1, 1, 1, 0, 0, 0),
  ]);
  assert.deepEqual(moments(together[1] ?? [], null), TOTAL);
  assert.equal(spy.statements.length, 2);
  assert.ok(!spy.statements.some((s) => s.includes('uprate_sets')));
});

test('one query left for the rows is read on its own, not through the pass shared by several', async () => {
  // By size and a query filtered otherwise (not read with it): each alone, no shared pass.
  const email = [{ member: 'Offers.channel', operator: 'equals' as const, values: ['email'] }];
  const queries = [q(['Customers.accountSize']), { ...q(['Customers.accountSize']), filters: email }];
  const spy = counted(store);
  const answers = await answerClusteredSets(spy.store, model, queries, REQUEST, options);
  assert.deepEqual(moments(answers[0] ?? [], 'Customers.accountSize'), BY_SIZE);
  // Email at NOW: o01 (c1 smb, accepted), o04 (c2 mid_market, expired), o08 (c5, pending).
  assert.deepEqual(moments(answers[1] ?? [], 'Customers.accountSize'), [m('mid_market', 1, 0, 0, 1, 1, 0, 0, 0), m('smb', 1, 1, 0, 1, 1, 1, 1, 1), m(null, 1, 0, 1, 1, 1, 0, 0, 0)]);
  assert.equal(spy.statements.length, 2);
  assert.ok(!spy.statements.some((s) => s.includes('uprate_sets')), spy.statements.join('\n---\n'));
});

test('several groupings with two time dimensions share a pass, each time key its own column', async () => {
  // By month offered and month accepted (the column, whether or not it counts as accepted at NOW):
  //   Jan/Jan o01 (c1, accepted); Jan/Feb o03 (c2, accepted); Jan/none o02 (c1, declined);
  //   Feb/Apr o05 (c3, pending); Feb/none o04 (c2, expired); Mar/Mar o06 (c3, accepted); Mar/none o07 (c4), o08 (c5), both pending.
  const twoTimes = (dimensions: string[]): CubeQuery => ({
    ...q(dimensions),
    timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }, { dimension: 'Offers.acceptedAt', granularity: 'month' }],
  });
  const spy = counted(store);
  const together = await answerClusteredSets(spy.store, model, [twoTimes([]), twoTimes(['Customers.accountSize'])], { ...REQUEST, clustersFirst: 'always' }, options);
  const month = (v: unknown) => (v === null || v === undefined ? null : String(v).slice(0, 7));
  assert.deepEqual(
    together[0]?.map((r) => [month(r.data['Offers.offeredAt.month']), month(r.data['Offers.acceptedAt.month']), Number(r.data['Offers.count']), Number(r.data['Offers.accepted']), Number(r.data['Offers.pending']), r.clusters]),
    [
      ['2025-01', '2025-01', 1, 1, 0, 1],
      ['2025-01', '2025-02', 1, 1, 0, 1],
      ['2025-01', null, 1, 0, 0, 1],
      ['2025-02', '2025-04', 1, 0, 1, 1],
      ['2025-02', null, 1, 0, 0, 1],
      ['2025-03', '2025-03', 1, 1, 0, 1],
      ['2025-03', null, 2, 0, 2, 2],
    ],
  );
  // By size too: each of those groups has one account size but Mar/none (c4 enterprise, c5 none): 8 groups.
  assert.equal(together[1]?.length, 8);
  assert.equal(spy.statements.length, 1);
  assert.ok(spy.statements[0]?.includes('uprate_sets'));
});
