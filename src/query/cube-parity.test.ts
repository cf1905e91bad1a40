import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileModel, loadModel, shippedModelDir, type Model } from '../model/index.js';
import { duckdbDialect } from '../sql/index.js';
import { DuckDbStore } from '../store/index.js';
import { allAccess, tenantAccess } from './access.js';
import { answerQuery, dryRun } from './index.js';
import { granularityFor, minGranularity, rollupGranularity, type TransformedQuery } from './transformed-query.js';

// Cube parity of the query layer: exact decimals on DuckDB, and the transformed queries of
// /dry-run. Expected values come from plain SQL or are worked out by hand from the model files.

const NOW = new Date('2025-07-15T00:00:00Z');
const wall = (s: string) => Date.parse(`${s}Z`);
let shipped: Model;

before(async () => {
  shipped = await loadModel(shippedModelDir());
});

describe('exact decimals (DuckDB)', () => {
  let store: DuckDbStore;
  before(async () => {
    store = await DuckDbStore.open(':memory:');
    // DECIMAL(18, 2) revenues whose sum has more digits than a double keeps: 1234567890123457.79.
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, revenue) VALUES
      ('a', 'c1', TIMESTAMP '2025-06-01', 'upsell', 'Pro', TIMESTAMP '2025-06-02', 1234567890123456.78),
      ('b', 'c1', TIMESTAMP '2025-06-03', 'upsell', 'Pro', TIMESTAMP '2025-06-04', 1.01),
      ('c', 'c2', TIMESTAMP '2025-06-05', 'upsell', 'Pro', NULL, NULL)`);
  });
  after(() => store.close());

  test('a DECIMAL measure keeps the engine digits; a DOUBLE keeps its usual text', async () => {
    const { results } = await answerQuery(store, shipped, { measures: ['Offers.expansionRevenue', 'Offers.conversionRate'] }, { now: NOW, access: allAccess('local') });
    const [row] = results[0]?.data ?? [];
    const [expected] = await store.query<{ rev: string; rate: number }>(
      'SELECT sum(revenue)::VARCHAR AS rev, (count(accepted_at) * 1.0 / count(*))::DOUBLE AS rate FROM offers',
    );
    assert.equal(expected?.rev, '1234567890123457.79');
    assert.equal(row?.['Offers.expansionRevenue'], expected?.rev);
    assert.notEqual(String(Number(expected?.rev)), expected?.rev, 'the double would have lost digits');
    // 2 accepted of 3: DuckDB divides in DOUBLE, sent as JavaScript prints it (as before).
    assert.equal(row?.['Offers.conversionRate'], String(expected?.rate));
    assert.equal(row?.['Offers.conversionRate'], '0.6666666666666666');
  });

  test('the store returns DECIMAL as text only when asked', async () => {
    const [asked] = await store.query('SELECT 1.50::DECIMAL(18, 2) AS d, 0.5::DOUBLE AS f, 7::BIGINT AS n', [], { exactDecimals: true });
    assert.deepEqual(asked, { d: '1.50', f: 0.5, n: 7n });
    const [plain] = await store.query('SELECT 1.50::DECIMAL(18, 2) AS d');
    assert.deepEqual(plain, { d: 1.5 });
  });
});

describe('granularities as Cube derives them', () => {
  test('granularityFor: the coarsest unit a wall time starts', () => {
    assert.equal(granularityFor(wall('2025-01-01T00:00:00.000')), 'year');
    assert.equal(granularityFor(wall('2025-04-01T00:00:00.000')), 'month');
    assert.equal(granularityFor(wall('2025-01-06T00:00:00.000')), 'week'); // a Monday
    assert.equal(granularityFor(wall('2025-01-07T00:00:00.000')), 'day');
    assert.equal(granularityFor(wall('2025-01-07T05:00:00.000')), 'hour');
    assert.equal(granularityFor(wall('2025-01-07T05:30:00.000')), 'minute');
    assert.equal(granularityFor(wall('2025-01-07T05:30:10.000')), 'second');
    assert.equal(granularityFor(wall('2025-01-07T05:30:10.500')), 'second');
  });

  test('minGranularity: the finest unit both contain', () => {
    assert.equal(minGranularity('year', 'month'), 'month');
    assert.equal(minGranularity('month', 'week'), 'day');
    assert.equal(minGranularity('year', 'week'), 'day');
    assert.equal(minGranularity('quarter', 'month'), 'month');
    assert.equal(minGranularity('day', 'hour'), 'hour');
    assert.equal(minGranularity(null, 'week'), 'week');
    assert.equal(minGranularity('week', undefined), 'week');
    assert.equal(minGranularity(null, null), null);
  });

  test('rollupGranularity: granularity and date range together', () => {
    // A whole year; Monday to Sunday; a month with a day grain; no range.
    assert.equal(rollupGranularity({ dimension: 'A.t', dateRange: ['2025-01-01T00:00:00.000', '2025-12-31T23:59:59.999'] }), 'year');
    assert.equal(rollupGranularity({ dimension: 'A.t', granularity: 'month', dateRange: ['2025-01-06T00:00:00.000', '2025-01-12T23:59:59.999'] }), 'day');
    assert.equal(rollupGranularity({ dimension: 'A.t', granularity: 'day', dateRange: ['2025-02-01T00:00:00.000', '2025-02-28T23:59:59.999'] }), 'day');
    assert.equal(rollupGranularity({ dimension: 'A.t', granularity: 'quarter' }), 'quarter');
    assert.equal(rollupGranularity({ dimension: 'A.t' }), null);
  });
});

describe('dry-run transformed queries', () => {
  const transformed = (model: Model, query: unknown, access = allAccess('local')): TransformedQuery[] =>
    dryRun(model, query, { now: NOW, access, dialect: duckdbDialect })['transformedQueries'] as TransformedQuery[];

  test('one cube: leaves, additivity, single-value filters, the rollup granularity', () => {
    const [t] = transformed(shipped, {
      measures: ['Offers.conversionRate', 'Offers.customersOffered'],
      dimensions: ['Offers.channel'],
      segments: ['Offers.upsells'],
      filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }],
      timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-06', '2025-01-12'] }],
    });
    assert.ok(t);
    // model/offers.js: conversionRate = accepted (count) / count (count); customersOffered is a count_distinct.
    assert.deepEqual(t.sortedDimensions, ['Offers.channel', 'Offers.offerType', 'Offers.upsells']);
    assert.deepEqual(t.measures, ['Offers.conversionRate', 'Offers.customersOffered']);
    assert.deepEqual(t.leafMeasures, ['Offers.accepted', 'Offers.count', 'Offers.customersOffered']);
    assert.deepEqual(t.measureToLeafMeasures, {
      'Offers.conversionRate': [
        { measure: 'Offers.accepted', additive: true, type: 'count' },
        { measure: 'Offers.count', additive: true, type: 'count' },
      ],
      'Offers.customersOffered': [{ measure: 'Offers.customersOffered', additive: false, type: 'countDistinct' }],
    });
    assert.equal(t.leafMeasureAdditive, false);
    assert.equal(t.isAdditive, false);
    // Monday 6 to Sunday 12 January is a week; with a month grain the finest unit both contain is the day.
    assert.deepEqual(t.sortedTimeDimensions, [['Offers.offeredAt', 'day']]);
    assert.deepEqual(t.timeDimensions, [['Offers.offeredAt', 'month']]);
    assert.deepEqual(t.ownedTimeDimensionsWithRollupGranularity, [['Offers.offeredAt', 'day']]);
    assert.deepEqual(t.ownedTimeDimensionsAsIs, [['Offers.offeredAt', 'month']]);
    assert.equal(t.hasNoTimeDimensionsWithoutGranularity, true);
    assert.equal(t.allFiltersWithinSelectedDimensions, false);
    assert.deepEqual(t.filterDimensionsSingleValueEqual, { 'Offers.channel': 1, 'Offers.upsells': 1, 'Offers.offerType': 1 });
    assert.equal(t.hasMultipliedMeasures, false);
    assert.equal(t.hasCumulativeMeasures, false);
    assert.equal(t.windowGranularity, null);
    assert.deepEqual(t.ownedDimensions, ['Offers.channel', 'Offers.offerType', 'Offers.upsells']);
    assert.deepEqual(t.granularityHierarchies['week'], ['week', 'day', 'hour', 'minute', 'second']);
  });

  test('a join that repeats Customers rows, a range without grain, a filter that is not equals', () => {
    const [t] = transformed(shipped, {
      measures: ['Customers.count', 'Offers.count'],
      dimensions: ['Customers.region'],
      filters: [{ member: 'Offers.channel', operator: 'notEquals', values: ['email'] }],
      timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-12-31'] }],
    });
    assert.ok(t);
    // Offers → Customers is many_to_one: each customer row repeats once per offer.
    assert.equal(t.hasMultipliedMeasures, true);
    assert.equal(t.isAdditive, true);
    assert.equal(t.leafMeasureAdditive, true);
    assert.deepEqual(t.sortedTimeDimensions, [['Offers.offeredAt', 'year']]);
    assert.deepEqual(t.timeDimensions, [['Offers.offeredAt', null]]);
    assert.equal(t.hasNoTimeDimensionsWithoutGranularity, false);
    assert.equal(t.filterDimensionsSingleValueEqual, null);
    assert.deepEqual(t.sortedDimensions, ['Customers.region', 'Offers.channel']);
  });

  test('filters on measures count as measures; security filters as filters', () => {
    const [t] = transformed(
      shipped,
      { measures: ['Offers.count'], dimensions: ['Customers.region'], filters: [{ member: 'Offers.expansionRevenue', operator: 'gt', values: ['0'] }] },
      tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['emea'] }]),
    );
    assert.ok(t);
    assert.deepEqual(t.measures, ['Offers.count', 'Offers.expansionRevenue']);
    assert.deepEqual(t.sortedDimensions, ['Customers.region']);
    assert.equal(t.allFiltersWithinSelectedDimensions, true);
    assert.deepEqual(t.filterDimensionsSingleValueEqual, { 'Customers.region': 1 });
  });

  test('members defined from other members belong to the cube of what they reach', () => {
    const { model, problems } = compileModel([
      {
        file: 'a.js',
        text: `cube('A', { sql_table: 'a',
          measures: { n: { type: 'count' } },
          dimensions: {
            id: { sql: \`\${CUBE}.id\`, type: 'string', primary_key: true },
            region: { sql: \`\${CUBE}.region\`, type: 'string' },
            regionLabel: { sql: \`upper(\${region})\`, type: 'string' },
            at: { sql: \`\${CUBE}.at\`, type: 'time' },
            atAlias: { sql: \`\${at}\`, type: 'time' },
          } });`,
      },
    ]);
    assert.ok(model, JSON.stringify(problems));
    const [t] = transformed(model, { measures: ['A.n'], dimensions: ['A.regionLabel'], timeDimensions: [{ dimension: 'A.atAlias', granularity: 'day' }] });
    assert.ok(t);
    assert.deepEqual(t.ownedDimensions, ['A.region']);
    assert.deepEqual(t.ownedTimeDimensionsAsIs, [['A.at', 'day']]);
    assert.deepEqual(t.timeDimensions, [['A.atAlias', 'day']]);
  });

  test('one transformed query per compared range', () => {
    const answer = dryRun(
      shipped,
      { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', compareDateRange: [['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28']] }] },
      { now: NOW, access: allAccess('local'), dialect: duckdbDialect },
    );
    assert.equal(answer['queryType'], 'compareDateRangeQuery');
    assert.deepEqual(Object.keys(answer), ['queryType', 'normalizedQueries', 'queryOrder', 'transformedQueries', 'pivotQuery']);
    const ts = answer['transformedQueries'] as TransformedQuery[];
    assert.deepEqual(ts.map((t) => t.sortedTimeDimensions), [[['Offers.offeredAt', 'day']], [['Offers.offeredAt', 'day']]]);
  });
});
