/**
 * Header matching: case and surrounding spaces ignored, optional columns may be absent; unknown,
 * duplicated and missing required columns are one BAD_HEADER naming them all, singular or plural.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalWithDetails, thrown } from '../../test/ingest-fixtures.js';
import { CUSTOMERS, OFFERS } from '../core/schema.js';
import { mapColumns } from './columns.js';

const OFFERS_EXPECTED = [
  'offer_id',
  'customer_id',
  'offered_at',
  'offer_type',
  'offer_name',
  'channel',
  'campaign',
  'accepted_at',
  'declined_at',
  'revenue',
];
const OFFERS_HINT =
  'expected columns: offer_id (required), customer_id (required), offered_at (required), offer_type (required), offer_name (required), channel, campaign, accepted_at, declined_at, revenue';

/** The BAD_HEADER thrown, as a plain object. */
const refusal = (fn: () => unknown) => refusalWithDetails(thrown(fn, 'expected BAD_HEADER'));

test('every column as the table spells it maps to itself', () => {
  const { sourceName } = mapColumns(OFFERS, OFFERS_EXPECTED, 'o.csv');
  assert.deepEqual([...sourceName.entries()], OFFERS_EXPECTED.map((n) => [n, n]));
});

test('case and surrounding spaces are ignored; the source spelling is kept; optional columns may be absent', () => {
  const { sourceName } = mapColumns(OFFERS, [' Offer_ID ', 'CUSTOMER_ID', 'offered_at\t', 'Offer_Type', 'offer_name', 'Revenue'], 'o.csv');
  assert.deepEqual([...sourceName.entries()], [
    ['offer_id', ' Offer_ID '],
    ['customer_id', 'CUSTOMER_ID'],
    ['offered_at', 'offered_at\t'],
    ['offer_type', 'Offer_Type'],
    ['offer_name', 'offer_name'],
    ['revenue', 'Revenue'],
  ]);
  assert.deepEqual([...mapColumns(CUSTOMERS, ['customer_id'], 'c.csv').sourceName.entries()], [['customer_id', 'customer_id']]);
});

test('one unknown column', () => {
  assert.deepEqual(refusal(() => mapColumns(CUSTOMERS, ['customer_id', 'Tier'], 'c.csv')), {
    code: 'BAD_HEADER',
    message: "unknown column 'Tier' for table customers",
    location: 'c.csv',
    hint: 'expected columns: customer_id (required), account_size, lifecycle_stage, engagement_score, industry, region, plan, mrr',
    details: {
      unknown: ['Tier'],
      duplicated: [],
      missing: [],
      expected: ['customer_id', 'account_size', 'lifecycle_stage', 'engagement_score', 'industry', 'region', 'plan', 'mrr'],
    },
  });
});

test('two unknown columns are plural', () => {
  const e = refusal(() => mapColumns(CUSTOMERS, ['customer_id', 'a', ' b '], 'c.csv'));
  assert.equal(e['message'], "unknown columns 'a', ' b ' for table customers");
});

test('one duplicated column, two duplicated columns', () => {
  assert.deepEqual(refusal(() => mapColumns(OFFERS, [...OFFERS_EXPECTED, 'Offer_ID'], 'dup.csv')), {
    code: 'BAD_HEADER',
    message: "duplicated column 'Offer_ID' for table offers",
    location: 'dup.csv',
    hint: OFFERS_HINT,
    details: { unknown: [], duplicated: ['Offer_ID'], missing: [], expected: OFFERS_EXPECTED },
  });
  const e = refusal(() => mapColumns(OFFERS, [...OFFERS_EXPECTED, 'REVENUE', 'channel'], 'dup.csv'));
  assert.equal(e['message'], "duplicated columns 'REVENUE', 'channel' for table offers");
});

test('one missing required column, several missing required columns', () => {
  assert.deepEqual(refusal(() => mapColumns(OFFERS, ['offer_id', 'customer_id', 'offered_at', 'offer_type'], 'm.csv')), {
    code: 'BAD_HEADER',
    message: 'missing required column offer_name for table offers',
    location: 'm.csv',
    hint: OFFERS_HINT,
    details: { unknown: [], duplicated: [], missing: ['offer_name'], expected: OFFERS_EXPECTED },
  });
  const e = refusal(() => mapColumns(OFFERS, ['offer_id', 'channel'], 'm.csv'));
  assert.equal(e['message'], 'missing required columns customer_id, offered_at, offer_type, offer_name for table offers');
  assert.deepEqual(refusal(() => mapColumns(CUSTOMERS, [], 'empty.csv'))['message'], 'missing required column customer_id for table customers');
});

test('all three problems in one error, in the order unknown, duplicated, missing', () => {
  assert.deepEqual(refusal(() => mapColumns(OFFERS, ['offer_id', 'OFFER_ID', 'offer_nam', 'customer_id', 'offered_at', 'offer_type'], 'h1.csv')), {
    code: 'BAD_HEADER',
    message: "unknown column 'offer_nam'; duplicated column 'OFFER_ID'; missing required column offer_name for table offers",
    location: 'h1.csv',
    hint: OFFERS_HINT,
    details: { unknown: ['offer_nam'], duplicated: ['OFFER_ID'], missing: ['offer_name'], expected: OFFERS_EXPECTED },
  });
});
