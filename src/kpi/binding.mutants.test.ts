// Unit tests of the KPI binding (binding.ts) for `npm run mutate`: until now it was tested only
// through the server and CLI suites under test/, which Stryker does not run per mutant, so each of
// its checks and messages was "no coverage". Expected texts are the messages as a user reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused } from '../../test/uprate-error.js';
import { compileModel, loadModel, shippedModelDir, type Model } from '../model/index.js';
import { boundDimension, capabilitiesOf, checkBinding, dimensionKey, offerTypeFilter, panelDimensions, servedBinding, bindKpi, SHIPPED_BINDING_CONFIG, type KpiBinding } from './binding.js';

const SOURCE = `
cube('Sales', {
  sql_table: 'sales',
  title: 'Sales',
  measures: {
    offers: { type: 'count' },
    won: { sql: 'won', type: 'sum' },
    pendingOffers: { sql: 'pending', type: 'sum' },
    value: { sql: 'value', type: 'sum' },
    avgValue: { sql: 'value', type: 'avg' },
  },
  dimensions: {
    id: { sql: 'id', type: 'string', primary_key: true },
    madeAt: { sql: 'made_at', type: 'time' },
    customerId: { sql: 'customer_id', type: 'string' },
    kind: { sql: 'kind', type: 'string', title: 'Kind' },
    name: { sql: 'name', type: 'string', title: 'Name' },
    days: { sql: 'days', type: 'number' },
    channel: { sql: 'channel', type: 'string', title: 'Channel' },
    region_2: { sql: 'region', type: 'string', title: 'Region' },
  },
});
cube('Buyers', {
  sql_table: 'buyers',
  title: 'Buyers',
  dimensions: {
    id: { sql: 'id', type: 'string', primary_key: true },
    accountSize: { sql: 'account_size', type: 'string', title: 'Account size' },
    sector: { sql: 'sector', type: 'string', title: 'Sector' },
  },
});
`;

function model(): Model {
  const { model: m, problems } = compileModel([{ file: 'sales.js', text: SOURCE }]);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.ok(m);
  return m;
}

const BASE = { offers: 'Sales.offers', accepted: 'Sales.won', time: 'Sales.madeAt' };

test('a binding of a user\'s members: usable, every field as named, dimensions titled and keyed, not the shipped one', () => {
  const check = checkBinding(model(), {
    ...BASE,
    pending: 'Sales.pendingOffers',
    revenue: 'Sales.value',
    customer: 'Sales.customerId',
    offerType: 'Sales.kind',
    daysToAccept: 'Sales.days',
    offerName: 'Sales.name',
    industry: 'Buyers.sector',
    channel: 'Sales.channel',
    dimensions: ['Buyers.accountSize', 'Sales.channel', 'Buyers.accountSize', 'Sales.name'],
  });
  assert.deepEqual(check.problems, []);
  assert.equal(check.usable, true);
  const b = check.binding;
  assert.ok(b);
  assert.deepEqual(
    { offers: b.offers, accepted: b.accepted, time: b.time, pending: b.pending, revenue: b.revenue, customer: b.customer, offerType: b.offerType, daysToAccept: b.daysToAccept, offerName: b.offerName, industry: b.industry, channel: b.channel, shipped: b.shipped },
    { offers: 'Sales.offers', accepted: 'Sales.won', time: 'Sales.madeAt', pending: 'Sales.pendingOffers', revenue: 'Sales.value', customer: 'Sales.customerId', offerType: 'Sales.kind', daysToAccept: 'Sales.days', offerName: 'Sales.name', industry: 'Buyers.sector', channel: 'Sales.channel', shipped: false },
  );
  // A repeated dimension is listed once; the offers' own attributes plainly, another cube's with its title.
  assert.deepEqual(b.dimensions, [
    { member: 'Buyers.accountSize', title: 'Account size (Buyers)', key: 'account_size' },
    { member: 'Sales.channel', title: 'Channel', key: 'channel' },
    { member: 'Sales.name', title: 'Name', key: 'name' },
  ]);
  assert.ok(check.capabilities.every((c) => c.available), JSON.stringify(check.capabilities.filter((c) => !c.available)));
});

