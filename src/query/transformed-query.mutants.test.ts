/**
 * The transformed queries of /dry-run (transformed-query.ts) against Cube's own tables and rules:
 * the granularity hierarchies Cube 0.33 sends (`standardGranularitiesParents` in
 * packages/cubejs-schema-compiler/src/adapter/BaseQuery.js, the repeated `month` of `year`
 * included), its names of the measure types and the types it rolls up again (`sum`, `count`,
 * `countDistinctApprox`, `min`, `max`), and the pair order and single-value rules worked out by hand.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { compileModel, loadModel, shippedModelDir, type Model } from '../model/index.js';
import { duckdbDialect } from '../sql/index.js';
import { allAccess } from './access.js';
import { dryRun } from './index.js';
import { minGranularity, type TransformedQuery } from './transformed-query.js';

const NOW = new Date('2025-07-15T00:00:00Z');
let shipped: Model;
let typed: Model;

before(async () => {
  shipped = await loadModel(shippedModelDir());
  // One measure of every type the model language has, and time dimensions reached through other members.
  const { model, problems } = compileModel([
    {
      file: 'a.js',
      text: `cube('A', { sql_table: 'a',
        measures: {
          c: { type: 'count' },
          cd: { type: 'count_distinct', sql: \`\${CUBE}.id\` },
          cda: { type: 'count_distinct_approx', sql: \`\${CUBE}.id\` },
          s: { type: 'sum', sql: \`\${CUBE}.x\` },
          av: { type: 'avg', sql: \`\${CUBE}.x\` },
          mn: { type: 'min', sql: \`\${CUBE}.x\` },
          mx: { type: 'max', sql: \`\${CUBE}.x\` },
          num: { type: 'number', sql: \`\${s} / \${c}\` },
        },
        dimensions: {
          id: { sql: \`\${CUBE}.id\`, type: 'string', primary_key: true },
          x: { sql: \`\${CUBE}.x\`, type: 'number' },
          at: { sql: \`\${CUBE}.at\`, type: 'time' },
          at2: { sql: \`\${CUBE}.at2\`, type: 'time' },
          firstAt: { sql: \`LEAST(\${at}, \${at2})\`, type: 'time' },
        } });`,
    },
  ]);
  assert.ok(model, JSON.stringify(problems));
  typed = model;
});

const transformed = (model: Model, query: unknown): TransformedQuery => {
  const [t] = dryRun(model, query, { now: NOW, access: allAccess('local'), dialect: duckdbDialect })['transformedQueries'] as TransformedQuery[];
  assert.ok(t);
  return t;
};

test("granularityHierarchies: Cube 0.33's standardGranularitiesParents, every unit", () => {
  const t = transformed(shipped, { measures: ['Offers.count'] });
  assert.deepEqual(t.granularityHierarchies, {
    year: ['year', 'quarter', 'month', 'month', 'day', 'hour', 'minute', 'second'],
    quarter: ['quarter', 'month', 'day', 'hour', 'minute', 'second'],
    month: ['month', 'day', 'hour', 'minute', 'second'],
    week: ['week', 'day', 'hour', 'minute', 'second'],
    day: ['day', 'hour', 'minute', 'second'],
    hour: ['hour', 'minute', 'second'],
    minute: ['minute', 'second'],
    second: ['second'],
  });
});

test("minGranularity: a unit with itself is that unit; two units meet where Cube's reversed hierarchies part", () => {
  for (const g of ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second']) assert.equal(minGranularity(g, g), g);
  // Cube's rule on the reversed hierarchies: the unit before the first place they differ. year's list repeats
  // month, so year and quarter part at the sixth place (month against quarter) and meet at month, as in Cube 0.33.
  assert.equal(minGranularity('year', 'quarter'), 'month');
  // week and quarter part after day; week and hour after hour; minute and second after second.
  assert.equal(minGranularity('year', 'month'), 'month');
  assert.equal(minGranularity('quarter', 'week'), 'day');
  assert.equal(minGranularity('week', 'hour'), 'hour');
  assert.equal(minGranularity('minute', 'second'), 'second');
  assert.equal(minGranularity('second', 'year'), 'second');
  assert.equal(minGranularity('hour', 'minute'), 'minute');
});

test("measure types by Cube's names, and which ones Cube rolls up again (sum, count, countDistinctApprox, min, max)", () => {
  const t = transformed(typed, { measures: ['A.c', 'A.cd', 'A.cda', 'A.s', 'A.av', 'A.mn', 'A.mx', 'A.num'] });
  assert.deepEqual(t.measureToLeafMeasures, {
    'A.c': [{ measure: 'A.c', additive: true, type: 'count' }],
    'A.cd': [{ measure: 'A.cd', additive: false, type: 'countDistinct' }],
    'A.cda': [{ measure: 'A.cda', additive: true, type: 'countDistinctApprox' }],
    'A.s': [{ measure: 'A.s', additive: true, type: 'sum' }],
    'A.av': [{ measure: 'A.av', additive: false, type: 'avg' }],
    'A.mn': [{ measure: 'A.mn', additive: true, type: 'min' }],
    'A.mx': [{ measure: 'A.mx', additive: true, type: 'max' }],
    // num = s / c: its leaves are s and c.
    'A.num': [
      { measure: 'A.s', additive: true, type: 'sum' },
      { measure: 'A.c', additive: true, type: 'count' },
    ],
  });
  // The query as a whole: additive only when every measure is of an additive type; the leaves likewise.
  const additive = (measures: string[]) => {
    const x = transformed(typed, { measures });
    return [x.isAdditive, x.leafMeasureAdditive];
  };
  assert.deepEqual(additive(['A.c', 'A.cda', 'A.s', 'A.mn', 'A.mx']), [true, true]);
  assert.deepEqual(additive(['A.c', 'A.av']), [false, false]);
  assert.deepEqual(additive(['A.cd']), [false, false]);
  // A number measure is not additive itself, but its leaves (a sum and a count) are.
  assert.deepEqual(additive(['A.num']), [false, true]);
});

test('time dimension pairs sorted by member whatever order the query lists them in; one member twice keeps its order', () => {
  const tds = [
    { dimension: 'A.at2', granularity: 'day' },
    { dimension: 'A.at', granularity: 'month' },
    { dimension: 'A.firstAt', granularity: 'week' },
  ];
  for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]]) {
    const t = transformed(typed, { measures: ['A.c'], timeDimensions: order.map((i) => tds[i]) });
    assert.deepEqual(t.timeDimensions, [['A.at', 'month'], ['A.at2', 'day'], ['A.firstAt', 'week']], String(order));
    assert.deepEqual(t.sortedTimeDimensions, [['A.at', 'month'], ['A.at2', 'day'], ['A.firstAt', 'week']], String(order));
  }
  // One member twice (two granularities): kept in the query's order, as Cube's stable sortBy keeps them.
  for (const grains of [['month', 'day'], ['day', 'month']]) {
    const t = transformed(typed, { measures: ['A.c'], timeDimensions: grains.map((granularity) => ({ dimension: 'A.at', granularity })) });
    assert.deepEqual(t.timeDimensions, grains.map((g) => ['A.at', g]));
  }
});

test('a time dimension reaching two owned members keeps its own name; one reaching one takes that one', () => {
  // firstAt = LEAST(at, at2) reaches both: not owned by one member, kept as A.firstAt.
  const t = transformed(typed, { measures: ['A.c'], timeDimensions: [{ dimension: 'A.firstAt', granularity: 'day' }] });
  assert.deepEqual(t.ownedTimeDimensionsAsIs, [['A.firstAt', 'day']]);
  assert.deepEqual(t.ownedTimeDimensionsWithRollupGranularity, [['A.firstAt', 'day']]);
});

test('single-value equals: a selected dimension stays 1 under an equals of two values; an unselected one with two values, an or group, or another operator give null', () => {
  const single = (query: Record<string, unknown>) => transformed(shipped, { measures: ['Offers.count'], ...query }).filterDimensionsSingleValueEqual;
  const two = { member: 'Offers.channel', operator: 'equals', values: ['email', 'sales'] };
  // Selected: Cube counts it 1 and takes the smaller count.
  assert.deepEqual(single({ dimensions: ['Offers.channel'], filters: [two] }), { 'Offers.channel': 1 });
  // Not selected: two values → 2 → not single-valued.
  assert.equal(single({ filters: [two] }), null);
  // An and group of equals of one value each: its members counted.
  const one = (member: string, value: string) => ({ member, operator: 'equals', values: [value] });
  assert.deepEqual(single({ filters: [{ and: [one('Offers.channel', 'email'), one('Offers.offerType', 'upsell')] }] }), { 'Offers.channel': 1, 'Offers.offerType': 1 });
  // An and group holding an or group, or another operator: null.
  assert.equal(single({ filters: [{ and: [one('Offers.channel', 'email'), { or: [one('Offers.offerType', 'upsell'), one('Offers.offerType', 'cross_sell')] }] }] }), null);
  assert.equal(single({ filters: [{ and: [one('Offers.channel', 'email'), { member: 'Offers.offerType', operator: 'notEquals', values: ['upsell'] }] }] }), null);
  assert.equal(single({ filters: [{ or: [one('Offers.channel', 'email')] }] }), null);
  // No filters: the selected dimensions alone.
  assert.deepEqual(single({ dimensions: ['Offers.channel'] }), { 'Offers.channel': 1 });
});

test('filters within the selected dimensions, and time dimensions all with a granularity, over empty lists too', () => {
  const t = transformed(shipped, { measures: ['Offers.count'] });
  assert.equal(t.allFiltersWithinSelectedDimensions, true);
  assert.equal(t.hasNoTimeDimensionsWithoutGranularity, true);
  assert.deepEqual(t.sortedDimensions, []);
  assert.deepEqual(t.ownedDimensions, []);
  const u = transformed(shipped, {
    measures: ['Offers.count'],
    dimensions: ['Offers.channel'],
    filters: [{ or: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }] }],
  });
  // The or group's members count: offerType is not selected.
  assert.equal(u.allFiltersWithinSelectedDimensions, false);
  assert.deepEqual(u.sortedDimensions, ['Offers.channel', 'Offers.offerType']);
});
