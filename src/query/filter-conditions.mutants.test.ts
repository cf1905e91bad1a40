/**
 * Each filter operator's typed condition, against values worked out by hand: the bound each date
 * operator keeps, values typed by the member's type, and every refusal with its message and place.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { refused as refusedWith } from '../../test/uprate-error.js';
import { compileModel, loadModel, shippedModelDir, type Model } from '../model/index.js';
import { buildCondition, buildFilterTree, type ConditionContext } from './filter-conditions.js';
import type { NormalizedFilter, NormalizedFilterItem } from './normalize-query.js';

let ctx: ConditionContext;
before(async () => {
  const model: Model = await loadModel(shippedModelDir());
  // Thursday 2025-03-20, 10:00 UTC.
  ctx = { model, timezone: 'UTC', now: new Date('2025-03-20T10:00:00Z') };
});

const f = (member: string, operator: NormalizedFilter['operator'], values?: (string | null)[]): NormalizedFilter => ({ member, operator, ...(values ? { values } : {}) });
const values = (filter: NormalizedFilter, c: ConditionContext = ctx) => {
  const p = buildCondition(filter, c, 'filters[0]');
  assert.equal(p.kind, 'condition');
  return p.kind === 'condition' ? p.values : undefined;
};
/** A QUERY_INVALID refusal at `location` with this message (and hint). */
const refused = (fn: () => unknown, message: string | RegExp, location: string, hint?: RegExp) => void refusedWith(fn, 'QUERY_INVALID', location, { message, ...(hint ? { hint } : {}) });

const T = 'Offers.offeredAt';

test('each date operator keeps the bound it compares with', () => {
  const range = ['2025-01-10', '2025-01-20'];
  assert.deepEqual(values(f(T, 'inDateRange', range)), ['2025-01-10T00:00:00.000Z', '2025-01-20T23:59:59.999Z']);
  assert.deepEqual(values(f(T, 'notInDateRange', range)), ['2025-01-10T00:00:00.000Z', '2025-01-20T23:59:59.999Z']);
  // A single day: its first and last millisecond.
  assert.deepEqual(values(f(T, 'onTheDate', ['2025-01-10'])), ['2025-01-10T00:00:00.000Z', '2025-01-10T23:59:59.999Z']);
  // Before a day: its start; on or after a day: its start; on or before: its end; after: its end.
  assert.deepEqual(values(f(T, 'beforeDate', ['2025-01-10'])), ['2025-01-10T00:00:00.000Z']);
  assert.deepEqual(values(f(T, 'afterOrOnDate', ['2025-01-10'])), ['2025-01-10T00:00:00.000Z']);
  assert.deepEqual(values(f(T, 'beforeOrOnDate', ['2025-01-10'])), ['2025-01-10T23:59:59.999Z']);
  assert.deepEqual(values(f(T, 'afterDate', ['2025-01-10'])), ['2025-01-10T23:59:59.999Z']);
  // Only the first value of a one-bound operator is read; nulls are skipped.
  assert.deepEqual(values(f(T, 'beforeDate', [null, '2025-01-10', '2030-01-01'])), ['2025-01-10T00:00:00.000Z']);
  assert.deepEqual(values(f(T, 'inDateRange', ['2025-01-10', '2025-01-20', '2031-01-01'])), ['2025-01-10T00:00:00.000Z', '2025-01-20T23:59:59.999Z']);
});

test('a relative range is read with the clock and the time zone', () => {
  // Last week of Thursday 2025-03-20 is Monday 03-10 to Sunday 03-16.
  assert.deepEqual(values(f(T, 'inDateRange', ['last week'])), ['2025-03-10T00:00:00.000Z', '2025-03-16T23:59:59.999Z']);
  assert.deepEqual(values(f(T, 'afterDate', ['yesterday'])), ['2025-03-19T23:59:59.999Z']);
  // In Berlin (+01:00 in March before the 30th) the days start an hour earlier in UTC.
  const berlin = { ...ctx, timezone: 'Europe/Berlin' };
  assert.deepEqual(values(f(T, 'onTheDate', ['2025-03-19']), berlin), ['2025-03-18T23:00:00.000Z', '2025-03-19T22:59:59.999Z']);
  assert.deepEqual(values(f(T, 'beforeDate', ['today']), berlin), ['2025-03-19T23:00:00.000Z']);
});