test('each wrong member is a problem naming the field, the member, what it is and the fix', () => {
  const m = model();
  const cases: [Record<string, unknown>, string][] = [
    [{ ...BASE, accepted: 'Sales.avgValue' }, 'kpi.accepted: Sales.avgValue is a avg measure; the KPI needs a count or sum measure (a rate is a ratio of sums) (fix: bind a count or sum measure)'],
    [{ ...BASE, offers: 'Sales.kind' }, 'kpi.offers: Sales.kind is a dimension; the KPI needs a count or sum measure (a rate is a ratio of sums) (fix: bind a count or sum measure)'],
    [{ ...BASE, offers: 'Sales.nope' }, 'kpi.offers: Sales.nope is not a member of the model (fix: name a measure of your model, e.g. Sales.offers)'],
    [{ ...BASE, time: 'Sales.kind' }, 'kpi.time: Sales.kind is a string dimension; it must be a time dimension (fix: bind a time dimension)'],
    [{ ...BASE, time: 'Sales.offers' }, 'kpi.time: Sales.offers is a measure; it must be a time dimension (fix: bind a time dimension)'],
    [{ ...BASE, customer: 'Sales.won' }, 'kpi.customer: Sales.won is a measure; it must be a dimension (fix: bind a dimension)'],
    [{ ...BASE, customer: 'Sales.who' }, 'kpi.customer: Sales.who is not a member of the model (fix: name a dimension of your model)'],
    [{ ...BASE, pending: 'Sales.madeAt' }, 'kpi.pending: Sales.madeAt is a dimension; the KPI needs a count or sum measure (a rate is a ratio of sums) (fix: bind a count or sum measure)'],
    [{ ...BASE, dimensions: ['Sales.channel', 'Buyers.size'] }, 'kpi.dimensions[1]: Buyers.size is not a member of the model (fix: name a dimension of your model)'],
    [{ ...BASE, revenue: 'Sales.kind' }, 'kpi.revenue: Sales.kind is a dimension; the KPI needs a count or sum measure (a rate is a ratio of sums) (fix: bind a count or sum measure)'],
    [{ ...BASE, offerType: 'Sales.won' }, 'kpi.offerType: Sales.won is a measure; it must be a dimension (fix: bind a dimension)'],
    [{ ...BASE, daysToAccept: 'Sales.won' }, 'kpi.daysToAccept: Sales.won is a measure; it must be a dimension (fix: bind a dimension)'],
    [{ ...BASE, offerName: 'Sales.won' }, 'kpi.offerName: Sales.won is a measure; it must be a dimension (fix: bind a dimension)'],
    [{ ...BASE, industry: 'Sales.won' }, 'kpi.industry: Sales.won is a measure; it must be a dimension (fix: bind a dimension)'],
    [{ ...BASE, channel: 'Sales.won' }, 'kpi.channel: Sales.won is a measure; it must be a dimension (fix: bind a dimension)'],
  ];
  for (const [config, problem] of cases) {
    const check = checkBinding(m, config as never);
    assert.deepEqual(check.problems, [problem], JSON.stringify(config));
    assert.equal(check.usable, false);
  }
  // A wrong required member leaves no binding; a wrong optional one keeps the binding, unusable.
  assert.equal(checkBinding(m, { ...BASE, accepted: 'Sales.avgValue' }).binding, null);
  assert.equal(checkBinding(m, { ...BASE, time: 'Sales.kind' }).binding, null);
  assert.equal(checkBinding(m, { ...BASE, customer: 'Sales.won' }).binding?.customer, null);
  // Without the offers measure, breakdown titles name every cube (there is no home cube).
  const homeless = checkBinding(m, { ...BASE, offers: 'Sales.nope', dimensions: ['Sales.channel'] });
  assert.equal(homeless.binding, null);
});

