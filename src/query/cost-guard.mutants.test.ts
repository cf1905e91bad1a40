/**
 * The cost guard at each limit's edge: at the limit passes, one past it is a QUERY_TOO_LARGE
 * naming where and which config key; repeated members count once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused } from '../../test/uprate-error.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { guardCells, guardQuery } from './cost-guard.js';
import type { NormalizedRequest } from './normalize-query.js';

const limits: Limits = { ...DEFAULT_LIMITS, maxMembers: 4, maxFilterValues: 5, maxFilterDepth: 3, maxCells: 100 };

/** A QUERY_TOO_LARGE refusal at `location` with this message and hint. */
const tooLarge = (fn: () => unknown, message: string, location: string, hint: RegExp) => void refused(fn, 'QUERY_TOO_LARGE', location, { message, hint });

const m = (n: number) => Array.from({ length: n }, (_, i) => `Offers.m${i}`);

test('anything but a query object is left for the validator', () => {
  for (const input of [null, 'q', 3, [1, 2], undefined]) assert.equal(guardQuery(input, limits), input);
});

test('repeated measures, dimensions and segments count once and are merged; other items are kept', () => {
  const out = guardQuery({ measures: ['A.x', 'A.x', 'A.y'], dimensions: ['A.d', 7, 7, 'A.d'], segments: ['A.s', 'A.s'], other: 1 }, { ...limits, maxMembers: 6 });
  assert.deepEqual(out, { measures: ['A.x', 'A.y'], dimensions: ['A.d', 7, 7], segments: ['A.s'], other: 1 });
  // Not a list: untouched.
  assert.deepEqual(guardQuery({ measures: 'A.x' }, limits), { measures: 'A.x' });
});

test('time dimensions repeated exactly are one; a different granularity or range is another', () => {
  const td = { dimension: 'A.t', granularity: 'month' };
  const out = guardQuery({ timeDimensions: [td, { ...td }, { ...td, granularity: 'day' }, { ...td, dateRange: 'last week' }] }, limits) as { timeDimensions: unknown[] };
  assert.equal(out.timeDimensions.length, 3);
  assert.deepEqual(guardQuery({ timeDimensions: 'x' }, limits), { timeDimensions: 'x' });
});

test('members: every kind counts, up to the limit', () => {
  assert.doesNotThrow(() => guardQuery({ measures: m(1), dimensions: ['A.d'], timeDimensions: [{ dimension: 'A.t' }], segments: ['A.s'] }, limits));
  assert.doesNotThrow(() => guardQuery({ measures: [...m(4), ...m(4)] }, limits));
  tooLarge(() => guardQuery({ measures: m(2), dimensions: ['A.d'], timeDimensions: [{ dimension: 'A.t' }], segments: ['A.s'] }, limits), 'the query names 5 distinct members, more than 4', 'query', /fewer measures and dimensions at once, or raise limits\.maxMembers in uprate\.config\.yaml/);
});

test('filter values: counted across every filter, nested ones too', () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => String(i));
  assert.doesNotThrow(() => guardQuery({ filters: [{ member: 'A.d', operator: 'equals', values: values(2) }, { or: [{ member: 'A.d', operator: 'equals', values: values(3) }] }] }, limits));
  tooLarge(
    () => guardQuery({ filters: [{ member: 'A.d', operator: 'equals', values: values(2) }, { and: [{ member: 'A.d', operator: 'equals', values: values(1) }, { member: 'A.e', operator: 'equals', values: values(3) }] }] }, limits),
    'the filters hold more than 5 values',
    'filters[1].and[1].values',
    /instead of listing ids, or raise limits\.maxFilterValues/,
  );
  tooLarge(() => guardQuery({ filters: [{ member: 'A.d', operator: 'equals', values: values(6) }] }, limits), 'the filters hold more than 5 values', 'filters[0].values', /maxFilterValues/);
  // Not a list, or items that are not filters: nothing to count.
  assert.doesNotThrow(() => guardQuery({ filters: { values: values(50) } }, limits));
  assert.doesNotThrow(() => guardQuery({ filters: [null, 'x', [values(50)]] }, limits));
});