test('a date operator needs a date and a time dimension', () => {
  refused(() => values(f(T, 'beforeDate', [])), 'Values required for filter: beforeDate needs a date', 'filters[0].values');
  refused(() => values(f(T, 'inDateRange', [null])), 'Values required for filter: inDateRange needs a date', 'filters[0].values');
  refused(() => values(f(T, 'afterDate')), 'Values required for filter: afterDate needs a date', 'filters[0].values');
  refused(() => values(f('Offers.channel', 'onTheDate', ['2025-01-01'])), 'Invalid query format: operator onTheDate needs a time dimension, and Offers.channel is not one', 'filters[0]', /use gt, lt, equals/);
});

test('text operators need a string dimension', () => {
  assert.deepEqual(values(f('Offers.channel', 'contains', ['mai'])), ['mai']);
  refused(() => values(f('Offers.count', 'startsWith', ['1'])), 'Invalid query format: operator startsWith needs a string dimension, and Offers.count is a measure', 'filters[0]', /use equals, gt, lt/);
  refused(() => values(f('Customers.engagementScore', 'notEndsWith', ['1'])), 'Invalid query format: operator notEndsWith needs a string dimension, and Customers.engagementScore is a number dimension', 'filters[0]');
  refused(() => values(f(T, 'notContains', ['1'])), 'Invalid query format: operator notContains needs a string dimension, and Offers.offeredAt is a time dimension', 'filters[0]');
});

test('values typed by the member: numbers for measures and number dimensions, text kept as text', () => {
  assert.deepEqual(values(f('Offers.count', 'gt', ['10', ' 2.5 ', null])), [10, 2.5, null]);
  assert.deepEqual(values(f('Customers.engagementScore', 'equals', ['-3e2'])), [-300]);
  for (const bad of ['', '  ', 'ten', 'Infinity', 'NaN']) {
    refused(() => values(f('Offers.count', 'gt', [bad])), `Invalid query format: filter value ${JSON.stringify(bad)} for Offers.count is not a number`, 'filters[0].values');
  }
  assert.deepEqual(values(f('Offers.channel', 'equals', ['10', ' email '])), ['10', ' email ']);
});

test('time values: a wall time in the query zone, or an instant with its offset', () => {
  const berlin = { ...ctx, timezone: 'Europe/Berlin' };
  assert.deepEqual(values(f(T, 'gt', ['2025-01-10T12:00:00']), berlin), ['2025-01-10T11:00:00.000Z']);
  assert.deepEqual(values(f(T, 'gt', ['2025-01-10T12:00:00Z']), berlin), ['2025-01-10T12:00:00.000Z']);
  assert.deepEqual(values(f(T, 'lt', ['2025-01-10T12:00:00+02:00'])), ['2025-01-10T10:00:00.000Z']);
  refused(() => values(f(T, 'gt', ['soon'])), 'Invalid query format: filter value "soon" for Offers.offeredAt is not a date', 'filters[0].values');
});

test('booleans: true/1 and false/0, nothing else', async () => {
  const { model } = compileModel([
    {
      file: 'flags.js',
      text: "cube('Flags', { sql_table: 'flags', measures: { count: { type: 'count' } }, dimensions: { id: { sql: 'id', type: 'string', primary_key: true }, on: { sql: 'is_on', type: 'boolean' } } });",
    },
  ]);
  assert.ok(model);
  const c = { ...ctx, model };
  assert.deepEqual(values(f('Flags.on', 'equals', ['true', '1', 'false', '0', null]), c), [true, true, false, false, null]);
  for (const bad of ['TRUE', 'yes', '2', '']) refused(() => values(f('Flags.on', 'equals', [bad]), c), `Invalid query format: filter value ${JSON.stringify(bad)} for Flags.on is not true or false`, 'filters[0].values');
});

test('measureFilter: only on a measure, with no values', () => {
  const p = buildCondition(f('Offers.count', 'measureFilter', ['x']), ctx, 'filters[2]');
  assert.deepEqual(p.kind === 'condition' ? [p.operator, p.values, p.member.path] : p, ['measureFilter', [], 'Offers.count']);
  refused(() => buildCondition(f('Offers.channel', 'measureFilter'), ctx, 'filters[2]'), 'measureFilter needs a measure, and Offers.channel is a dimension', 'filters[2]');
});

