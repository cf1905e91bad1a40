// Tests for periods.ts, written for the mutation run: every date and label below is worked out by
// hand from the UTC calendar (2025-04-14 is a Monday; 2024 is a leap year), not by the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentPeriodStart, periodAt, periodLabel, periodsBefore, periodsPerYear, periodStarts, provisionalSearch, wallTime } from './periods.js';

const d = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const iso = (x: Date) => x.toISOString();

test('periodLabel: the documented label of each grain', () => {
  assert.equal(periodLabel(d('2025-04-07'), 'day'), '2025-04-07');
  assert.equal(periodLabel(d('2025-04-07'), 'week'), 'week of 2025-04-07');
  assert.equal(periodLabel(d('2025-04-01'), 'month'), '2025-04');
  assert.equal(periodLabel(d('2025-04-01'), 'year'), '2025');
});

test('periodLabel: quarters are numbered from the month: Jan–Mar Q1, Apr–Jun Q2, Jul–Sep Q3, Oct–Dec Q4', () => {
  assert.equal(periodLabel(d('2025-01-01'), 'quarter'), '2025-Q1');
  assert.equal(periodLabel(d('2025-03-01'), 'quarter'), '2025-Q1');
  assert.equal(periodLabel(d('2025-04-01'), 'quarter'), '2025-Q2');
  assert.equal(periodLabel(d('2025-07-01'), 'quarter'), '2025-Q3');
  assert.equal(periodLabel(d('2025-10-01'), 'quarter'), '2025-Q4');
  assert.equal(periodLabel(d('2025-12-01'), 'quarter'), '2025-Q4');
});

test('periodAt: the start, the start of the next period, the label', () => {
  assert.deepEqual(periodAt(d('2025-04-01'), 'month'), { start: d('2025-04-01'), end: d('2025-05-01'), label: '2025-04' });
  assert.deepEqual(periodAt(d('2025-04-14'), 'week'), { start: d('2025-04-14'), end: d('2025-04-21'), label: 'week of 2025-04-14' });
  assert.deepEqual(periodAt(d('2024-12-31'), 'day'), { start: d('2024-12-31'), end: d('2025-01-01'), label: '2024-12-31' });
  assert.deepEqual(periodAt(d('2025-10-01'), 'quarter'), { start: d('2025-10-01'), end: d('2026-01-01'), label: '2025-Q4' });
  assert.deepEqual(periodAt(d('2025-01-01'), 'year'), { start: d('2025-01-01'), end: d('2026-01-01'), label: '2025' });
});

test('periodsBefore: days, across a month end and a leap day', () => {
  assert.equal(iso(periodsBefore(d('2025-03-01'), 'day', 1)), iso(d('2025-02-28')));
  assert.equal(iso(periodsBefore(d('2024-03-01'), 'day', 1)), iso(d('2024-02-29')));
  assert.equal(iso(periodsBefore(d('2025-03-01'), 'day', 364)), iso(d('2024-03-02')));
  assert.equal(iso(periodsBefore(d('2025-03-10'), 'day', 0)), iso(d('2025-03-10')));
});

test('periodsBefore: weeks are 7 days each, across a year end', () => {
  assert.equal(iso(periodsBefore(d('2025-01-06'), 'week', 1)), iso(d('2024-12-30')));
  assert.equal(iso(periodsBefore(d('2025-04-14'), 'week', 2)), iso(d('2025-03-31')));
  // 52 weeks = 364 days: Monday 2025-04-14 → Monday 2024-04-15.
  assert.equal(iso(periodsBefore(d('2025-04-14'), 'week', 52)), iso(d('2024-04-15')));
});

test('periodsBefore: months start on the 1st, across a year end', () => {
  assert.equal(iso(periodsBefore(d('2025-01-01'), 'month', 1)), iso(d('2024-12-01')));
  assert.equal(iso(periodsBefore(d('2025-03-01'), 'month', 2)), iso(d('2025-01-01')));
  assert.equal(iso(periodsBefore(d('2025-06-01'), 'month', 12)), iso(d('2024-06-01')));
  // Any day of the month gives the first of the earlier month.
  assert.equal(iso(periodsBefore(d('2025-03-15'), 'month', 1)), iso(d('2025-02-01')));
});

test('periodsBefore: quarters are 3 months, years start on 1 January', () => {
  assert.equal(iso(periodsBefore(d('2025-04-01'), 'quarter', 1)), iso(d('2025-01-01')));
  assert.equal(iso(periodsBefore(d('2025-04-01'), 'quarter', 2)), iso(d('2024-10-01')));
  assert.equal(iso(periodsBefore(d('2025-01-01'), 'year', 1)), iso(d('2024-01-01')));
  assert.equal(iso(periodsBefore(d('2025-07-01'), 'year', 3)), iso(d('2022-01-01')));
});

test('periodsPerYear: 364 days, 52 weeks, 12 months, 4 quarters, 1 year', () => {
  assert.deepEqual(
    (['day', 'week', 'month', 'quarter', 'year'] as const).map((g) => periodsPerYear(g)),
    [364, 52, 12, 4, 1],
  );
});

test('provisionalSearch: 120 days, 20 weeks, 6 months, 3 quarters, 2 years', () => {
  assert.deepEqual(
    (['day', 'week', 'month', 'quarter', 'year'] as const).map((g) => provisionalSearch(g)),
    [120, 20, 6, 3, 2],
  );
});

test('periodStarts: every start from `from` up to, not including, `until`', () => {
  assert.deepEqual(periodStarts(d('2025-01-01'), d('2025-04-01'), 'month').map(iso), [d('2025-01-01'), d('2025-02-01'), d('2025-03-01')].map(iso));
  // `until` one millisecond after a start includes that start.
  assert.deepEqual(periodStarts(d('2025-01-01'), new Date(d('2025-03-01').getTime() + 1), 'month').map(iso), [d('2025-01-01'), d('2025-02-01'), d('2025-03-01')].map(iso));
  assert.deepEqual(periodStarts(d('2025-04-14'), d('2025-04-28'), 'week').map(iso), [d('2025-04-14'), d('2025-04-21')].map(iso));
  assert.deepEqual(periodStarts(d('2025-01-01'), d('2025-01-01'), 'day'), []);
  assert.deepEqual(periodStarts(d('2025-01-02'), d('2025-01-01'), 'day'), []);
});

test('currentPeriodStart: the start of the period holding the instant', () => {
  // Wednesday 2025-04-16 13:45 is in the week of Monday 2025-04-14.
  const at = new Date('2025-04-16T13:45:00Z');
  assert.equal(iso(currentPeriodStart(at, 'day')), iso(d('2025-04-16')));
  assert.equal(iso(currentPeriodStart(at, 'week')), iso(d('2025-04-14')));
  assert.equal(iso(currentPeriodStart(at, 'month')), iso(d('2025-04-01')));
  assert.equal(iso(currentPeriodStart(at, 'quarter')), iso(d('2025-04-01')));
  assert.equal(iso(currentPeriodStart(at, 'year')), iso(d('2025-01-01')));
});

test('wallTime: the UTC instant without its zone, to the millisecond', () => {
  assert.equal(wallTime(d('2025-04-01')), '2025-04-01T00:00:00.000');
  assert.equal(wallTime(new Date('2025-12-31T23:59:59.999Z')), '2025-12-31T23:59:59.999');
});
