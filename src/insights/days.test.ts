import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, dateToDay, dayToDate, daysInclusive, previousPeriod } from './days.js';

test('day arithmetic is exact in the years 0–99 (Date.UTC would read them as 1900–1999)', () => {
  // (datetime(50, 1, 1) - datetime(1970, 1, 1)) in Python's proleptic Gregorian calendar.
  assert.equal(dayToDate('0050-01-01').getTime(), -60589296000000);
  assert.equal(dateToDay(dayToDate('0050-01-01')), '0050-01-01');
  // 0050 is not a leap year, 0048 is, and so is 0000 (divisible by 400).
  assert.equal(addDays('0050-03-01', -1), '0050-02-28');
  assert.equal(addDays('0048-03-01', -1), '0048-02-29');
  assert.equal(daysInclusive('0000-01-01', '0000-12-31'), 366);
  assert.equal(daysInclusive('0050-01-01', '0050-12-31'), 365);
});

test('days moved past 0000–9999 use ISO expanded years and stay exact', () => {
  assert.equal(addDays('9999-12-31', 1), '+010000-01-01');
  assert.equal(addDays('+010000-01-01', -1), '9999-12-31');
  assert.deepEqual(previousPeriod('0000-01-01', '0000-01-31'), { from: '-000001-12-01', to: '-000001-12-31' });
  for (const text of ['2025-13-01', '2025-02-29', '2025-1-1', '']) assert.ok(Number.isNaN(dayToDate(text).getTime()), text);
});

test('the previous period of whole calendar months is the same number of months before; of other ranges, the same number of days', () => {
  // Whole months: by the calendar (92 days against 92 here, 28 against 31 below).
  assert.deepEqual(previousPeriod('2026-09-01', '2026-11-30'), { from: '2026-06-01', to: '2026-08-31' });
  assert.deepEqual(previousPeriod('2026-02-01', '2026-02-28'), { from: '2026-01-01', to: '2026-01-31' });
  assert.deepEqual(previousPeriod('2026-03-01', '2026-03-31'), { from: '2026-02-01', to: '2026-02-28' });
  assert.deepEqual(previousPeriod('2025-12-01', '2026-11-30'), { from: '2024-12-01', to: '2025-11-30' });
  assert.deepEqual(previousPeriod('2026-01-01', '2026-01-31'), { from: '2025-12-01', to: '2025-12-31' });
  // Not whole months: the same length in days, ending the day before.
  assert.deepEqual(previousPeriod('2026-09-02', '2026-11-30'), { from: '2026-06-04', to: '2026-09-01' });
  assert.deepEqual(previousPeriod('2026-09-01', '2026-11-29'), { from: '2026-06-03', to: '2026-08-31' });
  assert.deepEqual(previousPeriod('2026-03-01', '2026-03-01'), { from: '2026-02-28', to: '2026-02-28' });
  for (const [from, to] of [['2026-09-02', '2026-11-30'], ['2026-03-01', '2026-03-01'], ['2024-02-10', '2024-03-09']] as const) {
    const p = previousPeriod(from, to);
    assert.equal(daysInclusive(p.from, p.to), daysInclusive(from, to), `${from}…${to}`);
  }
});
