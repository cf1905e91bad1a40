import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModel, formatProblems, type ModelProblem } from './index.js';

/**
 * Rollups (Cube's preAggregations) are checked when the model compiles: a rollup that could not
 * answer exactly — a ratio or a distinct count stored, a dimension that repeats or moves with the
 * clock — is an error naming the rollup and the fix, never a silently wrong answer later.
 */
const offers = (rollup: string, extra = '') => `
cube('Offers', {
  sql_table: 'offers',
  joins: { Customers: { relationship: 'many_to_one', sql: \`\${CUBE}.customer_id = \${Customers}.customer_id\` }, Events: { relationship: 'one_to_many', sql: \`\${CUBE}.offer_id = \${Events}.offer_id\` } },
  measures: {
    count: { type: 'count' },
    accepted: { type: 'count', filters: [{ sql: \`\${CUBE}.accepted_at <= \${uprate.now()}\` }] },
    revenue: { type: 'sum', sql: \`\${CUBE}.revenue\` },
    rate: { type: 'number', sql: \`\${accepted} * 1.0 / NULLIF(\${count}, 0)\` },
    customers: { type: 'count_distinct', sql: \`\${CUBE}.customer_id\` },
    avgRevenue: { type: 'avg', sql: \`\${CUBE}.revenue\` },
  },
  dimensions: {
    id: { sql: \`\${CUBE}.offer_id\`, type: 'string', primary_key: true },
    channel: { sql: \`\${CUBE}.channel\`, type: 'string' },
    offeredAt: { sql: \`\${CUBE}.offered_at\`, type: 'time' },
    open: { sql: \`\${CUBE}.offered_at > \${uprate.now()}\`, type: 'boolean' },
    acceptedByNow: { sql: \`CASE WHEN \${CUBE}.accepted_at <= \${uprate.now()} THEN 'yes' ELSE 'no' END\`, type: 'string' },
  },
  preAggregations: { ${rollup} },
  ${extra}
});
cube('Customers', { sql_table: 'customers', dimensions: { customerId: { sql: \`\${CUBE}.customer_id\`, type: 'string', primary_key: true }, size: { sql: \`\${CUBE}.size\`, type: 'string' } } });
cube('Events', { sql_table: 'events', dimensions: { id: { sql: \`\${CUBE}.event_id\`, type: 'string', primary_key: true }, kind: { sql: \`\${CUBE}.kind\`, type: 'string' } } });
`;

const compile = (text: string, file = 'offers.js') => compileModel([{ file, text }]);
const errors = (text: string): ModelProblem[] => compile(text).problems.filter((p) => p.severity === 'error');
const only = (text: string, pattern: RegExp): ModelProblem => {
  const all = errors(text);
  assert.equal(all.length, 1, formatProblems(all));
  const [p] = all;
  assert.ok(p && pattern.test(p.message), `${p?.message ?? 'no problem'} does not match ${pattern}`);
  return p;
};

const daily = (body: string) => `daily: { type: 'rollup', timeDimension: offeredAt, granularity: 'day', ${body} }`;

test('a valid rollup compiles, with its members as paths and a month partition by default', () => {
  const { model, problems } = compile(offers(daily('measures: [count, accepted, revenue], dimensions: [channel, Customers.size], settledAfterDays: 30')));
  assert.deepEqual(problems, []);
  const r = model?.cubes.get('Offers')?.rollups.get('daily');
  assert.deepEqual(
    { measures: r?.measures, dimensions: r?.dimensions, time: r?.timeDimension, granularity: r?.granularity, partition: r?.partitionGranularity, settled: r?.settledAfterDays },
    { measures: ['Offers.count', 'Offers.accepted', 'Offers.revenue'], dimensions: ['Offers.channel', 'Customers.size'], time: 'Offers.offeredAt', granularity: 'day', partition: 'month', settled: 30 },
  );
});

/** A YAML model's cube of offers, its pre-aggregations to follow. */
const YAML_OFFERS = `cubes:
  - name: Offers
    sql_table: offers
    measures:
      - name: count
        type: count
    dimensions:
      - name: id
        sql: offer_id
        type: string
        primary_key: true
      - name: channel
        sql: channel
        type: string
      - name: offered_at
        sql: offered_at
        type: time
    pre_aggregations:
`;

