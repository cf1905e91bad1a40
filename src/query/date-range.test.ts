import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { formatExplicitRange, localToInstant, parseRelativeRange, resolveDateRange } from './date-range.js';
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

// ---- years 0000–9999 read as written; anything beyond is a 400 naming the field ----

function outOfRange(where: string) {
  return (e: unknown) =>
    isUprateError(e) && e.code === 'QUERY_INVALID' && e.location === where && e.message.includes('0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999');
}

test('years 0–99 are not 1900–1999: an explicit range in the year 50 echoes the year 50', () => {
  assert.deepEqual(formatExplicitRange(['0050-01-01', '0050-12-31'], 'x'), ['0050-01-01T00:00:00.000', '0050-12-31T23:59:59.999']);
  assert.deepEqual(formatExplicitRange(['0000-01-01', '9999-12-31'], 'x'), ['0000-01-01T00:00:00.000', '9999-12-31T23:59:59.999']);
  assert.deepEqual(resolveDateRange(['0000-01-01', '9999-12-31'], 'UTC', now, 'x'), ['0000-01-01T00:00:00.000', '9999-12-31T23:59:59.999']);
  // (datetime(50, 1, 1) - datetime(1970, 1, 1)) in Python's proleptic calendar.
  assert.equal(parseTimestamp('0050-01-01')?.ms, -60589296000000);
  assert.equal(parseTimestamp('0029-02-29'), undefined, '29 is no leap year');
  assert.equal(parseTimestamp('0028-02-29T12:00:00')?.ms, Date.parse('0028-02-29T12:00:00Z'));
});

test('clock readings and offsets that do not exist are not dates', () => {
  for (const s of ['2025-01-01T24:00', '2025-01-01T10:60', '2025-01-01T10:00:60', '2025-01-01T10:00+24:00', '2025-01-01T10:00-05:60', '10000-01-01', '+002025-01-01']) {
    assert.equal(parseTimestamp(s), undefined, s);
  }
});

test('relative ranges reaching past 0000–9999 are QUERY_INVALID naming the dateRange and the allowed range', () => {
  // now = 2025-03-20: the last 2025 whole years start on 0000-01-01, one more does not exist.
  assert.deepEqual(parseRelativeRange('last 2025 years', 'UTC', now), ['0000-01-01T00:00:00.000', '2024-12-31T23:59:59.999']);
  assert.deepEqual(parseRelativeRange('next 7974 years', 'UTC', now), ['2026-01-01T00:00:00.000', '9999-12-31T23:59:59.999']);
  assert.throws(() => parseRelativeRange('last 2026 years', 'UTC', now), outOfRange('dateRange'));
  assert.throws(() => parseRelativeRange('next 7975 years', 'UTC', now), outOfRange('dateRange'));
  for (const text of ['last 100000 years', 'next 99999999999 months', 'last 99999999999999999999 days', `last ${'9'.repeat(400)} days`, 'from 100000 years ago to now', 'from now to 99999999999 weeks from now']) {
    assert.throws(() => parseRelativeRange(text, 'UTC', now, 'timeDimensions[0].dateRange'), outOfRange('timeDimensions[0].dateRange'), text);
  }
  // 1e308 is not a count Cube reads at all.
  assert.throws(() => parseRelativeRange('last 1e308 days', 'UTC', now, 'td'), (e: unknown) => isUprateError(e) && e.location === 'td' && /Can't parse date/.test(e.message));
});

test('an offset or a time zone moving a date out of 0000–9999 is QUERY_INVALID too', () => {
  // 0000-01-01T00:00+01:00 is 23:00 on the last day of the year -1.
  assert.throws(() => formatExplicitRange(['0000-01-01T00:00:00+01:00', '2025-01-01'], 'x'), outOfRange('x'));
  // 9999-12-31 ends at 10000-01-01T07:59:59.999Z in Los Angeles (UTC-8).
  assert.throws(() => resolveDateRange(['2025-01-01', '9999-12-31'], 'America/Los_Angeles', now, 'td'), outOfRange('td'));
  // Berlin kept local mean time (UTC+00:53:28) before 1893: 0000-01-01 begins in the year -1 in UTC, 0000-01-02 does not.
  assert.throws(() => resolveDateRange(['0000-01-01', '2025-01-01'], 'Europe/Berlin', now, 'td'), outOfRange('td'));
  assert.equal(localToInstant('0000-01-02T00:00:00.000', 'Europe/Berlin', 'td'), '0000-01-01T23:06:32.000Z');
});

test('wall times before the year 100 and before the year 1 (Intl counts those as BC)', () => {
  const wall = (iso: string, tz: string) => new Date(toWall(Date.parse(iso), tz)).toISOString();
  assert.equal(wall('0050-06-01T00:00:00Z', 'Europe/Berlin'), '0050-06-01T00:53:28.000Z');
  assert.equal(wall('0000-06-01T00:00:00Z', 'Europe/Berlin'), '0000-06-01T00:53:28.000Z');
  assert.equal(wall('-000001-06-01T00:00:00Z', 'UTC'), '-000001-06-01T00:00:00.000Z');
  assert.ok(Number.isNaN(toWall(NaN, 'UTC')));
  // "today" with a clock in the year 50.
  assert.deepEqual(parseRelativeRange('today', 'UTC', new Date('0050-03-20T10:00:00Z')), day('0050-03-20', '0050-03-20'));
});
