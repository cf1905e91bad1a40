/**
 * Summing per customer before joining customers (clusters-first.ts) and answering several
 * groupings from one pass (answerClusteredSets) must give exactly what the planner's one
 * statement per query gives. Every expectation here is plain SQL over the same rows (or the
 * other path of the code under test, for equality between paths), never the code under test alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import type { Row } from '../store/index.js';
import { DuckDbStore } from '../store/index.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { allAccess, tenantAccess, type Access } from './access.js';
import { answerClustered, answerClusteredSets, type ClusteredRow, type ClusterRequest, type ClustersFirst } from './cluster-moments.js';
import type { CubeFilter, CubeQuery } from './cube-query.js';

const MEASURES = ['Offers.count', 'Offers.accepted', 'Offers.pending'];
const REQUEST: ClusterRequest = {
  cluster: 'Offers.customerId',
  products: [['Offers.count', 'Offers.count'], ['Offers.accepted', 'Offers.accepted'], ['Offers.accepted', 'Offers.count']],
  positive: ['Offers.accepted'],
};
const MODES: readonly ClustersFirst[] = ['auto', 'always', 'never'];

let model: Model;
before(async () => {
  model = await loadModel(shippedModelDir());
});

/** A store whose statements over the data are recorded (not the look for built rollups a read makes first). */
function recorded(store: DuckDbStore): { store: DuckDbStore; statements: string[] } {
  const statements: string[] = [];
  const query = store.query.bind(store);
  const spied = Object.create(store) as DuckDbStore;
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    if (!/information_schema|uprate_rollups|uprate_loads/.test(sql)) statements.push(sql);
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return { store: spied, statements };
}

/** The clustered moments of one grouping by plain SQL: per (group, customer) counts, then per group. */
async function plainMoments(store: DuckDbStore, now: Date, group: string, where = 'TRUE'): Promise<Record<string, unknown>[]> {
  const t = `TIMESTAMP '${now.toISOString().slice(0, 19).replace('T', ' ')}'`;
  const ok = `o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= ${t}`;
  const pending = `NOT (${ok}) AND NOT (o.declined_at IS NOT NULL AND o.declined_at <= ${t}) AND o.offered_at + INTERVAL 30 DAY > ${t}`;
  return store.query(`
    WITH per AS (
      SELECT ${group} AS g, o.customer_id, count(*) AS n, count(*) FILTER (WHERE ${ok}) AS k, count(*) FILTER (WHERE ${pending}) AS p
      FROM offers o LEFT JOIN customers c ON o.customer_id = c.customer_id
      WHERE ${where}
      GROUP BY 1, 2)
    SELECT g, sum(n)::BIGINT AS n, sum(k)::BIGINT AS k, sum(p)::BIGINT AS p, count(*)::BIGINT AS clusters,
      sum(n * n)::BIGINT AS nn, sum(k * k)::BIGINT AS kk, sum(k * n)::BIGINT AS kn, (count(*) FILTER (WHERE k > 0))::BIGINT AS pos
    FROM per GROUP BY 1 ORDER BY 1 NULLS LAST`);
}

/** An answer's numbers in the shape of {@link plainMoments}. */
function numbers(rows: readonly ClusteredRow[], dimension: string | null): Record<string, unknown>[] {
  return rows.map((r) => ({
    g: dimension === null ? null : r.data[dimension],
    n: Number(r.data['Offers.count']),
    k: Number(r.data['Offers.accepted']),
    p: Number(r.data['Offers.pending']),
    clusters: r.clusters,
    nn: r.products[0],
    kk: r.products[1],
    kn: r.products[2],
    pos: r.positive[0],
  }));
}

const expected = (rows: readonly Record<string, unknown>[]): Record<string, unknown>[] =>
  rows.map((r) => ({ g: r['g'] ?? null, ...Object.fromEntries(['n', 'k', 'p', 'clusters', 'nn', 'kk', 'kn', 'pos'].map((k) => [k, Number(r[k])])) }));