test('the fix names an additive measure of the model (not an average), or the shipped one when it has none', () => {
  const compiled = (text: string) => {
    const { model: out } = compileModel([{ file: 'm.js', text }]);
    assert.ok(out);
    return out;
  };
  const avgFirst = compiled(`cube('T', { sql_table: 't', measures: { mean: { sql: 'v', type: 'avg' }, total: { sql: 'v', type: 'sum' } }, dimensions: { id: { sql: 'id', type: 'string', primary_key: true }, at: { sql: 'at', type: 'time' } } });`);
  assert.deepEqual(checkBinding(avgFirst, { offers: 'T.nope', accepted: 'T.total', time: 'T.at' }).problems, ['kpi.offers: T.nope is not a member of the model (fix: name a measure of your model, e.g. T.total)']);
  const noneAdditive = compiled(`cube('T', { sql_table: 't', measures: { mean: { sql: 'v', type: 'avg' } }, dimensions: { id: { sql: 'id', type: 'string', primary_key: true }, at: { sql: 'at', type: 'time' } } });`);
  assert.deepEqual(checkBinding(noneAdditive, { offers: 'T.nope', accepted: 'T.mean', time: 'T.at' }).problems, [
    'kpi.offers: T.nope is not a member of the model (fix: name a measure of your model, e.g. Offers.count)',
    'kpi.accepted: T.mean is a avg measure; the KPI needs a count or sum measure (a rate is a ratio of sums) (fix: bind a count or sum measure)',
  ]);
});

test('a member the model defines with an error: the problem carries the model\'s diagnostic', () => {
  const { model: broken, problems } = compileModel([{ file: 'b.js', text: `cube('T', { sql_table: 't', measures: { n: { type: 'count' }, bad: { sql: 'v', type: 'median' } }, dimensions: { id: { sql: 'id', type: 'string', primary_key: true }, at: { sql: 'at', type: 'time' } } });` }], { tolerant: true });
  assert.ok(broken);
  assert.ok(problems.some((p) => p.severity === 'error'), 'the model reports the broken measure');
  const [problem, ...rest] = checkBinding(broken, { offers: 'T.n', accepted: 'T.bad', time: 'T.at' }).problems;
  assert.deepEqual(rest, []);
  // The model's diagnostic, every line of it indented under the binding's own.
  assert.equal(
    problem,
    'kpi.accepted: T.bad cannot be used: the model defines it with an error:\n    b.js:1 T.bad: error: bad measure type median\n      fix: type: one of count, count_distinct, count_distinct_approx, sum, avg, min, max, number',
  );
});

test('no kpi: section: the shipped members; on a model without them only the three required are problems', () => {
  const check = checkBinding(model(), undefined);
  const where = "kpi (default: the shipped model's members)";
  assert.deepEqual(check.problems, [
    `${where}.offers: Offers.count is not a member of the model (fix: name a measure of your model, e.g. Sales.offers)`,
    `${where}.accepted: Offers.accepted is not a member of the model (fix: name a measure of your model, e.g. Sales.offers)`,
    `${where}.time: Offers.offeredAt is not a member of the model (fix: name a dimension of your model)`,
  ]);
  assert.equal(check.binding, null);
  assert.deepEqual(check.capabilities, [{ name: 'conversion rate', available: false, reason: 'bind kpi.offers, kpi.accepted and kpi.time' }]);
  // The shipped members named in a config are the shipped binding too.
  const shipped = checkBinding(model(), { ...SHIPPED_BINDING_CONFIG, offers: 'Sales.offers', accepted: 'Sales.won', time: 'Sales.madeAt' });
  assert.equal(shipped.binding?.shipped, false, 'another config is not the shipped one');
});