test('a filter tree: dimension filters to WHERE, measure filters to HAVING, measureFilter to WHERE', () => {
  const items: NormalizedFilterItem[] = [
    f('Offers.channel', 'equals', ['email']),
    f('Offers.count', 'gt', ['5']),
    f('Offers.count', 'measureFilter'),
    { or: [f('Offers.offerType', 'equals', ['upsell']), { and: [f('Offers.channel', 'set'), f('Offers.campaign', 'notSet')] }] },
    { and: [f('Offers.accepted', 'gte', ['1']), f('Offers.count', 'lt', ['9'])] },
  ];
  const out = buildFilterTree(items, ctx, 'filters');
  assert.deepEqual(out.where.map((p) => p.kind), ['condition', 'condition', 'or']);
  assert.deepEqual(out.having.map((p) => p.kind), ['condition', 'and']);
  const or = out.where[2];
  assert.ok(or?.kind === 'or' && or.items.length === 2 && or.items[1]?.kind === 'and');
  // An empty group is a row filter.
  assert.deepEqual(buildFilterTree([{ and: [] }], ctx, 'filters').where, [{ kind: 'and', items: [] }]);
});

test('a group mixing dimensions and measures is refused where it is', () => {
  refused(
    () => buildFilterTree([f('Offers.channel', 'set'), { or: [f('Offers.channel', 'set'), { and: [f('Offers.channel', 'set'), f('Offers.count', 'gt', ['1'])] }] }], ctx, 'filters'),
    'Invalid query format: the and group at filters[1].or[1] mixes dimensions and measures',
    'filters[1].or[1]',
    /filter dimensions and measures in separate groups/,
  );
  refused(() => buildFilterTree([{ or: [f('Offers.count', 'gt', ['1']), f('Offers.channel', 'set')] }], ctx, 'filters'), 'Invalid query format: the or group at filters[0] mixes dimensions and measures', 'filters[0]');
  // A bad member deep in the tree is named by its place.
  refused(() => buildFilterTree([{ and: [f('Offers.channel', 'set'), f('Offers.count', 'contains', ['1'])] }], ctx, 'filters'), /operator contains needs a string dimension/, 'filters[0].and[1]');
});

test('onTheDate and the range operators read two values; a relative range only alone', () => {
  assert.deepEqual(values(f(T, 'onTheDate', ['2025-01-10', '2025-01-12'])), ['2025-01-10T00:00:00.000Z', '2025-01-12T23:59:59.999Z']);
  // Two values are two dates, never a relative range.
  refused(() => values(f(T, 'inDateRange', ['last week', '2025-01-12'])), 'Invalid query format: filters[0].values value "last week" is not a date', 'filters[0].values');
});

test('a one-bound operator reads only its first value: a later date or a second value never moves its bound', () => {
  // afterDate and beforeOrOnDate compare with the end of the first day, 2025-01-10T23:59:59.999 (UTC),
  // not with the end of 2030-01-01 that a two-date range would give.
  assert.deepEqual(values(f(T, 'afterDate', ['2025-01-10', '2030-01-01'])), ['2025-01-10T23:59:59.999Z']);
  assert.deepEqual(values(f(T, 'beforeOrOnDate', ['2025-01-10', '2030-01-01'])), ['2025-01-10T23:59:59.999Z']);
  // The first value alone is a relative range: 'today' (Thursday 2025-03-20 in UTC) starts at midnight,
  // where the pair ['today', '2025-01-01'] would be refused as two dates.
  assert.deepEqual(values(f(T, 'beforeDate', ['today', '2025-01-01'])), ['2025-03-20T00:00:00.000Z']);
});

test('a single date-time is that instant, not its whole day', () => {
  // 2025-01-10T12:00:00 is one clock reading: both bounds are 12:00, so before and after it compare
  // with 12:00 (a day would give 00:00 and 23:59:59.999).
  assert.deepEqual(values(f(T, 'beforeDate', ['2025-01-10T12:00:00'])), ['2025-01-10T12:00:00.000Z']);
  assert.deepEqual(values(f(T, 'afterDate', ['2025-01-10T12:00:00'])), ['2025-01-10T12:00:00.000Z']);
  assert.deepEqual(values(f(T, 'onTheDate', ['2025-01-10T12:00:00'])), ['2025-01-10T12:00:00.000Z', '2025-01-10T12:00:00.000Z']);
  // Read in the query zone: 12:00 in Berlin (+01:00 in January) is 11:00 UTC.
  assert.deepEqual(values(f(T, 'afterOrOnDate', ['2025-01-10T12:00:00']), { ...ctx, timezone: 'Europe/Berlin' }), ['2025-01-10T11:00:00.000Z']);
});
