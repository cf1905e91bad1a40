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