test('capabilities: what each missing member turns off, and why', () => {
  const check = checkBinding(model(), BASE);
  assert.equal(check.usable, true);
  const byName = new Map(check.capabilities.map((c) => [c.name, c]));
  assert.equal(byName.get('conversion rate, intervals, bands, trends, breakdowns, alerts')?.available, true);
  assert.deepEqual(byName.get('customer-level rate (customers converted / offered)'), { name: 'customer-level rate (customers converted / offered)', available: false, reason: 'bind kpi.customer (a customer dimension)' });
  assert.deepEqual(byName.get('expansion revenue'), { name: 'expansion revenue', available: false, reason: "bind kpi.revenue (a sum measure of accepted offers' revenue)" });
  assert.deepEqual(byName.get('offer leaderboard'), { name: 'offer leaderboard', available: false, reason: 'bind kpi.offerName (the dimension naming the offer)' });
  assert.deepEqual(byName.get('breakdowns and findings by dimension'), { name: 'breakdowns and findings by dimension', available: false, reason: 'list dimensions under kpi.dimensions' });
  assert.equal(check.capabilities.filter((c) => c.available).length, 1);
  assert.deepEqual(check.capabilities.map((c) => c.name), [
    'conversion rate, intervals, bands, trends, breakdowns, alerts',
    'customer-clustered intervals and tests',
    'customer-level rate (customers converted / offered)',
    'pending offers and provisional periods',
    'projected rates of periods still converting',
    'expansion revenue',
    'upsell / cross-sell split',
    'offer leaderboard',
    'industry benchmarks',
    'breakdowns and findings by dimension',
  ]);
  assert.deepEqual(check.capabilities.map((c) => c.reason ?? null), [
    null,
    'bind kpi.customer (the dimension naming who an offer went to; without it offers are treated as independent and intervals are too narrow when customers get several offers)',
    'bind kpi.customer (a customer dimension)',
    'bind kpi.pending (a count of offers still inside their conversion window; without it recent periods look final)',
    'bind kpi.pending and kpi.daysToAccept (event-grain offers with acceptance times)',
    "bind kpi.revenue (a sum measure of accepted offers' revenue)",
    'bind kpi.offerType (a dimension with the values upsell and cross_sell)',
    'bind kpi.offerName (the dimension naming the offer)',
    'bind kpi.industry (a dimension holding retail / saas / consumer_goods)',
    'list dimensions under kpi.dimensions',
  ]);
  // Projections need both pending and the days to accept.
  const projected = (b: KpiBinding) => capabilitiesOf(b).find((c) => c.name === 'projected rates of periods still converting')?.available;
  const binding = check.binding as KpiBinding;
  assert.equal(projected({ ...binding, pending: 'Sales.pendingOffers' }), false);
  assert.equal(projected({ ...binding, daysToAccept: 'Sales.days' }), false);
  assert.equal(projected({ ...binding, pending: 'Sales.pendingOffers', daysToAccept: 'Sales.days' }), true);
});

test('bindKpi and servedBinding: the binding, or an error listing every problem', () => {
  const m = model();
  assert.equal(bindKpi(m, BASE).offers, 'Sales.offers');
  const bad = { ...BASE, accepted: 'Sales.avgValue', customer: 'Sales.who' };
  const e = refused(() => bindKpi(m, bad), 'MODEL_INVALID', 'kpi');
  assert.equal(
    e.message,
    'the KPI binding does not fit the model:\n  kpi.accepted: Sales.avgValue is a avg measure; the KPI needs a count or sum measure (a rate is a ratio of sums) (fix: bind a count or sum measure)\n  kpi.customer: Sales.who is not a member of the model (fix: name a dimension of your model)',
  );
  assert.match(e.hint ?? '', /uprate model validate --binding/);
  assert.equal(servedBinding(checkBinding(m, BASE)).time, 'Sales.madeAt');
  const served = refused(() => servedBinding(checkBinding(m, bad)), 'CONFIG_INVALID', 'kpi');
  assert.match(served.message, /^the KPI is not bound to this model: kpi\.accepted: .*; kpi\.customer: Sales\.who is not a member/);
  assert.equal(served.hint, "name your model's members under kpi: in uprate.config.yaml (offers, accepted, time); `uprate model validate --binding` checks it");
});