async function eachMode(store: DuckDbStore, query: CubeQuery, options: { now?: Date; access?: Access } = {}) {
  const out: Record<string, { rows: ClusteredRow[]; sql: string[] }> = {};
  for (const mode of MODES) {
    const spy = recorded(store);
    const rows = await answerClustered(spy.store, model, query, { ...REQUEST, clustersFirst: mode }, { now: options.now ?? NOW, access: options.access ?? allAccess('local') });
    out[mode] = { rows, sql: spy.statements };
  }
  return out as Record<ClustersFirst, { rows: ClusteredRow[]; sql: string[] }>;
}

const summedFirst = (sql: readonly string[]) => sql.some((s) => s.includes('uprate_part_'));

describe('clusters first on the hand-made offers (customer c5 is not in customers; c4 has no engagement score)', () => {
  let store: DuckDbStore;
  before(async () => {
    store = await offersStore();
  });
  after(() => store.close());

  test('by a customer attribute: summed per customer before the join, the moments of plain SQL (missing customer in the NULL group)', async () => {
    const runs = await eachMode(store, { measures: MEASURES, dimensions: ['Customers.accountSize'] });
    const plain = expected(await plainMoments(store, NOW, 'c.account_size'));
    assert.deepEqual(plain.at(-1), { g: null, n: 1, k: 0, p: 1, clusters: 1, nn: 1, kk: 0, kn: 0, pos: 0 }, 'c5 (offer o08, pending) counts under NULL');
    for (const mode of MODES) assert.deepEqual(numbers(runs[mode].rows, 'Customers.accountSize'), plain, mode);
    assert.ok(summedFirst(runs.auto.sql), 'auto sums per customer first');
    assert.ok(!summedFirst(runs.never.sql));
    assert.deepEqual(runs.auto.rows, runs.never.rows, 'the same answer, values and order');
  });

  test('a NULL attribute and a missing customer share the NULL group (engagement tier)', async () => {
    const tier = `CASE WHEN c.engagement_score IS NULL THEN NULL WHEN c.engagement_score < 40 THEN 'low' WHEN c.engagement_score < 70 THEN 'medium' ELSE 'high' END`;
    const runs = await eachMode(store, { measures: MEASURES, dimensions: ['Customers.engagementTier'] });
    const plain = expected(await plainMoments(store, NOW, tier));
    assert.equal(plain.at(-1)?.['clusters'], 2, 'c4 (no score) and c5 (no row)');
    for (const mode of MODES) assert.deepEqual(numbers(runs[mode].rows, 'Customers.engagementTier'), plain, mode);
  });

  test('a tenant filter on a customer member (notEquals keeps the customer without a row): exact either way, the planner statement under auto', async () => {
    const access = tenantAccess([{ member: 'Customers.region', operator: 'notEquals', values: ['us'] }]);
    const runs = await eachMode(store, { measures: MEASURES, dimensions: ['Customers.accountSize'] }, { access });
    const plain = expected(await plainMoments(store, NOW, 'c.account_size', `(c.region <> 'us' OR c.region IS NULL)`));
    assert.deepEqual(plain.map((r) => r.g), ['enterprise', 'smb', null], 'c1 (eu), c4 (eu), c5 (no row)');
    for (const mode of MODES) assert.deepEqual(numbers(runs[mode].rows, 'Customers.accountSize'), plain, mode);
    assert.ok(!summedFirst(runs.auto.sql), 'a filter on customers: the engine shrinks the join first');
    assert.ok(summedFirst(runs.always.sql));
  });

  test('a filter on a customer member that drops customers without a row (equals)', async () => {
    const filters: CubeFilter[] = [{ member: 'Customers.plan', operator: 'equals', values: ['ent'] }];
    const runs = await eachMode(store, { measures: MEASURES, dimensions: [], filters });
    const plain = expected(await plainMoments(store, NOW, 'NULL', `c.plan = 'ent'`));
    for (const mode of MODES) assert.deepEqual(numbers(runs[mode].rows, null), plain, mode);
  });

  test('a clock in the past: acceptances and pending judged then, later offers left out', async () => {
    const then = new Date('2025-02-15T00:00:00Z');
    const filters: CubeFilter[] = [{ member: 'Offers.offeredAt', operator: 'beforeOrOnDate', values: ['2025-02-15T00:00:00.000'] }];
    const runs = await eachMode(store, { measures: MEASURES, dimensions: ['Customers.industry'], filters }, { now: then });
    const plain = expected(await plainMoments(store, then, 'c.industry', `o.offered_at <= TIMESTAMP '2025-02-15 00:00:00'`));
    assert.equal(plain.reduce((s, r) => s + Number(r['n']), 0), 4);
    for (const mode of MODES) assert.deepEqual(numbers(runs[mode].rows, 'Customers.industry'), plain, mode);
  });

  test('an offer dimension beside a customer attribute: the planner statement under auto, exact when forced', async () => {
    const runs = await eachMode(store, { measures: MEASURES, dimensions: ['Customers.accountSize', 'Offers.channel'] });
    assert.ok(!summedFirst(runs.auto.sql));
    assert.deepEqual(runs.always.rows, runs.never.rows);
  });
});

