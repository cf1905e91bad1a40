import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, endOf, startOf, utc } from './wall-time.js';

// Expected milliseconds from Python's proleptic Gregorian calendar:
// (datetime(y, m, d) - datetime(1970, 1, 1)).total_seconds() * 1000
const Y50 = -60589296000000; // 0050-01-01
const Y1 = -62135596800000; // 0001-01-01
const Y100 = -59011459200000; // 0100-01-01
const DAY = 86_400_000;

test('utc reads years 0–99 as written, not as 1900–1999 (Date.UTC does)', () => {
  assert.equal(utc(50, 0, 1), Y50);
  assert.equal(utc(1, 0, 1), Y1);
  // Year 0 is a leap year (divisible by 400): 366 days before 0001-01-01.
  assert.equal(utc(0, 0, 1), Y1 - 366 * DAY);
  assert.equal(utc(0, 1, 29), Y1 - 366 * DAY + (31 + 28) * DAY);
  // Days and months overflow as in Date.UTC, across the year-100 edge too.
  assert.equal(utc(99, 11, 32), Y100);
  assert.equal(utc(100, -12, 1), utc(99, 0, 1));
  // Years from 100 on are Date.UTC's.
  assert.equal(utc(2025, 2, 30, 10, 0, 0, 5), Date.UTC(2025, 2, 30, 10, 0, 0, 5));
});

test('calendar arithmetic stays in the years 0–99', () => {
  // 0050 is not a leap year, 0048 is: month-end clamping follows.
  assert.equal(add(utc(50, 0, 31), 1, 'month'), utc(50, 1, 28));
  assert.equal(add(utc(48, 0, 31), 1, 'month'), utc(48, 1, 29));
  assert.equal(startOf(utc(50, 7, 15, 12), 'quarter'), utc(50, 6, 1));
  assert.equal(startOf(utc(50, 7, 15, 12), 'year'), Y50);
  assert.equal(endOf(Y50, 'year'), utc(51, 0, 1) - 1);
  assert.equal(add(Y50, -50, 'year'), utc(0, 0, 1));
});

test('a count no calendar holds gives NaN, not a date', () => {
  assert.ok(Number.isNaN(add(Y50, 99_999_999_999, 'month')));
  assert.ok(!Number.isFinite(add(Y50, Number('9'.repeat(400)), 'day')));
});
