import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { buildCondition, type ConditionContext } from './filter-conditions.js';
import type { NormalizedFilter } from './normalize-query.js';

// Date filter values in the years 0000–9999 are read as written; values outside them are
// QUERY_INVALID errors naming the filter's values (not a 500 from the engine or from Date).
let ctx: ConditionContext;
before(async () => {
  const model: Model = await loadModel(shippedModelDir());
  ctx = { model, timezone: 'UTC', now: new Date('2025-03-20T10:00:00Z') };
});

const filter = (operator: NormalizedFilter['operator'], values: string[]): NormalizedFilter => ({ member: 'Offers.offeredAt', operator, values });
const valuesOf = (f: NormalizedFilter, c = ctx) => {
  const p = buildCondition(f, c, 'filters[0]');
  return p.kind === 'condition' ? p.values : undefined;
};
const outOfRange = (e: unknown) => isUprateError(e) && e.code === 'QUERY_INVALID' && e.location === 'filters[0].values' && /0000-01-01T00:00:00\.000 to 9999-12-31T23:59:59\.999/.test(e.message);

test('dates in the years 0–99 are not moved to the 1900s', () => {
  assert.deepEqual(valuesOf(filter('equals', ['0050-01-01'])), ['0050-01-01T00:00:00.000Z']);
  assert.deepEqual(valuesOf(filter('inDateRange', ['0050-01-01', '0050-12-31'])), ['0050-01-01T00:00:00.000Z', '0050-12-31T23:59:59.999Z']);
  assert.deepEqual(valuesOf(filter('beforeDate', ['0000-01-01'])), ['0000-01-01T00:00:00.000Z']);
  assert.deepEqual(valuesOf(filter('afterDate', ['9999-12-31'])), ['9999-12-31T23:59:59.999Z']);
});

test('relative ranges and values beyond 0000–9999 are QUERY_INVALID naming the filter values', () => {
  assert.throws(() => valuesOf(filter('beforeDate', ['last 100000 years'])), outOfRange);
  assert.throws(() => valuesOf(filter('inDateRange', ['next 99999999999 months'])), outOfRange);
  // 9999-12-31T23:30 at UTC-01:00 is 10000-01-01T00:30Z.
  assert.throws(() => valuesOf(filter('gt', ['9999-12-31T23:30:00-01:00'])), outOfRange);
  assert.throws(() => valuesOf(filter('inDateRange', ['0000-01-01T00:00:00+01:00', '2025-01-01'])), outOfRange);
  // The query time zone moves the end of 9999-12-31 into the year 10000 in Los Angeles (UTC-8).
  const la = { ...ctx, timezone: 'America/Los_Angeles' };
  assert.throws(() => valuesOf(filter('lte', ['9999-12-31T20:00:00']), la), outOfRange);
  assert.throws(() => valuesOf(filter('afterDate', ['9999-12-31']), la), outOfRange);
  // …while a bound that stays inside is fine: 9999-12-31T00:00 in Los Angeles is 08:00 UTC.
  assert.deepEqual(valuesOf(filter('beforeDate', ['9999-12-31']), la), ['9999-12-31T08:00:00.000Z']);
});
