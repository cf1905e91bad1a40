/**
 * Clustered reads (cluster-moments.ts) served by a rollup by customer, on the hand-made offers, with every expected moment worked
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
import { after, before, describe, test } from 'node:test';
import { compileModel, loadModel, readModelSources, shippedModelDir, type Model } from '../model/index.js';
import type { DuckDbStore, Row } from '../store/index.js';
import { offersStore } from '../../test/fixtures/models/offers-data.js';
import { m, moments } from '../../test/cluster-moments-rows.js';
import { buildRollups } from '../rollups/index.js';
import { allAccess } from './access.js';
import { answerClustered, answerClusteredSets, type ClusterRequest } from './cluster-moments.js';
import type { CubeQuery } from './cube-query.js';

const MEASURES = ['Offers.count', 'Offers.accepted', 'Offers.pending'];
const REQUEST: ClusterRequest = {
  cluster: 'Offers.customerId',
  products: [['Offers.count', 'Offers.count'], ['Offers.accepted', 'Offers.accepted'], ['Offers.accepted', 'Offers.count']],
  positive: ['Offers.accepted'],
};

let model: Model;
before(async () => {
  model = await loadModel(shippedModelDir());
});


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

describe('read from the rollup by customer (Offers.perCustomer: count and accepted per customer and month, no pending)', () => {
  // Two more offers, unanswered: o09 (c1, 2025-04-10) and o10 (c3, 2025-04-12). The rollup serves
  // clocks from the data's last instant on (o05's acceptance, 2025-04-15). At 2025-04-20: accepted
  // o01, o03, o06 (o05's acceptance came after its window); pending o09 and o10 (windows open to
  // 05-10 and 05-12); o07 and o08 expired. Per customer n/k/p: c1 3/1/1, c2 2/1/0, c3 3/1/1, c4 1/0/0, c5 1/0/0.
  const LATER = { now: new Date('2025-04-20T00:00:00Z'), access: allAccess('local') };
  //   enterprise: c3 + c4 → n 4, k 1, p 1, 2 clusters, nn 9+1, kk 1, kn 3, pos 1
  //   mid_market: c2 → 2, 1, 0, 1, 4, 1, 2, 1;  smb: c1 → 3, 1, 1, 1, 9, 1, 3, 1;  NULL: c5 → 1, 0, 0, 1, 1, 0, 0, 0
  const LATER_BY_SIZE = [m('enterprise', 4, 1, 1, 2, 10, 1, 3, 1), m('mid_market', 2, 1, 0, 1, 4, 1, 2, 1), m('smb', 3, 1, 1, 1, 9, 1, 3, 1), m(null, 1, 0, 0, 1, 1, 0, 0, 0)];
  const months = (dimensions: string[], measures = MEASURES, page: { limit?: number; offset?: number } = {}): CubeQuery => ({
    measures,
    dimensions,
    timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-04-30'] }],
    ...page,
  });
  let built: DuckDbStore;
  before(async () => {
    built = await offersStore();
    await built.run(`INSERT INTO offers VALUES ('o09', 'c1', TIMESTAMP '2025-04-10 09:00:00', 'upsell', 'Pro Plan', 'email', NULL, NULL, NULL, NULL),
      ('o10', 'c3', TIMESTAMP '2025-04-12 09:00:00', 'cross_sell', 'Analytics', 'in_app', NULL, NULL, NULL, NULL)`);
    await buildRollups(built, model, ['Offers.perCustomer']);
  });
  after(() => built.close());
  const readsRollup = (sql: readonly string[]) => sql.some((s) => s.includes('uprate_rollup_offers_per_customer'));

  test('the stored measures from the rollup, pending read apart by the same groups: what the rows give', async () => {
    const spy = counted(built);
    const rows = await answerClustered(spy.store, model, months(['Customers.accountSize']), REQUEST, LATER);
    assert.deepEqual(moments(rows, 'Customers.accountSize'), LATER_BY_SIZE);
    assert.ok(readsRollup(spy.statements), spy.statements.join('\n---\n'));
    assert.equal(spy.statements.length, 2, 'the moments from the rollup, pending apart');
    // Never summed per customer first: the rows alone, the same answer.
    const never = counted(built);
    assert.deepEqual(await answerClustered(never.store, model, months(['Customers.accountSize']), { ...REQUEST, clustersFirst: 'never' }, LATER), rows);
    assert.ok(!readsRollup(never.statements));
  });

  test('only stored measures: one statement; a page of its groups', async () => {
    const stored = ['Offers.count', 'Offers.accepted'];
    const request: ClusterRequest = { cluster: 'Offers.customerId', products: [['Offers.count', 'Offers.count']] };
    const spy = counted(built);
    const rows = await answerClustered(spy.store, model, months(['Customers.accountSize'], stored, { limit: 2, offset: 1 }), request, LATER);
    assert.deepEqual(
      rows.map((r) => [r.data['Customers.accountSize'], r.data['Offers.count'], r.data['Offers.accepted'], r.clusters, r.products, r.positive]),
      [['mid_market', '2', '1', 1, [4], []], ['smb', '3', '1', 1, [9], []]],
    );
    assert.equal(spy.statements.length, 1);
    assert.ok(readsRollup(spy.statements));
  });

  test('months without offers: no groups from the rollup, and nothing read apart', async () => {
    const empty: CubeQuery = { ...months(['Customers.accountSize']), timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-01-01', '2024-03-31'] }] };
    const spy = counted(built);
    assert.deepEqual(await answerClustered(spy.store, model, empty, REQUEST, LATER), []);
    assert.equal(spy.statements.length, 1);
    assert.ok(readsRollup(spy.statements));
  });

  test('several reads at once: each the rollup serves is read from it, the same answers as the rows', async () => {
    const queries = [months(['Customers.accountSize']), months([])];
    const spy = counted(built);
    const together = await answerClusteredSets(spy.store, model, queries, REQUEST, LATER);
    assert.deepEqual(moments(together[0] ?? [], 'Customers.accountSize'), LATER_BY_SIZE);
    // Everything: 10 offers, 3 accepted, 2 pending, 5 customers, nn 9+4+9+1+1, kk 3, kn 3+2+3, 3 with an acceptance.
    assert.deepEqual(moments(together[1] ?? [], null), [m(null, 10, 3, 2, 5, 24, 3, 8, 3)]);
    assert.ok(readsRollup(spy.statements));
    assert.ok(!spy.statements.some((s) => s.includes('uprate_sets')), 'nothing left for a pass over the rows');
  });

  test('several reads at once, the first from the rollup: the others, filtered on an offer column it does not store, still share a pass', async () => {
    // Email offers at 2025-04-20: o01 (c1 smb, accepted), o04 (c2 mid_market, expired), o08 (c5, no customers row, expired),
    // o09 (c1 smb, pending). By size: mid_market c2 1/0/0; smb c1 2/1/1; NULL c5 1/0/0. In all: 4, 1, 1, 3 customers, nn 1+4+1, kk 1, kn 2, pos 1.
    const email = [{ member: 'Offers.channel', operator: 'equals' as const, values: ['email'] }];
    const queries = [months(['Customers.accountSize']), { ...months(['Customers.accountSize']), filters: email }, { ...months([]), filters: email }];
    const spy = counted(built);
    const together = await answerClusteredSets(spy.store, model, queries, REQUEST, LATER);
    assert.deepEqual(moments(together[0] ?? [], 'Customers.accountSize'), LATER_BY_SIZE);
    assert.deepEqual(moments(together[1] ?? [], 'Customers.accountSize'), [m('mid_market', 1, 0, 0, 1, 1, 0, 0, 0), m('smb', 2, 1, 1, 1, 4, 1, 2, 1), m(null, 1, 0, 0, 1, 1, 0, 0, 0)]);
    assert.deepEqual(moments(together[2] ?? [], null), [m(null, 4, 1, 1, 3, 6, 1, 2, 1)]);
    // The rollup's moments, pending read apart, then the two filtered reads in one pass.
    assert.equal(spy.statements.length, 3, spy.statements.join('\n---\n'));
    assert.ok(readsRollup(spy.statements.slice(0, 1)));
    assert.ok(spy.statements[2]?.includes('uprate_sets'));
  });
});

describe('a rollup by customer that does not store the revenue, built beside a rollup without clusters (Offers.daily)', () => {
  // The shipped model with perCustomer storing count and accepted only (the revenue is read apart), and one more
  // measure it does not store: `big`, the offers' whole revenue × 100000000000001 (sums past 2^53, as integers).
  let narrow: Model;
  let store: DuckDbStore;
  before(async () => {
    const sources = readModelSources(shippedModelDir()).map((src) =>
      src.file.endsWith('offers.js')
        ? {
            ...src,
            text: src.text
              .replace('clusteredBy: customerId,\n      measures: [count, accepted, expansionRevenue],', 'clusteredBy: customerId,\n      measures: [count, accepted],')
              .replace('  measures: {\n', '  measures: {\n    big: { type: \'sum\', sql: `CAST(${CUBE}.revenue AS BIGINT) * 100000000000001` },\n'),
          }
        : src,
    );
    const compiled = compileModel(sources);
    assert.ok(compiled.model, JSON.stringify(compiled.problems));
    narrow = compiled.model;
    assert.deepEqual(narrow.cubes.get('Offers')?.rollups.get('perCustomer')?.measures, ['Offers.count', 'Offers.accepted']);
    store = await offersStore();
    await buildRollups(store, narrow, ['Offers.perCustomer', 'Offers.daily']);
  });
  after(() => store.close());

  test('the revenue read apart as the rows give it (a decimal\'s text as a double\'s: "40", not "40.00"), the rest from the rollup', async () => {
    // At 2025-04-20 (after the data's last instant, o05's acceptance on 04-15, as the rollup needs) over January–March:
    // accepted o01 (c1 smb, 120.00), o03 (c2 mid_market, 300.00), o06 (c3 enterprise, 40.00); o05 (900.00) was
    // accepted after its window closed (03-30). c5 (no customers row) accepted nothing: NULL revenue.
    const query: CubeQuery = {
      measures: ['Offers.count', 'Offers.accepted', 'Offers.expansionRevenue'],
      dimensions: ['Customers.accountSize'],
      timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-03-31'] }],
    };
    const request: ClusterRequest = { cluster: 'Offers.customerId', products: [['Offers.count', 'Offers.count']], positive: ['Offers.accepted'] };
    const spy = counted(store);
    const rows = await answerClustered(spy.store, narrow, query, request, { now: new Date('2025-04-20T00:00:00Z'), access: allAccess('local') });
    assert.deepEqual(
      rows.map((r) => [r.data['Customers.accountSize'], r.data['Offers.count'], r.data['Offers.accepted'], r.data['Offers.expansionRevenue'], r.clusters]),
      [['enterprise', '3', '1', '40', 2], ['mid_market', '2', '1', '300', 1], ['smb', '2', '1', '120', 1], [null, '1', '0', null, 1]],
    );
    assert.equal(spy.statements.length, 2, 'the moments from the rollup, the revenue apart');
    assert.ok(spy.statements[0]?.includes('uprate_rollup_offers_per_customer'), spy.statements.join('\n---\n'));
  });

  test('a whole number read apart keeps every digit, as the rows give it (sums past 2^53 are not doubles)', async () => {
    // All offers January–March: eu c1 (o01 120.00, o02 none) and c4 (o07 none) → 120 × 100000000000001;
    // us c2 (o03 300.00, o04 none) and c3 (o05 900.00, o06 40.00) → 1240 × 100000000000001; c5 (o08 none) → NULL.
    const query: CubeQuery = {
      measures: ['Offers.count', 'Offers.big'],
      dimensions: ['Customers.region'],
      timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-03-31'] }],
    };
    const spy = counted(store);
    const rows = await answerClustered(spy.store, narrow, query, { cluster: 'Offers.customerId', products: [] }, { now: new Date('2025-04-20T00:00:00Z'), access: allAccess('local') });
    assert.deepEqual(
      rows.map((r) => [r.data['Customers.region'], r.data['Offers.count'], r.data['Offers.big']]),
      [['eu', '3', '12000000000000120'], ['us', '4', '124000000000001240'], [null, '1', null]],
    );
    assert.equal(spy.statements.length, 2, 'the moments from the rollup, big apart');
    assert.ok(spy.statements[0]?.includes('uprate_rollup_offers_per_customer'), spy.statements.join('\n---\n'));
  });
});