describe('clusters first with duplicate customer keys', () => {
  test('a customer listed twice is counted as the join counts it, on both paths', async () => {
    const store = await offersStore();
    try {
      await store.run(`INSERT INTO customers VALUES ('c1', 'enterprise', 'onboarding', 35, 'saas', 'eu', 'pro', 100)`);
      const runs = await eachMode(store, { measures: MEASURES, dimensions: ['Customers.accountSize'] });
      const plain = expected(await plainMoments(store, NOW, 'c.account_size'));
      for (const mode of MODES) assert.deepEqual(numbers(runs[mode].rows, 'Customers.accountSize'), plain, mode);
      const total = await eachMode(store, { measures: MEASURES, dimensions: [], filters: [{ member: 'Customers.region', operator: 'set' }] });
      assert.deepEqual(total.always.rows, total.never.rows);
    } finally {
      await store.close();
    }
  });
});

describe('several groupings from one pass', () => {
  let store: DuckDbStore;
  before(async () => {
    store = await DuckDbStore.open(':memory:');
    await generateDemo(store, { rows: 6_000, seed: 11, end: new Date('2025-06-30T12:00:00Z') });
    // Edge cases in the demo: customers without a row, attributes not set.
    await store.run(`DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM customers ORDER BY customer_id LIMIT 25)`);
    await store.run(`UPDATE customers SET account_size = NULL, engagement_score = NULL WHERE customer_id IN (SELECT customer_id FROM customers ORDER BY customer_id DESC LIMIT 40)`);
  });
  after(() => store.close());

  const now = new Date('2025-06-30T12:00:00Z');
  const base = (dimensions: string[], limit?: number): CubeQuery => ({
    measures: MEASURES,
    dimensions,
    timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-07-01', '2025-06-30'] }],
    filters: [{ member: 'Offers.offeredAt', operator: 'beforeOrOnDate', values: ['2025-06-30T12:00:00.000'] }],
    order: [],
    ...(limit === undefined ? {} : { limit }),
  });
  const separately = async (queries: readonly CubeQuery[], options: { access?: Access } = {}) => {
    const out: ClusteredRow[][] = [];
    for (const q of queries) out.push(await answerClustered(store, model, q, { ...REQUEST, clustersFirst: 'never' }, { now, access: options.access ?? allAccess('local') }));
    return out;
  };

  test('the total and customer attributes in one statement, an offer dimension on its own: what each query gives alone', async () => {
    const queries = [base([]), base(['Customers.accountSize']), base(['Customers.engagementTier']), base(['Customers.industry', 'Customers.region']), base(['Offers.channel']), base(['Customers.plan'], 5001)];
    const spy = recorded(store);
    const together = await answerClusteredSets(spy.store, model, queries, REQUEST, { now, access: allAccess('local') });
    assert.equal(spy.statements.length, 2, 'one pass for the total and the attributes, one for the channel');
    assert.ok(spy.statements[0]?.includes('uprate_sets'));
    assert.deepEqual(together, await separately(queries));
    // And against plain SQL for one of them.
    const plain = expected(await plainMoments(store, now, 'c.account_size', `o.offered_at >= TIMESTAMP '2024-07-01' AND o.offered_at <= TIMESTAMP '2025-06-30 12:00:00'`));
    assert.equal(plain.at(-1)?.['g'], null, 'customers without a row or a size');
    assert.deepEqual(numbers(together[1] ?? [], 'Customers.accountSize'), plain);
  });

  test('limits cut in one statement are asked again: every query still gets its own first rows', async () => {
    const queries = [base(['Customers.accountSize'], 2), base(['Customers.lifecycleStage'], 1), base(['Customers.region'], 3), base([], 1)];
    const spy = recorded(store);
    const together = await answerClusteredSets(spy.store, model, queries, REQUEST, { now, access: allAccess('local') });
    assert.deepEqual(together, await separately(queries));
    assert.ok(spy.statements.length >= 2, 'the sets after the cut are read again');
  });

  test('dimensions in another order than the union are read on their own; under a tenant filter on customers the planner statement serves the total and an attribute at once', async () => {
    const queries = [base(['Customers.accountSize', 'Customers.region']), base(['Customers.region', 'Customers.accountSize'])];
    assert.deepEqual(await answerClusteredSets(store, model, queries, REQUEST, { now, access: allAccess('local') }), await separately(queries));
    const access = tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['apac'] }]);
    const spy = recorded(store);
    const tenant = [base([]), base(['Customers.accountSize'])];
    assert.deepEqual(await answerClusteredSets(spy.store, model, tenant, REQUEST, { now, access }), await separately(tenant, { access }));
    assert.equal(spy.statements.length, 1, spy.statements.join('\n\n'));
    assert.ok(spy.statements[0]?.includes('uprate_sets'));
    assert.ok(Number((await separately([base([])], { access }))[0]?.[0]?.data['Offers.count']) > 100, 'the tenant has offers');
  });

  test('under a filter on a customer attribute: the attributes in one statement (joined before it groups), an offer dimension on its own', async () => {
    const filtered = (dimensions: string[], limit?: number): CubeQuery => {
      const q = base(dimensions, limit);
      return { ...q, filters: [...(q.filters ?? []), { member: 'Customers.accountSize', operator: 'equals', values: ['enterprise', 'mid_market'] }, { member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }] };
    };
    const queries = [filtered([]), filtered(['Customers.lifecycleStage']), filtered(['Customers.engagementTier']), filtered(['Offers.channel']), filtered(['Customers.region', 'Customers.plan']), filtered(['Customers.industry'], 3)];
    const spy = recorded(store);
    const together = await answerClusteredSets(spy.store, model, queries, REQUEST, { now, access: allAccess('local') });
    assert.equal(spy.statements.length, 2, 'one pass for the total and the attributes, one for the channel');
    assert.ok(spy.statements[0]?.includes('uprate_sets'));
    assert.deepEqual(together, await separately(queries));
    // Against plain SQL: customers without a row or an account size are out (the filter keeps two sizes).
    const where = `o.offered_at >= TIMESTAMP '2024-07-01' AND o.offered_at <= TIMESTAMP '2025-06-30 12:00:00' AND c.account_size IN ('enterprise', 'mid_market') AND o.offer_type = 'upsell'`;
    assert.deepEqual(numbers(together[1] ?? [], 'Customers.lifecycleStage'), expected(await plainMoments(store, now, 'c.lifecycle_stage', where)));
    assert.equal(together[5]?.length, 3);
  });

  test('no offers at all: the total is one row of zeros, as its own statement gives it', async () => {
    const empty = (dimensions: string[]): CubeQuery => ({ ...base(dimensions), timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2010-01-01', '2010-12-31'] }] });
    const queries = [empty([]), empty(['Customers.accountSize'])];
    const together = await answerClusteredSets(store, model, queries, REQUEST, { now, access: allAccess('local') });
    assert.deepEqual(together, await separately(queries));
    assert.equal(together[0]?.length, 1);
    assert.equal(together[1]?.length, 0);
  });
});