test("YAML's list of named pre-aggregations, with names for members", () => {
  const yaml = `${YAML_OFFERS}      - name: daily
        type: rollup
        measures: [CUBE.count]
        dimensions: [channel]
        time_dimension: offered_at
        granularity: week
        partition_granularity: week
`;
  const { model, problems } = compile(yaml, 'offers.yml');
  assert.deepEqual(problems, []);
  const r = model?.cubes.get('Offers')?.rollups.get('daily');
  assert.deepEqual([r?.measures, r?.dimensions, r?.timeDimension, r?.granularity], [['Offers.count'], ['Offers.channel'], 'Offers.offered_at', 'week']);
});

test('a ratio, an average or an estimated distinct count cannot be stored; the fix says what to list', () => {
  assert.match(only(offers(daily('measures: [rate], settledAfterDays: 30')), /Offers\.rate is a number measure/).fix ?? '', /measures it is computed from/);
  assert.match(only(offers(daily('measures: [avgRevenue]')), /Offers\.avgRevenue is a avg measure/).fix ?? '', /a sum and a count/);
  const approx = offers(daily('measures: [estimate]')).replace('measures: {', "measures: {\n    estimate: { type: 'count_distinct_approx', sql: `${CUBE}.customer_id` },");
  assert.match(only(approx, /Offers\.estimate is a count_distinct_approx measure/).fix ?? '', /exact count_distinct/);
});

test('an exact distinct count is stored by a plain rollup (read only for queries grouped as it is: src/rollups/match.ts), not by a rollup by cluster', () => {
  assert.deepEqual(errors(offers(daily('measures: [count, customers], dimensions: [channel]'))), []);
  // Its value reads the clock like any other measure's: settled periods only.
  const converted = offers(daily('measures: [converted]')).replace('measures: {', "measures: {\n    converted: { type: 'count_distinct', sql: `${CUBE}.customer_id`, filters: [{ sql: `${CUBE}.accepted_at <= ${uprate.now()}` }] },");
  only(converted, /a measure of Offers\.daily reads the clock/);
  assert.deepEqual(errors(converted.replace('measures: [converted]', 'measures: [converted], settledAfterDays: 30')), []);
  assert.match(only(withCustomerId(byCustomer('measures: [count, customers]')), /Offers\.customers is a count_distinct measure: a rollup by cluster stores counts and sums/).fix ?? '', /plain rollup/);
});

test("dimensions that repeat the rows, move with the clock, or are time; another cube's measure", () => {
  only(offers(daily('measures: [count], dimensions: [Events.kind]')), /Events\.kind is not reached from Offers through many_to_one/);
  only(offers(daily('measures: [count], dimensions: [open]')), /Offers\.open reads the clock/);
  only(offers(daily('measures: [count], dimensions: [offeredAt]')), /Offers\.offeredAt is a time dimension/);
  only(offers(daily('measures: [count, Customers.customerId]')), /Customers\.customerId is not a measure/);
});

test('a dimension comparing the clock only as column <= now: stored by a plain rollup with settledAfterDays, refused otherwise', () => {
  assert.deepEqual(errors(offers(daily('measures: [count], dimensions: [acceptedByNow], settledAfterDays: 30'))), []);
  only(offers(daily('measures: [count], dimensions: [acceptedByNow]')), /Offers\.acceptedByNow reads the clock/);
  const p = only(offers(daily('measures: [count], dimensions: [open], settledAfterDays: 30')), /Offers\.open reads the clock/);
  assert.match(p.fix ?? '', /accepted_at <= \$\{uprate\.now\(\)\}/);
});

test('a measure that reads the clock needs settledAfterDays', () => {
  const p = only(offers(daily('measures: [count, accepted]')), /reads the clock \(uprate\.now\(\)\)/);
  assert.match(p.fix ?? '', /settledAfterDays: uprate\.conversionWindowDays/);
  assert.equal(p.member, 'preAggregations.daily');
  only(offers(daily('measures: [count], settledAfterDays: -1')), /settledAfterDays must be a whole number of days/);
});

