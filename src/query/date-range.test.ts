import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { formatExplicitRange, parseRelativeRange } from './date-range.js';
import { fromWall, parseTimestamp, toWall } from './time-zone.js';

// Thursday 20 March 2025, 10:00 UTC; Berlin is UTC+1 until 30 March.
const now = new Date('2025-03-20T10:00:00.000Z');
const day = (from: string, to: string) => [`${from}T00:00:00.000`, `${to}T23:59:59.999`];

const CASES: [string, string[]][] = [
  ['today', day('2025-03-20', '2025-03-20')],
  ['yesterday', day('2025-03-19', '2025-03-19')],
  ['tomorrow', day('2025-03-21', '2025-03-21')],
  ['last 7 days', day('2025-03-13', '2025-03-19')],
  ['last 30 days', day('2025-02-18', '2025-03-19')],
  ['this week', day('2025-03-17', '2025-03-23')],
  ['last week', day('2025-03-10', '2025-03-16')],
  ['last 2 weeks', day('2025-03-03', '2025-03-16')],
  ['this month', day('2025-03-01', '2025-03-31')],
  ['last month', day('2025-02-01', '2025-02-28')],
  ['last 3 months', day('2024-12-01', '2025-02-28')],
  ['this quarter', day('2025-01-01', '2025-03-31')],
  ['last quarter', day('2024-10-01', '2024-12-31')],
  ['this year', day('2025-01-01', '2025-12-31')],
  ['last year', day('2024-01-01', '2024-12-31')],
  ['Last Month', day('2025-02-01', '2025-02-28')],
  ['from 2025-01-01 to today', day('2025-01-01', '2025-03-20')],
  ['from 7 days ago to yesterday', day('2025-03-13', '2025-03-19')],
  ['2025-02-14', day('2025-02-14', '2025-02-14')],
];

for (const [text, expected] of CASES) {
  test(`relative date range '${text}' with a fixed clock`, () => {
    assert.deepEqual(parseRelativeRange(text, 'UTC', now), expected);
  });
}

test('"today" follows the query time zone: 23:30 UTC is already tomorrow in Berlin', () => {
  const late = new Date('2025-03-20T23:30:00.000Z');
  assert.deepEqual(parseRelativeRange('today', 'UTC', late), day('2025-03-20', '2025-03-20'));
  assert.deepEqual(parseRelativeRange('today', 'Europe/Berlin', late), day('2025-03-21', '2025-03-21'));
  assert.deepEqual(parseRelativeRange('today', 'America/Los_Angeles', late), day('2025-03-20', '2025-03-20'));
});

test('a range that cannot be read is a QUERY_INVALID error in Cube\'s words', () => {
  assert.throws(() => parseRelativeRange('the other day', 'UTC', now), (e: unknown) => isUprateError(e) && e.code === 'QUERY_INVALID' && e.message === "Can't parse date: 'the other day'");
});

test('explicit ranges: dates widen to whole days, date-times are kept, zoned ones read in UTC (as Cube does)', () => {
  assert.deepEqual(formatExplicitRange(['2025-01-01', '2025-01-31'], 'x'), day('2025-01-01', '2025-01-31'));
  assert.deepEqual(formatExplicitRange(['2025-01-01T10:00:00', '2025-01-01T11:30:00.5'], 'x'), ['2025-01-01T10:00:00.000', '2025-01-01T11:30:00.500']);
  assert.deepEqual(formatExplicitRange(['2025-01-01T10:00:00+02:00'], 'x'), ['2025-01-01T08:00:00.000', '2025-01-01T08:00:00.000']);
  assert.throws(() => formatExplicitRange(['2025-02-30', '2025-03-01'], 'x'), /not a date/);
});

test('wall time ↔ instant across time zones and a DST change', () => {
  const wall = parseTimestamp('2025-02-01T00:00:00.000')?.ms ?? NaN;
  assert.equal(new Date(fromWall(wall, 'Europe/Berlin')).toISOString(), '2025-01-31T23:00:00.000Z');
  const summer = parseTimestamp('2025-07-01T00:00:00.000')?.ms ?? NaN;
  assert.equal(new Date(fromWall(summer, 'Europe/Berlin')).toISOString(), '2025-06-30T22:00:00.000Z');
  assert.equal(new Date(toWall(Date.parse('2025-03-30T01:30:00Z'), 'Europe/Berlin')).toISOString(), '2025-03-30T03:30:00.000Z');
});