test('offerTypeFilter: equals on the bound dimension, or a 400 naming where the offer type came from', () => {
  const m = model();
  assert.deepEqual(offerTypeFilter(bindKpi(m, { ...BASE, offerType: 'Sales.kind' }), 'cross_sell', 'offerType'), { member: 'Sales.kind', operator: 'equals', values: ['cross_sell'] });
  const e = refused(() => offerTypeFilter(bindKpi(m, BASE), 'upsell', '--offer-type'), 'BAD_ARGUMENT', '--offer-type');
  assert.equal(e.message, 'offerType upsell: the KPI binding names no offer-type dimension');
  assert.equal(e.hint, 'leave the offer type out, or bind kpi.offerType to a dimension holding upsell / cross_sell in uprate.config.yaml');
});

test('panelDimensions: the first six dimensions but the offer name', () => {
  const dims = ['a', 'b', 'name', 'c', 'd', 'e', 'f', 'g'].map((k) => ({ member: `X.${k}`, title: k, key: k }));
  assert.deepEqual(panelDimensions({ dimensions: dims, offerName: 'X.name' }).map((d) => d.key), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(panelDimensions({ dimensions: dims, offerName: null }).map((d) => d.key), ['a', 'b', 'name', 'c', 'd', 'e']);
});

test('boundDimension: snake, camel, kebab or Cube.member; an unknown name lists the keys', () => {
  const b = bindKpi(model(), { ...BASE, dimensions: ['Buyers.accountSize', 'Sales.channel', 'Sales.region_2'] });
  // An underscore before a digit stays: region_2 is its own key, not region2.
  assert.equal(boundDimension(b, 'region_2').member, 'Sales.region_2');
  for (const name of ['account_size', 'accountSize', 'account-size', ' account_size ', 'Buyers.accountSize']) assert.equal(boundDimension(b, name).member, 'Buyers.accountSize', name);
  const e = refused(() => boundDimension(b, 'colour'), 'BAD_ARGUMENT', '--by');
  assert.equal(e.message, "unknown dimension 'colour'");
  assert.equal(e.hint, 'use one of account_size, channel, region_2 (camelCase or Cube.member works too)');
  const none = refused(() => boundDimension(bindKpi(model(), BASE), 'channel', 'by'), 'BAD_ARGUMENT', 'by');
  assert.equal(none.hint, 'the KPI binding lists no dimensions: add them under kpi.dimensions');
  assert.equal(dimensionKey('Customers.lifecycleStage'), 'lifecycle_stage');
  assert.equal(dimensionKey('plain'), 'plain');
  assert.equal(dimensionKey('Customers.AccountSize'), 'account_size', 'a leading capital makes no leading underscore');
});

test('the shipped model: its binding with or without the shipped members written out is the shipped one', async () => {
  const shippedModel = await loadModel(shippedModelDir());
  for (const config of [undefined, structuredClone(SHIPPED_BINDING_CONFIG)]) {
    const check = checkBinding(shippedModel, config);
    assert.equal(check.usable, true, check.problems.join('\n'));
    assert.equal(check.binding?.shipped, true);
    assert.deepEqual(check.binding?.dimensions.map((d) => d.key), ['account_size', 'lifecycle_stage', 'engagement_tier', 'industry', 'offer_type', 'channel', 'region', 'plan', 'offer_name', 'campaign']);
  }
  assert.equal(checkBinding(shippedModel, { ...SHIPPED_BINDING_CONFIG, dimensions: ['Offers.channel'] }).binding?.shipped, false);
  const b = checkBinding(shippedModel, undefined).binding;
  assert.deepEqual(
    b && { offers: b.offers, accepted: b.accepted, time: b.time, pending: b.pending, revenue: b.revenue, customer: b.customer, offerType: b.offerType, daysToAccept: b.daysToAccept, offerName: b.offerName, industry: b.industry, channel: b.channel },
    { offers: 'Offers.count', accepted: 'Offers.accepted', time: 'Offers.offeredAt', pending: 'Offers.pending', revenue: 'Offers.expansionRevenue', customer: 'Offers.customerId', offerType: 'Offers.offerType', daysToAccept: 'Offers.daysToAccept', offerName: 'Offers.offerName', industry: 'Customers.industry', channel: 'Offers.channel' },
  );
});