test('unsupported types, bad granularities, partitions that cut periods, missing parts', () => {
  only(offers("lambda: { type: 'rollupLambda', rollups: [] }"), /pre-aggregation type rollupLambda is not supported/);
  only(offers(daily('measures: [count], granularity: "fortnight"').replace("granularity: 'day', ", '')), /bad granularity fortnight/);
  only(offers(daily("measures: [count], partitionGranularity: 'week'").replace("granularity: 'day'", "granularity: 'month'")), /partitionGranularity week is not made of whole months/);
  only(offers("daily: { type: 'rollup', measures: [count], granularity: 'day' }"), /has no timeDimension/);
  only(offers(daily('measures: []')), /has no measures/);
  only(offers(daily('measures: [count, nope]')), /unknown reference/);
});

test('each problem of a rollup names the line it is written on (JavaScript and YAML), not the cube\'s', () => {
  // Two rollups, one named like a measure written above them: each error points at its own line.
  const js = offers(`${daily('measures: [count, nope]')},\n    count: { type: 'rollup', measures: [count], granularity: 'fortnight', timeDimension: offeredAt }`);
  const lines = js.split('\n');
  const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l)) + 1;
  const found = errors(js).map((p) => [p.member, p.line]);
  assert.deepEqual(found.sort(), [
    ['preAggregations.count', at(/^\s*count: \{ type: 'rollup'/)],
    ['preAggregations.daily', at(/^\s*preAggregations: \{ daily:/)],
  ].sort());
  assert.ok(at(/^\s*count: \{ type: 'rollup'/) > at(/^\s*count: \{ type: 'count' \}/), 'the rollup named count is written below the measure count');
  const yaml = `${YAML_OFFERS}      - name: fine
        measures: [CUBE.count]
        time_dimension: offered_at
        granularity: day
      - name: weekly
        measures: [CUBE.count]
        time_dimension: offered_at
        granularity: fortnight
`;
  const [p, ...more] = compile(yaml, 'offers.yml').problems.filter((x) => x.severity === 'error');
  assert.deepEqual(more, []);
  assert.deepEqual([p?.member, p?.line, p?.file], ['preAggregations.weekly', yaml.split('\n').indexOf('      - name: weekly') + 1, 'offers.yml']);
});

test("Cube's storage tuning is a warning, not an error", () => {
  const { problems } = compile(offers(daily("measures: [count], indexes: { byChannel: { columns: [channel] } }, refreshKey: { every: '1 hour' }")));
  assert.deepEqual(
    problems.map((p) => [p.severity, p.message]),
    [['warning', 'pre-aggregation daily: indexes is ignored by uprate']],
  );
});

const byCustomer = (body: string) => `perCustomer: { type: 'rollup', clusteredBy: customerId, timeDimension: offeredAt, granularity: 'month', ${body} }`;
const withCustomerId = (rollup: string, extraMeasures = '') =>
  offers(rollup)
    .replace("id: { sql: `${CUBE}.offer_id`, type: 'string', primary_key: true },", "id: { sql: `${CUBE}.offer_id`, type: 'string', primary_key: true },\n    customerId: { sql: `${CUBE}.customer_id`, type: 'string' },")
    .replace('measures: {', `measures: {\n${extraMeasures}`);

test('a rollup by cluster compiles: counts and sums, the clock only as `column <= now`, its cluster and dimensions as paths', () => {
  const { model, problems } = compile(withCustomerId(byCustomer('measures: [count, accepted, revenue], dimensions: [channel, Customers.size]')));
  assert.deepEqual(problems, []);
  const r = model?.cubes.get('Offers')?.rollups.get('perCustomer');
  assert.deepEqual({ cluster: r?.clusteredBy, dimensions: r?.dimensions, settled: r?.settledAfterDays }, { cluster: 'Offers.customerId', dimensions: ['Offers.channel', 'Customers.size'], settled: null });
  // A plain rollup has none.
  assert.equal(compile(offers(daily('measures: [count]'))).model?.cubes.get('Offers')?.rollups.get('daily')?.clusteredBy, null);
});

test('a rollup by cluster refuses what its columns cannot hold exactly, naming the fix', () => {
  // The clock compared any other way than `column <= now` changes a row's value after the data's last instant.
  const pending = '    pending: { type: \'count\', filters: [{ sql: `${CUBE}.offered_at + INTERVAL 30 DAY > ${uprate.now()}` }] },\n';
  const p = only(withCustomerId(byCustomer('measures: [count, pending]'), pending), /Offers\.pending reads the clock in a way a rollup by cluster cannot hold: it compares the clock other than as/);
  assert.match(p.fix ?? '', /leave it out/);
  // `now >= column` is the same comparison written the other way round: refused too (only one form is read).
  const reversed = '    late: { type: \'count\', filters: [{ sql: `${uprate.now()} >= ${CUBE}.accepted_at` }] },\n';
  only(withCustomerId(byCustomer('measures: [late]'), reversed), /Offers\.late reads the clock in a way/);
  // A comparison inside arithmetic is not a whole comparison.
  const arithmetic = '    odd: { type: \'count\', filters: [{ sql: `1 + ${CUBE}.accepted_at <= ${uprate.now()}` }] },\n';
  only(withCustomerId(byCustomer('measures: [odd]'), arithmetic), /Offers\.odd reads the clock in a way/);
  const latest = '    latest: { type: \'max\', sql: `${CUBE}.revenue` },\n';
  only(withCustomerId(byCustomer('measures: [latest]'), latest), /Offers\.latest is a max measure: a rollup by cluster stores counts and sums/);
  only(withCustomerId(byCustomer("measures: [count], granularity: 'day'").replace("granularity: 'month', ", '')), /one column per day: too many/);
  only(withCustomerId(byCustomer('measures: [count], dimensions: [customerId]')), /Offers\.customerId is the rollup's cluster: leave it out of dimensions/);
  only(withCustomerId(byCustomer('measures: [count]').replace('clusteredBy: customerId', 'clusteredBy: offeredAt')), /clusteredBy Offers\.offeredAt is not a dimension/);
  only(withCustomerId(byCustomer('measures: [count]').replace('clusteredBy: customerId', 'clusteredBy: Customers.size')), /clusteredBy Customers\.size is another cube's dimension/);
});

test('a rollup of moments compiles with its cluster and counts; refuses a sum, a bad value and no cluster, naming the fix', () => {
  const { model, problems } = compile(withCustomerId(byCustomer('moments: true, measures: [count, accepted], dimensions: [channel, Customers.size]')));
  assert.deepEqual(problems, []);
  assert.equal(model?.cubes.get('Offers')?.rollups.get('perCustomer')?.moments, true);
  assert.equal(compile(withCustomerId(byCustomer('measures: [count]'))).model?.cubes.get('Offers')?.rollups.get('perCustomer')?.moments, false);
  const p = only(withCustomerId(byCustomer('moments: true, measures: [count, revenue]')), /Offers\.revenue is a sum measure: a rollup of moments stores counts only/);
  assert.match(p.fix ?? '', /leave it out/);
  only(withCustomerId(byCustomer("moments: 'yes', measures: [count]")), /moments must be true, false or 'perPeriod', not "yes"/);
  only(offers(daily('moments: true, measures: [count]')), /moments are a rollup by cluster's: Offers\.daily has no clusteredBy/);
});

test("moments per period compile by day, week or month (the partitions by week when weeks do not make up months); other grains and pairs by week are refused, naming the fix", () => {
  const weekly = (grain: string) => withCustomerId(byCustomer(`moments: 'perPeriod', measures: [count, accepted], dimensions: [channel], granularity: '${grain}'`).replace("granularity: 'month', ", ''));
  for (const grain of ['day', 'week', 'month']) {
    const { model, problems } = compile(weekly(grain));
    assert.deepEqual(problems, [], grain);
    const rollup = model?.cubes.get('Offers')?.rollups.get('perCustomer');
    assert.equal(rollup?.moments, true, grain);
    assert.equal(rollup?.perPeriod, true, grain);
    assert.equal(rollup?.granularity, grain);
    assert.equal(rollup?.partitionGranularity, grain === 'week' ? 'week' : 'month', grain);
  }
  assert.equal(compile(withCustomerId(byCustomer('moments: true, measures: [count]'))).model?.cubes.get('Offers')?.rollups.get('perCustomer')?.perPeriod, false);
  const p = only(weekly('quarter'), /moments per period are kept by day, week or month, not quarter/);
  assert.match(p.fix ?? '', /granularity: 'week'/);
  const pairs = only(withCustomerId(byCustomer("moments: true, measures: [count], granularity: 'week'").replace("granularity: 'month', ", '')), /one column per week: too many/);
  assert.match(pairs.fix ?? '', /moments: 'perPeriod'/);
});
