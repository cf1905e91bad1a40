import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import type { DuckDbStore } from '../store/index.js';
import { CUSTOMERS, NOW, OFFERS, offersStore, type OfferRow } from '../../test/fixtures/models/offers-data.js';
import { answerQuery, FILTER_OPERATORS, type CubeFilterItem } from './index.js';
import { allAccess, tenantAccess } from './access.js';

// Every Cube filter operator, executed on the hand-made data set; the expected offers come from
// a JavaScript predicate over the same rows, not from SQL.
let model: Model;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await offersStore();
});
after(() => store.close());

const ms = (iso: string | null) => (iso === null ? NaN : Date.parse(iso));
const customer = (o: OfferRow) => CUSTOMERS.find((c) => c.customer_id === o.customer_id);
const day = 86400000;
const acceptedInWindow = (o: OfferRow) => o.accepted_at !== null && ms(o.accepted_at) <= ms(o.offered_at) + 30 * day && ms(o.accepted_at) <= NOW.getTime();
const ids = (pred: (o: OfferRow) => boolean) => OFFERS.filter(pred).map((o) => o.offer_id);

async function offerIds(filters: CubeFilterItem[], timezone = 'UTC', segments?: string[]): Promise<string[]> {
  const query = { dimensions: ['Offers.offerId'], filters, timezone, order: { 'Offers.offerId': 'asc' }, ...(segments ? { segments } : {}) };
  const { results } = await answerQuery(store, model, query, { now: NOW, access: allAccess('local') });
  return (results[0]?.data ?? []).map((r) => String(r['Offers.offerId']));
}