test('filter depth: the list is the first level and each and/or one more; past the limit it is refused where it nests', () => {
  const nest = (depth: number, op: 'and' | 'or'): unknown => (depth === 1 ? { member: 'A.d', operator: 'set' } : { [op]: [nest(depth - 1, op)] });
  assert.doesNotThrow(() => guardQuery({ filters: [nest(3, 'and')] }, limits));
  tooLarge(() => guardQuery({ filters: [nest(4, 'or')] }, limits), 'filters nest deeper than 3 levels of and/or', 'filters[0].or[0].or[0].or', /flatten the filter.*, or raise limits\.maxFilterDepth/);
  tooLarge(() => guardQuery({ filters: [{ member: 'A.d' }, nest(4, 'and')] }, limits), 'filters nest deeper than 3 levels of and/or', 'filters[1].and[0].and[0].and', /maxFilterDepth/);
  // A very deep filter is refused without a stack overflow.
  let deep: unknown = { member: 'A.d', operator: 'set' };
  for (let i = 0; i < 100_000; i++) deep = { and: [deep] };
  assert.throws(() => guardQuery({ filters: [deep] }, limits), /nest deeper than 3/);
});

test('compareDateRange: as many ranges as members allowed', () => {
  const ranges = (n: number) => Array.from({ length: n }, (_, i) => [`2025-0${i + 1}-01`, `2025-0${i + 1}-02`]);
  assert.doesNotThrow(() => guardQuery({ timeDimensions: [{ dimension: 'A.t', compareDateRange: ranges(4) }] }, limits));
  tooLarge(() => guardQuery({ timeDimensions: [{ dimension: 'A.u' }, { dimension: 'A.t', compareDateRange: ranges(5) }] }, limits), 'compareDateRange has 5 ranges, more than 4', 'timeDimensions[1].compareDateRange', /compare fewer ranges at once, or raise limits\.maxMembers/);
});

const request = (...queries: { measures?: string[]; dimensions?: string[]; granular?: number; plain?: number; limit: number }[]) =>
  ({
    queries: queries.map((q) => ({
      measures: q.measures,
      dimensions: q.dimensions ?? [],
      timeDimensions: [...Array.from({ length: q.granular ?? 0 }, () => ({ dimension: 'A.t', granularity: 'day' })), ...Array.from({ length: q.plain ?? 0 }, () => ({ dimension: 'A.t' }))],
      limit: q.limit,
    })),
  }) as unknown as NormalizedRequest;

test('cells: rows × columns summed over the queries; a time dimension without granularity is no column', () => {
  // 2 measures + 1 dimension + 1 granular time = 4 columns × 25 rows = 100: at the limit.
  assert.doesNotThrow(() => guardCells(request({ measures: ['a', 'b'], dimensions: ['d'], granular: 1, plain: 3, limit: 25 }), limits));
  tooLarge(() => guardCells(request({ measures: ['a', 'b'], dimensions: ['d'], granular: 1, limit: 26 }), limits), 'the answer could hold 104 cells (rows × columns), more than 100', 'limit', /a smaller limit, paged with offset.*, or raise limits\.maxCells/);
  // Two queries add up: 2 × 30 + 1 × 41 = 101.
  tooLarge(() => guardCells(request({ measures: ['a'], dimensions: ['d'], limit: 30 }, { measures: ['a'], limit: 41 }), limits), 'the answer could hold 101 cells (rows × columns), more than 100', 'limit', /maxCells/);
  // A query with no columns still answers rows: one column each.
  assert.doesNotThrow(() => guardCells(request({ limit: 100 }), limits));
  tooLarge(() => guardCells(request({ limit: 101 }), limits), 'the answer could hold 101 cells (rows × columns), more than 100', 'limit', /maxCells/);
  // Thousands are written with separators.
  tooLarge(() => guardCells(request({ measures: ['a'], limit: 2_000_001 }), DEFAULT_LIMITS), 'the answer could hold 2,000,001 cells (rows × columns), more than 2,000,000', 'limit', /maxCells/);
});
