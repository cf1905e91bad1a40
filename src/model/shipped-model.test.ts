import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModel, loadModel, readModelSources, shippedModelDir, templateSource, validateModel } from './index.js';

// The shipped model's public names are an API: dashboards and clients depend on them.
const publicNames = (map: ReadonlyMap<string, { public: boolean }>) => [...map].filter(([, m]) => m.public).map(([n]) => n).sort();

test('the shipped model is valid and exposes exactly the documented members', async () => {
  assert.deepEqual(await validateModel(shippedModelDir()), []);
  const model = await loadModel(shippedModelDir());
  const offers = model.cubes.get('Offers');
  const customers = model.cubes.get('Customers');
  assert.ok(offers && customers);
  assert.deepEqual(publicNames(offers.measures), ['accepted', 'avgDaysToAccept', 'conversionRate', 'count', 'crossSellConversionRate', 'customerConversionRate', 'customersConverted', 'customersOffered', 'expansionRevenue', 'pending', 'revenuePerOffer', 'upsellConversionRate'].sort());
  assert.deepEqual(publicNames(offers.dimensions), ['acceptedAt', 'campaign', 'channel', 'customerId', 'daysToAccept', 'offerId', 'offerName', 'offerType', 'offeredAt', 'status'].sort());
  assert.deepEqual(publicNames(offers.segments), ['crossSells', 'upsells']);
  assert.deepEqual(publicNames(customers.measures), ['count']);
  assert.deepEqual(publicNames(customers.dimensions), ['accountSize', 'customerId', 'engagementScore', 'engagementTier', 'industry', 'lifecycleStage', 'mrr', 'plan', 'region'].sort());
  assert.deepEqual(publicNames(customers.segments), ['enterprise']);
  assert.equal(offers.joins.get('Customers')?.relationship, 'many_to_one');
  assert.deepEqual(offers.primaryKeys, ['offerId']);
  assert.equal(offers.measures.get('conversionRate')?.format, 'percent');
});

test('rates are ratios of measures, and the SQL holds no engine-specific time arithmetic', async () => {
  const model = await loadModel(shippedModelDir());
  const offers = model.cubes.get('Offers');
  assert.equal(templateSource(offers?.measures.get('conversionRate')?.sql ?? []), '${Offers.accepted} * 1.0 / NULLIF(${Offers.count}, 0)');
  const all = [...(offers?.measures.values() ?? []), ...(offers?.dimensions.values() ?? [])].flatMap((m) => (m.kind === 'measure' ? [...(m.sql ? [m.sql] : []), ...m.filters] : [m.sql]));
  const text = all.map(templateSource).join('\n');
  assert.doesNotMatch(text, /INTERVAL|(?<!uprate\.)now\(\)|date_diff|epoch|timezone\(/i);
  assert.match(text, /uprate\.addDays\(`\$\{Offers\}\.offered_at`, 30\)/);
});

test('the conversion window is configurable', () => {
  const model = compileModel(readModelSources(shippedModelDir()), { conversionWindowDays: 7 }).model;
  const status = templateSource(model?.cubes.get('Offers')?.dimensions.get('status')?.sql ?? []);
  assert.match(status, /uprate\.addDays\(`\$\{Offers\}\.offered_at`, 7\)/);
});
