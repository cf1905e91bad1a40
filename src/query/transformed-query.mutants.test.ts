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
import { granularityFor, minGranularity, type TransformedQuery } from './transformed-query.js';

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

test('single-value equals: a selected dimension stays 1 under an equals of two values; an unselected one with two values (alone or beside a selected one), an or group, or another operator give null', () => {
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
  // A selected dimension (1) beside an unselected one with two values (2): not every count is 1 → null.
  assert.equal(single({ dimensions: ['Offers.channel'], filters: [{ ...two, member: 'Offers.offerType', values: ['upsell', 'cross_sell'] }] }), null);
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

test('granularityFor: a wall time is midnight only when its hours, minutes, seconds and milliseconds are all 0; an hour start needs 0 seconds and milliseconds, a minute start 0 milliseconds', () => {
  const wall = (s: string) => Date.parse(`${s}Z`);
  // 2025-01-07 is a Tuesday (2025-01-01 was a Wednesday): at 00:00:00.000 it starts a day, not a week.
  assert.equal(granularityFor(wall('2025-01-07T00:00:00.000')), 'day');
  // Hour 0 but minutes, seconds or milliseconds left: not midnight; the finest part not 0 names the unit.
  assert.equal(granularityFor(wall('2025-01-07T00:30:00.000')), 'minute');
  assert.equal(granularityFor(wall('2025-01-07T00:00:10.000')), 'second');
  assert.equal(granularityFor(wall('2025-01-07T00:00:00.500')), 'second');
  // Minute 0 of hour 5 with seconds, or milliseconds, left: a second, not an hour.
  assert.equal(granularityFor(wall('2025-01-07T05:00:10.000')), 'second');
  assert.equal(granularityFor(wall('2025-01-07T05:00:00.500')), 'second');
  // Second 0 of 05:30 with milliseconds left: a second, not a minute.
  assert.equal(granularityFor(wall('2025-01-07T05:30:00.500')), 'second');
});

test('dimensions sorted by name whatever order the query lists them in; a member reached twice through other members is owned once, one whose SQL names nothing, or names its cube beside other members, is owned; a number measure aggregating inline is its own leaf, of type number', () => {
  const { model, problems } = compileModel([
    {
      file: 'b.js',
      text: `cube('B', { sql_table: 'b',
        measures: {
          c: { type: 'count' },
          inl: { type: 'number', sql: \`SUM(\${CUBE}.x) / COUNT(*)\` },
        },
        dimensions: {
          id: { sql: \`\${CUBE}.id\`, type: 'string', primary_key: true },
          x: { sql: \`\${CUBE}.x\`, type: 'number' },
          at: { sql: \`\${CUBE}.at\`, type: 'time' },
          d1: { sql: \`\${x} + 1\`, type: 'number' },
          d2: { sql: \`\${x} * 2\`, type: 'number' },
          both: { sql: \`\${d1} + \${d2}\`, type: 'number' },
          one: { sql: '1', type: 'number' },
          mixed: { sql: \`\${CUBE}.x + \${one}\`, type: 'number' },
        } });`,
    },
  ]);
  assert.ok(model, JSON.stringify(problems));
  // Listed x, at: by name at, x — in sortedDimensions and, both owned (${CUBE} columns), in ownedDimensions.
  const t = transformed(model, { measures: ['B.c'], dimensions: ['B.x', 'B.at'] });
  assert.deepEqual(t.sortedDimensions, ['B.at', 'B.x']);
  assert.deepEqual(t.ownedDimensions, ['B.at', 'B.x']);
  // both = d1 + d2, each computed from x: both, d1 and d2 refer to members only (not owned); x is
  // reached twice (through d1 and through d2) and owned: the one owned member is B.x, once.
  const u = transformed(model, { measures: ['B.c'], dimensions: ['B.both'] });
  assert.deepEqual(u.sortedDimensions, ['B.both']);
  assert.deepEqual(u.ownedDimensions, ['B.x']);
  // one is the constant 1: SQL naming nothing at all is the cube's own (Cube's ownedByCube: no references).
  assert.deepEqual(transformed(model, { measures: ['B.c'], dimensions: ['B.one'] }).ownedDimensions, ['B.one']);
  // mixed = ${CUBE}.x + ${one}: one column of its own cube is enough to be owned (some reference is the cube,
  // not every one); it reaches one, owned too: both listed.
  assert.deepEqual(transformed(model, { measures: ['B.c'], dimensions: ['B.mixed'] }).ownedDimensions, ['B.mixed', 'B.one']);
  // inl aggregates its columns itself (SUM, COUNT): not split into other measures, its leaf is itself,
  // Cube's type name for it is `number`, which Cube does not roll up again.
  const v = transformed(model, { measures: ['B.inl'] });
  assert.deepEqual(v.measureToLeafMeasures, { 'B.inl': [{ measure: 'B.inl', additive: false, type: 'number' }] });
  assert.deepEqual(v.leafMeasures, ['B.inl']);
});

test('a query without measures (dimensions only): no measures, no leaves, and additive (every measure of none is)', () => {
  // Cube's normalised query has no measures key then; the transformed query lists none.
  const t = transformed(shipped, { dimensions: ['Offers.channel'] });
  assert.deepEqual(t.measures, []);
  assert.deepEqual(t.leafMeasures, []);
  assert.deepEqual(t.measureToLeafMeasures, {});
  assert.equal(t.isAdditive, true);
  assert.equal(t.leafMeasureAdditive, true);
  assert.equal(t.hasMultipliedMeasures, false);
  assert.deepEqual(t.sortedDimensions, ['Offers.channel']);
});