const CASES: [string, CubeFilterItem, (o: OfferRow) => boolean][] = [
  ['equals', { member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }, (o) => o.offer_type === 'upsell'],
  ['equals null', { member: 'Offers.channel', operator: 'equals', values: [null] }, (o) => o.channel === null],
  ['equals several', { member: 'Offers.channel', operator: 'equals', values: ['email', 'sales'] }, (o) => ['email', 'sales'].includes(o.channel ?? '')],
  ['notEquals (keeps nulls)', { member: 'Offers.channel', operator: 'notEquals', values: ['email'] }, (o) => o.channel !== 'email'],
  ['contains (any case)', { member: 'Offers.offerName', operator: 'contains', values: ['PRO'] }, (o) => o.offer_name.toLowerCase().includes('pro')],
  ['contains a wildcard literally', { member: 'Offers.offerName', operator: 'contains', values: ['%_'] }, (o) => o.offer_name.includes('%_')],
  ['notContains', { member: 'Offers.offerName', operator: 'notContains', values: ['pro', 'team'] }, (o) => !/pro|team/i.test(o.offer_name)],
  ['startsWith', { member: 'Offers.offerName', operator: 'startsWith', values: ['50%'] }, (o) => o.offer_name.startsWith('50%')],
  ['notStartsWith', { member: 'Offers.offerName', operator: 'notStartsWith', values: ['pro'] }, (o) => !o.offer_name.toLowerCase().startsWith('pro')],
  ['endsWith', { member: 'Offers.offerName', operator: 'endsWith', values: ['plan'] }, (o) => o.offer_name.toLowerCase().endsWith('plan')],
  ['notEndsWith (keeps nulls)', { member: 'Offers.campaign', operator: 'notEndsWith', values: ['ing'] }, (o) => !(o.campaign ?? '').endsWith('ing') || o.campaign === null],
  ['gt', { member: 'Customers.engagementScore', operator: 'gt', values: ['40'] }, (o) => (customer(o)?.engagement_score ?? -1) > 40],
  ['gte', { member: 'Customers.engagementScore', operator: 'gte', values: ['40'] }, (o) => (customer(o)?.engagement_score ?? -1) >= 40],
  ['lt', { member: 'Customers.engagementScore', operator: 'lt', values: ['40'] }, (o) => (customer(o)?.engagement_score ?? 1e9) < 40],
  ['lte', { member: 'Customers.mrr', operator: 'lte', values: ['200'] }, (o) => (customer(o)?.mrr ?? 1e9) <= 200],
  ['in (with null)', { member: 'Offers.campaign', operator: 'in', values: ['spring', null] }, (o) => o.campaign === 'spring' || o.campaign === null],
  ['notIn (keeps nulls)', { member: 'Offers.campaign', operator: 'notIn', values: ['spring'] }, (o) => o.campaign !== 'spring'],
  ['set', { member: 'Offers.acceptedAt', operator: 'set' }, (o) => o.accepted_at !== null],
  ['notSet', { member: 'Offers.acceptedAt', operator: 'notSet' }, (o) => o.accepted_at === null],
  ['inDateRange', { member: 'Offers.offeredAt', operator: 'inDateRange', values: ['2025-02-01', '2025-02-28'] }, (o) => o.offered_at >= '2025-02-01' && o.offered_at < '2025-03-01'],
  ['notInDateRange', { member: 'Offers.offeredAt', operator: 'notInDateRange', values: ['2025-02-01', '2025-02-28'] }, (o) => !(o.offered_at >= '2025-02-01' && o.offered_at < '2025-03-01')],
  ['onTheDate', { member: 'Offers.offeredAt', operator: 'onTheDate', values: ['2025-03-01'] }, (o) => o.offered_at.startsWith('2025-03-01')],
  ['beforeDate', { member: 'Offers.offeredAt', operator: 'beforeDate', values: ['2025-01-31'] }, (o) => o.offered_at < '2025-01-31'],
  ['beforeOrOnDate (the whole day)', { member: 'Offers.offeredAt', operator: 'beforeOrOnDate', values: ['2025-01-31'] }, (o) => o.offered_at < '2025-02-01'],
  ['afterDate (after the whole day)', { member: 'Offers.offeredAt', operator: 'afterDate', values: ['2025-02-28'] }, (o) => o.offered_at >= '2025-03-01'],
  ['afterOrOnDate', { member: 'Offers.offeredAt', operator: 'afterOrOnDate', values: ['2025-02-28'] }, (o) => o.offered_at >= '2025-02-28'],
  ['afterOrOnDate at an instant', { member: 'Offers.offeredAt', operator: 'afterOrOnDate', values: ['2025-03-10T10:00:00.000'] }, (o) => o.offered_at >= '2025-03-10T10:00'],
  ['measureFilter (the measure\'s own filters)', { member: 'Offers.accepted', operator: 'measureFilter' }, acceptedInWindow],
  ['or with a nested and', { or: [{ member: 'Offers.offerType', operator: 'equals', values: ['cross_sell'] }, { and: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Offers.campaign', operator: 'equals', values: ['spring'] }] }] }, (o) => o.offer_type === 'cross_sell' || (o.channel === 'email' && o.campaign === 'spring')],
];

for (const [name, filter, expected] of CASES) {
  test(`filter ${name}`, async () => {
    assert.deepEqual(await offerIds([filter]), ids(expected));
  });
}

test('every Cube operator is covered above', () => {
  const covered = new Set<string>();
  const walk = (f: CubeFilterItem) => ('operator' in f && f.operator ? covered.add(f.operator) : [...('and' in f ? f.and ?? [] : []), ...('or' in f ? f.or ?? [] : [])].forEach(walk));
  CASES.forEach(([, f]) => walk(f));
  assert.deepEqual(FILTER_OPERATORS.filter((op) => !covered.has(op)), []);
  assert.equal(FILTER_OPERATORS.length, 24);
});

test('a date range is read in the query time zone: 23:30 UTC on 31 January is 1 February in Berlin', async () => {
  const filter: CubeFilterItem = { member: 'Offers.offeredAt', operator: 'inDateRange', values: ['2025-02-01', '2025-02-28'] };
  assert.deepEqual(await offerIds([filter], 'Europe/Berlin'), ['o03', 'o04', 'o05']);
  assert.deepEqual(await offerIds([filter], 'UTC'), ['o04', 'o05']);
});

test('measure filters apply to aggregated rows (HAVING)', async () => {
  const query = { measures: ['Offers.count'], dimensions: ['Offers.offerType'], filters: [{ member: 'Offers.count', operator: 'gt', values: ['3'] }] };
  const { results } = await answerQuery(store, model, query, { now: NOW, access: allAccess('local') });
  assert.deepEqual(results[0]?.data, [{ 'Offers.offerType': 'upsell', 'Offers.count': String(ids((o) => o.offer_type === 'upsell').length) }]);
});

test('segments and extraFilters narrow the rows like filters', async () => {
  assert.deepEqual(await offerIds([], 'UTC', ['Offers.upsells', 'Customers.enterprise']), ids((o) => o.offer_type === 'upsell' && customer(o)?.account_size === 'enterprise'));
  const { results } = await answerQuery(store, model, { dimensions: ['Offers.offerId'], order: { 'Offers.offerId': 'asc' } }, {
    now: NOW,
    access: tenantAccess([{ member: 'Offers.customerId', operator: 'equals', values: ['c2'] }]),
  });
  assert.deepEqual(results[0]?.data.map((r) => r['Offers.offerId']), ids((o) => o.customer_id === 'c2'));
  assert.equal(JSON.stringify(results[0]?.query).includes('c2'), false, 'extraFilters stay out of the echo');
});
